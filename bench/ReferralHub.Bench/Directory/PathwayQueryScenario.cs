using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Bench.Directory;

/// <summary>
/// GET /api/v1/pathways over real HTTP (Kestrel on loopback) in the embedded host, with 2,000 areas and 10,000
/// services loaded on top of the demo mapping. Options: [services] [areas] [seconds] [concurrency].
/// </summary>
public sealed class PathwayQueryScenario : IBenchScenario
{
    public string Name => "directory-pathways";

    public string Description => "pathway query p50/p95/p99 and req/s over HTTP, 2,000 areas / 10,000 services";

    public async Task<IReadOnlyList<BenchResult>> RunAsync(string[] options)
    {
        int Option(int index, int fallback) => options.Length > index ? int.Parse(options[index], CultureInfo.InvariantCulture) : fallback;
        var serviceCount = Option(0, 10_000);
        var areaCount = Option(1, 2_000);
        var seconds = Option(2, 20);
        var concurrency = Option(3, 8);

        BenchHost.UseHostContentRoot();
        await using var hub = new EmbeddedHubFactory();
        hub.Settings["Logging:LogLevel:Default"] = "Warning";
        hub.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        hub.UseKestrel(0);
        hub.StartServer();

        var blocks = await GenerateAsync(hub.Services, serviceCount, areaCount);
        var token = await hub.TokenAsync("agency-a-system", "agency-a-secret");
        // With UseKestrel the factory's client talks to the real socket, not the in-memory test server.
        using var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var types = ServiceTypes.All.Select(t => t.Code).ToArray();
        string Url(Random random)
        {
            var query = $"/api/v1/pathways?area={blocks[random.Next(blocks.Count)]}&serviceType={types[random.Next(types.Length)]}";
            return random.Next(3) switch { 0 => query, 1 => query + "&age=" + random.Next(0, 18).ToString(CultureInfo.InvariantCulture), _ => query + "&age=12&sex=female&language=ar&explain=true" };
        }

        var results = new List<BenchResult>();
        foreach (var (name, duration, clients) in new[]
                 {
                     ("warm-up (not reported)", 3, concurrency),
                     ("pathway query, HTTP, 1 client", seconds, 1),
                     ($"pathway query, HTTP, {concurrency} clients", seconds, concurrency),
                 })
        {
            var recorder = new LatencyRecorder();
            var found = 0L;
            var stopAt = Stopwatch.GetTimestamp() + (long)(duration * Stopwatch.Frequency);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async worker =>
            {
                var random = new Random(worker);
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    var url = Url(random);
                    var body = await recorder.TimeAsync(async () =>
                    {
                        using var response = await http.GetAsync(url);
                        response.EnsureSuccessStatusCode();
                        return await response.Content.ReadAsStringAsync();
                    });
                    Interlocked.Add(ref found, body.Split("\"rank\"").Length - 1);
                }
            }));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (name.StartsWith("warm-up", StringComparison.Ordinal)) continue;
            results.Add(new BenchResult(name, recorder.Count, elapsed, recorder.Summary(), new Dictionary<string, string>
            {
                ["directory"] = $"{areaCount:N0} generated areas + demo, {serviceCount:N0} generated services + demo",
                ["services per answer (mean)"] = (found / (double)Math.Max(1, recorder.Count)).ToString("F1", CultureInfo.InvariantCulture),
            }));
        }
        return results;
    }

    /// <summary>A country → 40 districts → camps → blocks tree, 200 organisations, services spread over all levels, district pathways.</summary>
    private static async Task<List<string>> GenerateAsync(IServiceProvider services, int serviceCount, int areaCount)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var random = new Random(42);
        var now = DateTime.UtcNow;
        T Stamp<T>(T e) where T : VersionedEntity { e.Version = 1; e.UpdatedAt = now; e.UpdatedBy = "bench"; e.LastReviewedAt = now.AddDays(-random.Next(0, 300)); return e; }

        var areas = new List<Area> { Stamp(new Area { Code = "bench-country", Name = "Bench country", Level = "country" }) };
        var districts = Enumerable.Range(1, 40).Select(d => Stamp(new Area { Code = $"bench-d{d}", Name = $"District {d}", Level = "district", ParentCode = "bench-country" })).ToList();
        areas.AddRange(districts);
        var camps = Enumerable.Range(1, 400).Select(c => Stamp(new Area { Code = $"bench-c{c}", Name = $"Camp {c}", Level = "camp", ParentCode = districts[c % 40].Code })).ToList();
        areas.AddRange(camps);
        var blocks = new List<Area>();
        for (var b = 1; areas.Count + blocks.Count < areaCount; b++)
            blocks.Add(Stamp(new Area { Code = $"bench-b{b}", Name = $"Block {b}", Level = "block", ParentCode = camps[b % camps.Count].Code }));
        areas.AddRange(blocks);

        var organisations = Enumerable.Range(1, 200).Select(o => Stamp(new Organisation { Id = Guid.NewGuid(), Code = $"bench-org-{o}", Name = $"Bench organisation {o}", Kind = "nngo" })).ToList();
        var types = ServiceTypes.All.Select(t => t.Code).ToArray();
        var generated = new List<DirectoryService>(serviceCount);
        for (var s = 0; s < serviceCount; s++)
        {
            var level = random.Next(10);
            var area = level < 3 ? districts[random.Next(districts.Count)] : level < 8 ? camps[random.Next(camps.Count)] : blocks[random.Next(blocks.Count)];
            generated.Add(Stamp(new DirectoryService
            {
                Id = Guid.NewGuid(), OrganisationId = organisations[random.Next(organisations.Count)].Id, ServiceType = types[random.Next(types.Length)],
                Name = $"Bench service {s}", AreaCodes = [area.Code], MinAge = random.Next(3) == 0 ? 10 : null, MaxAge = 17,
                Sexes = random.Next(5) == 0 ? ["female"] : [], Languages = random.Next(2) == 0 ? ["en", "ar"] : ["en"],
                Accepting = random.Next(10) != 0, NotAcceptingReason = "bench",
                FocalPoints = [new FocalPoint { Id = Guid.NewGuid(), Name = $"Focal point {s}", Phone = "+100 000 000", Email = $"fp{s}@bench.invalid" }],
            }));
        }
        var pathways = districts.SelectMany(d => types.Select(t => Stamp(new Pathway
        {
            Id = Guid.NewGuid(), AreaCode = d.Code, ServiceType = t, ReofferToNext = true,
            ServiceIds = [.. generated.Where(s => s.ServiceType == t && s.AreaCodes[0] == d.Code).Select(s => s.Id).Take(5)],
        }))).ToList();

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Areas.AddRange(areas);
        db.Organisations.AddRange(organisations);
        db.Services.AddRange(generated);
        db.Pathways.AddRange(pathways);
        await db.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<DirectoryCache>().Invalidate();
        return [.. blocks.Select(b => b.Code)];
    }
}
