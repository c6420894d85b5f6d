using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using ReferralHub.Directory.Editing;
using ReferralHub.Directory.Hsds;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Exchange;

internal static class ExchangeEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/export", async (DirectoryDbContext db, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Text(DirectoryExchange.Serialize(await DirectoryExchange.ExportAsync(db, clock.GetUtcNow().UtcDateTime, ct)), "application/json"))
            .WithName("ExportDirectory").Produces<HsdsDataSet>(StatusCodes.Status200OK, "application/json").WithTags("Directory exchange");

        // Loading a whole mapping replaces the directory: hub operators only.
        group.MapPost("/import", async Task<Results<Ok<ImportResult>, ValidationProblem, ProblemHttpResult>> (HsdsDataSetBody body, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock,
            IOptions<DirectoryOptions> options, CancellationToken ct) =>
        {
            if (!user.HubRoles().Contains(Roles.Operator)) return Problems.Forbidden("Only hub operators import a whole mapping.");
            var (result, errors) = await DirectoryExchange.ImportAsync(db, body.Data, Actor.From(user), clock.GetUtcNow().UtcDateTime, options.Value.StaleAfter, ct);
            cache.Invalidate();
            return result is null ? errors.ToProblem() : TypedResults.Ok(result);
        }).WithName("ImportDirectory").ProducesProblem(StatusCodes.Status403Forbidden).WithTags("Directory exchange").WithBodyLimit(32 * 1024 * 1024); // a whole mapping
    }

    /// <summary>Reads the body with the HSDS (snake_case) JSON options rather than the API's camelCase ones.</summary>
    internal sealed record HsdsDataSetBody(HsdsDataSet Data)
    {
        public static async ValueTask<HsdsDataSetBody?> BindAsync(HttpContext context)
        {
            try
            {
                var data = await System.Text.Json.JsonSerializer.DeserializeAsync<HsdsDataSet>(context.Request.Body, HsdsJson.Options, context.RequestAborted)
                    ?? throw new BadHttpRequestException("The request body is empty.");
                return new HsdsDataSetBody(data);
            }
            catch (System.Text.Json.JsonException ex)
            {
                // The shared handler turns this into a 400 naming the JSON path (never a 500).
                throw new BadHttpRequestException("The data set is not valid JSON for an HSDS data set.", StatusCodes.Status400BadRequest, ex);
            }
        }
    }
}

/// <summary>The host's <c>directory export|import|replay</c> verbs: run against the configured database, then exit.</summary>
public static class DirectoryCommands
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<DirectoryDbContext>();
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(db.Database, ct);
        foreach (var seeder in provider.GetServices<ReferralHub.Hosting.Persistence.IDatabaseSeeder<DirectoryDbContext>>()) await seeder.SeedAsync(db, ct);
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var staleAfter = provider.GetRequiredService<IOptions<DirectoryOptions>>().Value.StaleAfter;

        // Configuration switches (--Storage:DataDirectory=…) may follow the verb; they were read by the host builder.
        switch (args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray())
        {
            case ["export", var file]:
                await File.WriteAllTextAsync(file, DirectoryExchange.Serialize(await DirectoryExchange.ExportAsync(db, now, ct)), ct);
                Console.WriteLine($"Exported the directory to {file}");
                return 0;
            case ["import", var file]:
                var data = DirectoryExchange.Deserialize(await File.ReadAllTextAsync(file, ct));
                if (data is null) { Console.Error.WriteLine("The file is empty."); return 2; }
                var (result, errors) = await DirectoryExchange.ImportAsync(db, data, new Actor("cli:import", null), now, staleAfter, ct);
                if (result is null)
                {
                    Console.Error.WriteLine("The data set is not valid; nothing was stored:");
                    Console.Error.WriteLine(System.Text.Json.JsonSerializer.Serialize(errors.ToProblem().ProblemDetails, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                    return 1;
                }
                Console.WriteLine($"Imported: {result}");
                return 0;
            case ["replay"]:
                // Written to the outbox now; published when the hub next runs (the dispatcher sends them).
                Console.WriteLine($"Queued for replay: {await Events.DirectoryReplay.ReplayAsync(db, now, staleAfter, ct)}");
                return 0;
            default:
                Console.Error.WriteLine("usage: directory export <file> | directory import <file> | directory replay");
                return 2;
        }
    }
}
