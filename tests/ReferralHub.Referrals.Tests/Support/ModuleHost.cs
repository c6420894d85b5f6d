using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Directory;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals;

namespace ReferralHub.Referrals.Tests.Support;

/// <summary>
/// The referral module alone on an in-memory bus and SQLite, with small fake directory and consent responders
/// (<see cref="FakeWorld"/>) and tokens signed by a key the test owns: fast tests of the lifecycle that do not depend
/// on the other services' data. End-to-end tests use the real embedded host instead.
/// </summary>
public sealed class ModuleHost : IAsyncLifetime
{
    private const string Issuer = "http://referrals.test/";
    private readonly RSA _key = RSA.Create(2048);
    private WebApplication? _app;

    public string DataDirectory { get; } = System.IO.Directory.CreateTempSubdirectory("referrals-module-").FullName;

    public FakeWorld World { get; } = new();

    public MovableClock Clock { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Stands in for the agencies' webhook receivers.</summary>
    public FakeReceiver Receiver { get; } = new();

    /// <summary>Every message published or sent on the bus, as JSON.</summary>
    public ConcurrentQueue<string> BusMessages { get; } = new();

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Referrals:SweepInterval"] = "00:00:00.200",
        ["Referrals:Webhooks:PollInterval"] = "00:00:00.100",
        ["Referrals:Webhooks:RetryBaseDelay"] = "00:00:00.050",
        ["Referrals:Webhooks:MaxAttempts"] = "3",
    };

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Auth:Issuer"] = Issuer,
            ["Auth:SigningKeyPem"] = _key.ExportPkcs8PrivateKeyPem(),
        });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Logging.AddProvider(Logs);
        builder.AddServiceDefaults("referrals-test");
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.AddSingleton(World);
        builder.AddReferrals();
        builder.AddBusConsumers("test-fakes", consumers => consumers.Add<FakeDirectoryResponder>().Add<FakeConsentResponder>());
        builder.AddMessageBus();
        builder.Services.AddHttpClient("referral-webhooks").ConfigurePrimaryHttpMessageHandler(() => Receiver);
        _app = builder.Build();
        _app.MapServiceDefaults();
        _app.MapReferrals();
        await _app.StartAsync();
        var bus = _app.Services.GetRequiredService<IBus>();
        bus.ConnectPublishObserver(new BusRecorder(BusMessages));
        bus.ConnectSendObserver(new BusRecorder(BusMessages));
        // Wait for migrations (the readiness check) before the first request.
        using var client = _app.GetTestClient();
        for (var i = 0; i < 200 && !(await client.GetAsync("/health")).IsSuccessStatusCode; i++) await Task.Delay(50);
    }

    public HttpClient ClientFor(string agency, params string[] roles)
    {
        var client = _app!.GetTestClient();
        var claims = new List<Claim> { new(HubClaims.Subject, $"{agency}-system"), new(HubClaims.Agency, agency) };
        claims.AddRange(roles.Select(r => new Claim(HubClaims.Role, r)));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = HubClaims.ApiAudience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key), SecurityAlgorithms.RsaSha256),
        });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            try
            {
                await _app.StopAsync();
            }
            catch (Exception ex) when (ex.ToString().Contains("MassTransit.Transports.ReceiveEndpoint.Stop", StringComparison.Ordinal))
            {
                // MassTransit 8.5's in-memory endpoints can fault while stopping a host whose bus is still starting;
                // it happens after the class's tests have run and says nothing about the module (see EmbeddedHubFactory).
            }
            await _app.DisposeAsync();
        }
        _key.Dispose();
        try { System.IO.Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>What the fake directory and consent registry answer; tests set it up per case code.</summary>
public sealed class FakeWorld
{
    public const string Area = "camp-1";
    public static readonly Guid AgencyBService = Guid.Parse("00000000-0000-0000-0000-0000000000b1");
    public static readonly Guid AgencyCService = Guid.Parse("00000000-0000-0000-0000-0000000000c1");
    public static readonly Guid FocalPoint = Guid.Parse("00000000-0000-0000-0000-0000000000f1");

    public bool ReofferToNext { get; set; } = true;

    public List<ServiceSnapshot> Services { get; } =
    [
        Service(AgencyBService, "agency-b", "specialised-mhpss"),
        Service(AgencyCService, "agency-c", "specialised-mhpss"),
    ];

    /// <summary>Consent per case code: null = no consent at all.</summary>
    public ConcurrentDictionary<string, FakeConsent> Consents { get; } = new();

    public ConcurrentQueue<CheckConsent> ConsentChecks { get; } = new();

    public static ServiceSnapshot Service(Guid id, string organisation, string type) => new(id, Guid.NewGuid(), organisation, type, $"{organisation} {type}",
        [Area], new EligibilitySnapshot(null, null, [], []), ["arabic"], new AcceptingSnapshot(true, null, null),
        [new FocalPointSnapshot(Guid.NewGuid(), $"Focal point {organisation}", "psychologist", null, null)], DateTime.UtcNow, false, false, 1);
}

public sealed record FakeConsent(bool Permitted, string? Reason = null, IReadOnlyList<string>? Withheld = null, IReadOnlyList<string>? Recipients = null);

public sealed class FakeDirectoryResponder(FakeWorld world) : IConsumer<ResolvePathway>
{
    public Task Consume(ConsumeContext<ResolvePathway> context)
    {
        var m = context.Message;
        if (m.ServiceId is { } id)
            return context.RespondAsync(new PathwayResolved(true, [.. world.Services.Where(s => s.Id == id)], false, []));
        var known = m.AreaCode == FakeWorld.Area;
        var services = known ? world.Services.Where(s => s.ServiceType == m.ServiceType).ToList() : [];
        return context.RespondAsync(new PathwayResolved(known, services, world.ReofferToNext,
            [new FocalPointSnapshot(FakeWorld.FocalPoint, "Area CP focal point", "child protection focal point", null, null)]));
    }
}

public sealed class FakeConsentResponder(FakeWorld world) : IConsumer<CheckConsent>, IConsumer<CheckConsentForCandidates>, IConsumer<CheckConsentForReferrals>
{
    public Task Consume(ConsumeContext<CheckConsent> context) => context.RespondAsync(Decide(context.Message));

    public Task Consume(ConsumeContext<CheckConsentForCandidates> context) => context.RespondAsync(PreCheck(context.Message));

    public Task Consume(ConsumeContext<CheckConsentForReferrals> context) =>
        context.RespondAsync(new ReferralsConsentDecisions([.. context.Message.Referrals.Select(PreCheck)]));

    /// <summary>As the registry does: one decision per recipient in order, up to the first that is not "recipient not covered".</summary>
    private CandidatesConsentDecision PreCheck(CheckConsentForCandidates m)
    {
        var decisions = new List<ConsentDecision>();
        foreach (var recipient in m.RecipientOrganisations)
        {
            var decision = Decide(new CheckConsent(m.AgencyCode, m.CaseCode, recipient, m.Purpose, m.ReleaseReference, Consume: false, m.RequestedBy));
            decisions.Add(decision);
            if (decision.Permitted || decision.Reason != ConsentDenialReasons.RecipientNotCovered) break;
        }
        return new CandidatesConsentDecision(decisions);
    }

    private ConsentDecision Decide(CheckConsent m)
    {
        world.ConsentChecks.Enqueue(m);
        if (!world.Consents.TryGetValue(m.CaseCode, out var consent))
            return new ConsentDecision(false, ConsentDenialReasons.NoConsent, null, null, null, [], Guid.NewGuid());
        if (!consent.Permitted)
            return new ConsentDecision(false, consent.Reason, null, null, null, [], Guid.NewGuid());
        if (consent.Recipients is { } recipients && !recipients.Contains(m.RecipientOrganisation))
            return new ConsentDecision(false, ConsentDenialReasons.RecipientNotCovered, null, null, null, [], Guid.NewGuid());
        return new ConsentDecision(true, null, Guid.Parse("00000000-0000-0000-0000-00000000c0c0"), 1, null, consent.Withheld ?? [], Guid.NewGuid());
    }
}

/// <summary>A clock the test moves forward.</summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>Keeps every log line the host writes, to prove no personal data is logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>Records every message that crosses the bus.</summary>
public sealed class BusRecorder(ConcurrentQueue<string> messages) : IPublishObserver, ISendObserver
{
    public Task PrePublish<T>(PublishContext<T> context) where T : class => Record(context.Message);

    public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PreSend<T>(SendContext<T> context) where T : class => Record(context.Message);

    public Task PostSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    private Task Record(object message)
    {
        messages.Enqueue($"{message.GetType().Name} {System.Text.Json.JsonSerializer.Serialize(message, message.GetType())}");
        return Task.CompletedTask;
    }
}

/// <summary>A webhook receiver: records each callback; fails the first <see cref="FailFirst"/> calls with 503.</summary>
public sealed class FakeReceiver : HttpMessageHandler
{
    private int _calls;

    private int _failFirst;

    /// <summary>Fail the next N calls (counting restarts when set).</summary>
    public int FailFirst
    {
        get => _failFirst;
        set { Interlocked.Exchange(ref _calls, 0); _failFirst = value; }
    }

    /// <summary>When set, every call fails (a receiver that is down), whatever <see cref="FailFirst"/> says.</summary>
    public bool Down { get; set; }

    public ConcurrentQueue<(HttpRequestMessage Request, string Body, bool Accepted)> Calls { get; } = new();

    /// <summary>Calls to this host wait until <see cref="Release"/> completes (a receiver that hangs).</summary>
    public string? HeldHost { get; set; }

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Calls to this host fail to connect (a receiver that is gone).</summary>
    public string? UnreachableHost { get; set; }

    /// <summary>Calls that reached the handler, answered or not (held ones included).</summary>
    public ConcurrentQueue<Uri> Attempts { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Attempts.Enqueue(request.RequestUri!);
        if (request.RequestUri!.Host == UnreachableHost) throw new HttpRequestException("Connection refused (test receiver unreachable)");
        if (request.RequestUri.Host == HeldHost) await Release.Task.WaitAsync(cancellationToken);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var accepted = Interlocked.Increment(ref _calls) > FailFirst && !Down;
        Calls.Enqueue((request, body, accepted));
        return new HttpResponseMessage(accepted ? System.Net.HttpStatusCode.OK : System.Net.HttpStatusCode.ServiceUnavailable);
    }
}
