using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Web;

public static class OpsEndpoints
{
    /// <summary><c>GET /ops/messaging</c>: outbox backlog per service database and error-queue counts. Operators only.</summary>
    public static IEndpointRouteBuilder MapOpsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ops/messaging", GetMessagingStatus)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Operator))
            .WithName("GetMessagingStatus")
            .WithTags("Operations");
        return app;
    }

    private static async Task<IResult> GetMessagingStatus(
        IServiceProvider services,
        IEnumerable<ServiceDatabaseInfo> databases,
        BusTransportInfo transport,
        MessagingFaults faults,
        ErrorQueueInspector errorQueues,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outboxes = new List<OutboxStatus>();
        foreach (var database in databases)
        {
            await using var scope = services.CreateAsyncScope();
            var db = (ServiceDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            var unsent = db.OutboxMessages.Where(m => m.SentAt == null);
            var backlog = await unsent.CountAsync(cancellationToken);
            var oldest = backlog == 0 ? (DateTime?)null : await unsent.MinAsync(m => (DateTime?)m.CreatedAt, cancellationToken);
            var failing = await unsent.CountAsync(m => m.LastError != null, cancellationToken);
            outboxes.Add(new OutboxStatus(database.Name, database.Provider.ToString(), backlog, oldest is null ? null : (now - oldest.Value).TotalSeconds, failing));
        }

        IReadOnlyList<ErrorQueueDepth> depths;
        string? errorQueueProblem = null;
        try { depths = await errorQueues.ReadAsync(cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            depths = [];
            errorQueueProblem = $"error queues unreadable: {ex.GetType().Name}";
        }

        var bus = services.GetRequiredService<IBusControl>().CheckHealth();
        return TypedResults.Ok(new MessagingStatus(transport.Transport, bus.Status.ToString(), outboxes, faults.Snapshot(), depths, errorQueueProblem));
    }
}

public sealed record MessagingStatus(
    string Transport,
    string Bus,
    IReadOnlyList<OutboxStatus> Outboxes,
    IReadOnlyList<FaultCount> FaultedSinceStart,
    IReadOnlyList<ErrorQueueDepth> ErrorQueues,
    string? ErrorQueueProblem);

public sealed record OutboxStatus(string Service, string Provider, int Backlog, double? OldestUnsentAgeSeconds, int FailingToPublish);
