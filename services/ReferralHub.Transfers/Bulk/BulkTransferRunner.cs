using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Consent;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Transfers.Handover;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Bulk;

/// <summary>
/// Works through queued bulk jobs in batches; each batch (its outcomes, the transfers it creates, the progress count)
/// commits in one transaction, so a crash leaves no partial, unrecorded state: the uncommitted batch is simply redone.
/// Each case's transfer consent is pre-checked (Consume = false: nothing is released or used up here); cases with it
/// get a transfer that starts, like any other, with the capacity check. A rerun finds the open transfers and creates none.
/// </summary>
public sealed class BulkTransferRunner(
    IServiceScopeFactory scopes, BulkSignal signal, ServiceLeases<TransfersDbContext> leases, ILogger<BulkTransferRunner> logger) : BackgroundService
{
    public const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One replica works through the jobs at a time; another takes over when it dies (a lease).
                var more = await leases.HoldAsync("bulk-transfers", stoppingToken);
                while (more && !stoppingToken.IsCancellationRequested)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    more = await RunBatchAsync(scope.ServiceProvider, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Bulk transfer batch failed; it is retried");
            }
            try { await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Processes one batch of the oldest unfinished job; false when there is nothing to do.</summary>
    public static async Task<bool> RunBatchAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<TransfersDbContext>();
        var consent = services.GetRequiredService<IRequestClient<CheckConsent>>();
        var clock = services.GetRequiredService<TimeProvider>();
        var options = services.GetRequiredService<IOptions<TransfersOptions>>().Value;

        var job = await db.BulkJobs.Where(j => j.Status != BulkTransferJob.Completed).OrderBy(j => j.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (job is null) return false;

        var batch = await db.BulkCases.Where(c => c.JobId == job.Id && c.Outcome == null).OrderBy(c => c.Position).Take(BatchSize).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var receivers = job.Receivers.Select(r => r.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var codes = batch.Select(c => c.CaseCode).ToList();
        var openKeys = codes.Select(c => Transfer.OpenKey(job.Agency, c)).ToList();
        var open = await db.Transfers.Where(t => t.OpenCaseKey != null && openKeys.Contains(t.OpenCaseKey))
            .ToDictionaryAsync(t => t.CaseCode, t => t.Id, cancellationToken);
        var closed = (await db.Cases.Where(c => c.Agency == job.Agency && codes.Contains(c.CaseCode) && c.Status == CaseRecord.ClosedTransferred)
            .Select(c => c.CaseCode).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        job.Status = BulkTransferJob.Running;
        foreach (var item in batch)
        {
            if (closed.Contains(item.CaseCode)) { item.Outcome = BulkOutcomes.AlreadyTransferred; continue; }
            if (open.TryGetValue(item.CaseCode, out var openId)) { item.Outcome = BulkOutcomes.AlreadyTransferring; item.TransferId = openId; continue; }
            if (!receivers.TryGetValue(item.AreaCode, out var receiver)) { item.Outcome = BulkOutcomes.NoReceiver; continue; }
            item.ReceivingAgency = receiver;

            var decision = (await consent.GetResponse<ConsentDecision>(
                new CheckConsent(job.Agency, item.CaseCode, receiver, ServiceTypes.CaseTransferPurpose, $"transfer:{item.Id}", Consume: false, job.RequestedBy),
                cancellationToken)).Message;
            if (!decision.Permitted)
            {
                item.Outcome = decision.Reason == ConsentDenialReasons.Withdrawn ? BulkOutcomes.ConsentWithdrawn : BulkOutcomes.NoConsent;
                item.ConsentReason = decision.Reason;
                continue;
            }

            // The transfer's id is the bulk case's, so the consent reference checked here is the one released later.
            var transfer = new Transfer
            {
                Id = item.Id, SendingAgency = job.Agency, CaseCode = item.CaseCode, RequestedBy = job.RequestedBy, Reason = job.Reason,
                ReceivingAgency = receiver, AreaCode = item.AreaCode, Urgency = job.Urgency, AgeBand = item.AgeBand, Sex = item.Sex,
                ProtectionConcerns = item.ProtectionConcerns, RiskLevel = item.RiskLevel, Languages = item.Languages,
                Status = TransferStatuses.CapacityRequested, OpenCaseKey = Transfer.OpenKey(job.Agency, item.CaseCode),
                ApprovalRequired = options.AgenciesRequiringApproval.Contains(job.Agency, StringComparer.Ordinal),
                CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            db.Transfers.Add(transfer);
            TransferSteps.RecordChange(db, transfer, TransferStatuses.CapacityRequested, "bulk", now);
            item.Outcome = BulkOutcomes.Proceeding;
            item.TransferId = transfer.Id;
        }
        job.Processed += batch.Count;
        if (job.Processed >= job.Total || batch.Count == 0)
        {
            job.Status = BulkTransferJob.Completed;
            job.CompletedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
