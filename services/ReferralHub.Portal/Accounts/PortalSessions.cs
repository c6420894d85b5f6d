using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// A signed-in session of the portal: the row exists from sign-in until sign-out (or a refused refresh). The cookie
/// holds a random id; the table only its SHA-256, so a copy of the database opens no session.
/// </summary>
public sealed class PortalSession
{
    public required string Id { get; init; }

    public required string PersonId { get; init; }

    public DateTime StartedAt { get; init; }
}

/// <summary>
/// What the portal keeps of a person, written at every sign-in from the gateway's identity token: the name to greet
/// them with, where to send their notices (name, e-mail, phone: encrypted with the portal's data protection, purpose
/// <see cref="PortalProfiles.Purpose"/>) and the agency, roles and areas that decide which notices they get. The
/// gateway's account store stays the only place that decides who may sign in.
/// </summary>
public sealed class PortalPerson
{
    public required string Id { get; init; }

    public required string DisplayName { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public required string Agency { get; set; }

    /// <summary>Role codes, comma-separated.</summary>
    public string Roles { get; set; } = "";

    /// <summary>Area codes, comma-separated.</summary>
    public string Areas { get; set; } = "";

    public DateTime SignedInAt { get; set; }

    /// <summary>
    /// False while the gateway says the account is disabled (<c>PersonAccountChanged</c>): no notice is queued or sent
    /// to the person. A sign-in sets it again (only an enabled account can sign in).
    /// </summary>
    public bool Active { get; set; } = true;

    /// <summary>
    /// The account's change count at the gateway this profile reflects (from the identity token at sign-in, or the last
    /// <c>PersonAccountChanged</c> applied): an event or a token with a lower count is older and changes nothing.
    /// </summary>
    public long AccountVersion { get; set; }

    // DisplayName, Email and Phone hold the encrypted values (PortalProfiles.Protect).
}

/// <summary>The person profile's personal fields, in and out of their encrypted form.</summary>
public sealed class PortalProfiles(IDataProtectionProvider protection)
{
    public const string Purpose = "ReferralHub.Portal.PersonProfile";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public string? Protect(string? value) => string.IsNullOrEmpty(value) ? null : _protector.Protect(value);

    public string? Unprotect(string? value) => string.IsNullOrEmpty(value) ? null : _protector.Unprotect(value);
}

internal static class PortalSessions
{
    /// <summary>
    /// After the gateway's identity token is validated: the portal's own principal (the id without the <c>portal:</c>
    /// prefix, name, agency, roles, areas and a new session id), the session row, the person's profile, and the
    /// language they chose on another device.
    /// </summary>
    public static async Task StartAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var token = context.Principal!;
        var subject = token.FindFirstValue(HubClaims.Subject) ?? "";
        var prefix = PortalClient.Subject("");
        var agency = token.FindFirstValue(HubClaims.Agency);
        if (!subject.StartsWith(prefix, StringComparison.Ordinal) || string.IsNullOrEmpty(agency))
        {
            context.Fail("The identity token does not name a portal person of an agency.");
            return;
        }
        var id = subject[prefix.Length..];
        var roles = token.FindAll(HubClaims.Role).Select(c => c.Value).Distinct().Order().ToList();
        var areas = token.FindAll(HubClaims.Area).Select(c => c.Value).Distinct().Order().ToList();
        var name = token.FindFirstValue("name") ?? id;
        var sessionId = Base64Url(RandomNumberGenerator.GetBytes(32));

        // A token without the count (an older gateway) counts as the oldest state: it never undoes an event already applied.
        var accountVersion = long.TryParse(token.FindFirstValue(PortalClient.AccountVersionClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

        var db = services.GetRequiredService<PortalDbContext>();
        var people = services.GetRequiredService<PortalProfiles>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var person = await db.Set<PortalPerson>().SingleOrDefaultAsync(p => p.Id == id, context.HttpContext.RequestAborted);
        if (person is not null && person.AccountVersion > accountVersion)
        {
            // The portal already heard of a later change to the account (disabled, other roles) than this token shows.
            context.Fail("The account changed at the gateway after this identity token was issued.");
            return;
        }
        db.Set<PortalSession>().Add(new PortalSession { Id = Hash(sessionId), PersonId = id, StartedAt = now });
        if (person is null) db.Set<PortalPerson>().Add(person = new PortalPerson { Id = id, DisplayName = "", Agency = agency });
        person.Active = true;
        person.AccountVersion = accountVersion;
        person.DisplayName = people.Protect(name) ?? "";
        person.Email = people.Protect(token.FindFirstValue("email"));
        person.Phone = people.Protect(token.FindFirstValue("phone_number"));
        person.Agency = agency;
        person.Roles = string.Join(',', roles);
        person.Areas = string.Join(',', areas);
        person.SignedInAt = now;
        await db.SaveChangesAsync(context.HttpContext.RequestAborted);

        var identity = new ClaimsIdentity(PortalSignIn.Scheme, PortalSignIn.DisplayNameClaim, HubClaims.Role);
        identity.AddClaim(new Claim(HubClaims.Subject, id));
        identity.AddClaim(new Claim(PortalSignIn.DisplayNameClaim, name));
        identity.AddClaim(new Claim(HubClaims.Agency, agency));
        identity.AddClaims(roles.Select(r => new Claim(HubClaims.Role, r)));
        identity.AddClaims(areas.Select(a => new Claim(HubClaims.Area, a)));
        identity.AddClaim(new Claim(PortalSignIn.SessionClaim, sessionId));
        context.Principal = new ClaimsPrincipal(identity);
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalSessions)).LogInformation("Portal person {UserId} signed in", id);

        // The language the person chose on another device or browser comes with them.
        var chosen = await db.Set<PersonSettings>().Where(s => s.UserId == id).Select(s => s.Culture).SingleOrDefaultAsync(context.HttpContext.RequestAborted);
        var configuration = services.GetRequiredService<IConfiguration>();
        if (PortalCultures.Supported(configuration).FirstOrDefault(c => c.Name == chosen) is { } culture) PortalLanguage.Remember(context.Response, culture);
    }

    /// <summary>
    /// Whether the cookie's session is still open: not signed out, not ended by a refused refresh or by the gateway's
    /// word (disabled, other roles), and younger than the absolute lifetime (<paramref name="startedAfter"/>), however
    /// often the sliding cookie was renewed.
    /// </summary>
    public static Task<bool> IsOpenAsync(PortalDbContext db, string? sessionId, DateTime startedAfter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sessionId)) return Task.FromResult(false);
        var hash = Hash(sessionId);
        return db.Set<PortalSession>().AnyAsync(s => s.Id == hash && s.StartedAt > startedAfter, cancellationToken);
    }

    public static async Task EndAsync(PortalDbContext db, string? sessionId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sessionId)) return;
        var hash = Hash(sessionId);
        await db.Set<PortalSession>().Where(s => s.Id == hash).ExecuteDeleteAsync(cancellationToken);
    }

    internal static string Hash(string sessionId) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sessionId)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal static class PortalSessionsModel
{
    public static ModelBuilder AddPortalSessions(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PortalSession>(e =>
        {
            e.ToTable("portal_sessions");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.PersonId).HasMaxLength(64);
            e.HasIndex(s => s.PersonId);
        });
        modelBuilder.Entity<PortalPerson>(e =>
        {
            e.ToTable("portal_people");
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).HasMaxLength(64);
            e.Property(p => p.DisplayName).HasMaxLength(1000);
            e.Property(p => p.Agency).HasMaxLength(100);
            e.Property(p => p.Roles).HasMaxLength(200);
            e.Property(p => p.Areas).HasMaxLength(2000);
            e.HasIndex(p => p.Agency);
        });
        return modelBuilder;
    }
}
