using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Reliability.Worker;

/// <summary>
/// A tiny domain shaped like a referral step: a request is committed as Pending with a ProcessRequest message in the
/// outbox; a consumer records the effect and marks it Done. Tests count effects per request: exactly one each.
/// </summary>
public sealed class WorkRequest
{
    public long Id { get; set; }

    public string Status { get; set; } = Pending;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: two deliveries racing on one request cannot both move it.</summary>
    public int Version { get; set; }

    public const string Pending = "pending";
    public const string Done = "done";
}

/// <summary>One row per time the effect happened; a duplicate effect shows up as a second row.</summary>
public sealed class WorkEffect
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    public Guid MessageId { get; set; }

    public int ProcessId { get; set; }
}

public sealed record ProcessRequest(long RequestId);

/// <summary>A message whose effect has no domain guard at all: only the inbox stands between a duplicate and a second mark.</summary>
public sealed record RecordTally(string Key);

public sealed class TallyMark
{
    public long Id { get; set; }

    public string Key { get; set; } = "";
}

public abstract class ReliabilityDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "reliability";

    public DbSet<WorkRequest> Requests => Set<WorkRequest>();

    public DbSet<WorkEffect> Effects => Set<WorkEffect>();

    public DbSet<TallyMark> Tallies => Set<TallyMark>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<WorkRequest>(e =>
        {
            e.ToTable("work_requests");
            e.Property(r => r.Version).IsConcurrencyToken();
            e.HasIndex(r => new { r.Status, r.UpdatedAt });
        });
        modelBuilder.Entity<WorkEffect>(e =>
        {
            e.ToTable("work_effects");
            e.HasIndex(x => x.RequestId); // deliberately not unique: a duplicate effect must be visible, not rejected
        });
        modelBuilder.Entity<TallyMark>(e => e.ToTable("tally_marks"));
    }
}

public sealed class SqliteReliabilityDbContext(DbContextOptions<SqliteReliabilityDbContext> options) : ReliabilityDbContext(options);

public sealed class PostgresReliabilityDbContext(DbContextOptions<PostgresReliabilityDbContext> options) : ReliabilityDbContext(options);

public sealed class ProcessRequestConsumer(ReliabilityDbContext db, ILogger<ProcessRequestConsumer> logger, TimeProvider clock, FailureInjection failures)
    : IdempotentConsumer<ProcessRequest, ReliabilityDbContext>(db, logger, clock)
{
    public override async Task Consume(ConsumeContext<ProcessRequest> context)
    {
        await base.Consume(context);
        // Simulates the acknowledgement being lost after the effect committed: the message comes back.
        if (failures.ShouldFailAfterCommit(context.MessageId!.Value)) throw new InvalidOperationException("injected: ack lost after commit");
    }

    protected override async Task HandleAsync(ConsumeContext<ProcessRequest> context)
    {
        if (failures.IsPoison(context.Message.RequestId)) throw new InvalidOperationException("injected: poison message");
        var request = await Db.Requests.SingleAsync(r => r.Id == context.Message.RequestId, context.CancellationToken);
        if (request.Status == WorkRequest.Done) return; // a re-driven copy of a message that did arrive after all

        Db.Effects.Add(new WorkEffect { RequestId = request.Id, MessageId = context.MessageId!.Value, ProcessId = Environment.ProcessId });
        request.Status = WorkRequest.Done;
        request.UpdatedAt = Clock.GetUtcNow().UtcDateTime;
        request.Version++;
    }
}

/// <summary>The same effect as <see cref="ProcessRequestConsumer"/>, committed a batch at a time.</summary>
public sealed class ProcessRequestBatchConsumer(ReliabilityDbContext db, ILogger<ProcessRequestBatchConsumer> logger, TimeProvider clock, FailureInjection failures)
    : IdempotentBatchConsumer<ProcessRequest, ReliabilityDbContext>(db, logger, clock)
{
    public override async Task Consume(ConsumeContext<Batch<ProcessRequest>> context)
    {
        await failures.BatchesReleased;
        await base.Consume(context);
        // The acknowledgement of the whole batch lost after its commit: every message of it comes back.
        var lost = false;
        foreach (var message in context.Message) lost |= failures.ShouldFailAfterCommit(message.MessageId!.Value);
        if (lost) throw new InvalidOperationException("injected: ack lost after commit");
    }

    protected override async Task HandleAsync(ConsumeContext<ProcessRequest> context)
    {
        if (failures.IsPoison(context.Message.RequestId)) throw new InvalidOperationException("injected: poison message");
        var request = await Db.Requests.SingleAsync(r => r.Id == context.Message.RequestId, context.CancellationToken);
        if (request.Status == WorkRequest.Done) return;

        Db.Effects.Add(new WorkEffect { RequestId = request.Id, MessageId = context.MessageId!.Value, ProcessId = Environment.ProcessId });
        request.Status = WorkRequest.Done;
        request.UpdatedAt = Clock.GetUtcNow().UtcDateTime;
        request.Version++;
    }
}

public sealed class RecordTallyConsumer(ReliabilityDbContext db, ILogger<RecordTallyConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<RecordTally, ReliabilityDbContext>(db, logger, clock)
{
    protected override Task HandleAsync(ConsumeContext<RecordTally> context)
    {
        Db.Tallies.Add(new TallyMark { Key = context.Message.Key });
        return Task.CompletedTask;
    }
}

/// <summary>Test-only switches; the worker's defaults inject nothing.</summary>
public sealed class FailureInjection
{
    private readonly HashSet<Guid> _failedOnce = [];

    public Func<Guid, bool> FailAfterCommit { get; set; } = _ => false;

    public HashSet<long> PoisonRequests { get; } = [];

    /// <summary>When the sweep re-drives a pending request. Per host (it was a static, which leaked between tests run in parallel).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromSeconds(5);

    public int FailedAfterCommit
    {
        get { lock (_failedOnce) return _failedOnce.Count; }
    }

    public bool ShouldFailAfterCommit(Guid messageId)
    {
        lock (_failedOnce) return FailAfterCommit(messageId) && _failedOnce.Add(messageId);
    }

    public bool IsPoison(long requestId) => PoisonRequests.Contains(requestId);

    private TaskCompletionSource _batches = Released();

    /// <summary>Batches of the batch consumer wait here before they commit (released by default).</summary>
    public Task BatchesReleased => _batches.Task;

    /// <summary>Holds every batch in consumption until <see cref="ReleaseBatches"/>: a commit that takes long.</summary>
    public void HoldBatches() => _batches = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseBatches() => _batches.TrySetResult();

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.SetResult();
        return released;
    }
}

/// <summary>Requests still pending after <see cref="FailureInjection.StuckAfter"/> are sent again (a lost in-memory message, a crash).</summary>
public sealed class PendingRequestSweep(ReliabilityDbContext db, TimeProvider clock, FailureInjection failures) : IRedriveSweep
{
    private TimeSpan StuckAfter => failures.StuckAfter;

    public TimeSpan Interval => TimeSpan.FromSeconds(1);

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var before = now - StuckAfter;
        var stuck = await db.Requests.Where(r => r.Status == WorkRequest.Pending && r.UpdatedAt < before).Take(500).ToListAsync(cancellationToken);
        foreach (var request in stuck)
        {
            request.UpdatedAt = now; // wait another StuckAfter before the next attempt
            request.Version++;
            db.PublishViaOutbox(new ProcessRequest(request.Id), $"request-{request.Id}", clock);
        }

        await db.SaveChangesAsync(cancellationToken);
        return stuck.Count;
    }
}

public static class WorkRequests
{
    /// <summary>Commits one pending request and its message together.</summary>
    public static async Task<long> SubmitAsync(ReliabilityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var request = new WorkRequest { CreatedAt = now, UpdatedAt = now };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Requests.Add(request);
        await db.SaveChangesAsync(cancellationToken); // assigns the id the message needs
        db.PublishViaOutbox(new ProcessRequest(request.Id), $"request-{request.Id}", clock);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return request.Id;
    }
}
