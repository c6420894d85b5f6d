using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

// The transfer service's API as the portal reads it (only the fields the pages use; the service owns the full shapes).

public sealed record CapacitySummaryViewModel(string AgeBand, string Sex, List<string> ProtectionConcerns, string RiskLevel, List<string> Languages);

public sealed record TransferViewModel(
    Guid Id, string Direction, string? CaseCode, string SendingAgency, string ReceivingAgency, string AreaCode, string Reason, string Urgency,
    CapacitySummaryViewModel Capacity, string Status, bool ApprovalRequired, DateTime? ApprovedAt, string? ReceivingCaseworkerId,
    string? DeclineReason, DateTime? EscalatedAt, string? ConsentDenialReason, DateTime? ReleasedAt, DateTime? AcknowledgedAt,
    string? ReceivingCaseCode, DateTime CreatedAt, DateTime UpdatedAt, List<string> Warnings);

public sealed record PackageAttachmentViewModel(Guid Id, string FileName, string Item, string ContentType, long Size);

/// <summary>The handover package as released to the receiving caseworker: consented items only, withheld ones removed.</summary>
public sealed record HandoverPackageView(Guid TransferId, string? CaseCode, string SendingAgency, string ReceivingCaseworkerId, string? ReasonText,
    Dictionary<string, string> Summary, List<PackageAttachmentViewModel> Attachments, List<string> WithheldItems, DateTime ReleasedAt);

public sealed record BulkCaseReportView(string CaseCode, string AreaCode, string Outcome, string? ConsentReason, string? ReceivingAgency, Guid? TransferId, string? Action);

public sealed record CaseworkerCapacityView(string ReceivingAgency, string CaseworkerId, int Cases, bool OverLimit);

public sealed record BulkJobViewModel(
    Guid Id, string Status, int Total, int Processed, Dictionary<string, int> Outcomes,
    List<BulkCaseReportView> Proceeding, List<BulkCaseReportView> NotHandedOver, List<CaseworkerCapacityView> CapacityPerCaseworker,
    DateTime CreatedAt, DateTime? CompletedAt);

/// <summary>One caseload transfer job in the agency's list (GET /api/v1/transfers/bulk): counts, never the cases.</summary>
public sealed record BulkJobSummaryView(
    Guid Id, string Status, string Reason, string Urgency, int Total, int Processed, Dictionary<string, int> Outcomes,
    List<BulkReceiverInput> Receivers, DateTime CreatedAt, DateTime? CompletedAt);

public sealed record BulkCaseInput(string CaseCode, string AreaCode, string AgeBand, string Sex, string RiskLevel, List<string> ProtectionConcerns, List<string> Languages);

public sealed record BulkReceiverInput(string AreaCode, string Agency);

public sealed record BulkTransferInput(string? Reason, string? Urgency, List<BulkCaseInput> Cases, List<BulkReceiverInput> Receivers);

/// <summary>Transfers (GET /api/v1/transfers…, capacity, approval, bulk): the transfer service checks agency, side and step.</summary>
public sealed class TransfersApi(HubApiClient api)
{
    /// <summary>The agency's transfers one way, newest first (every page, bounded).</summary>
    public Task<ApiResult<List<TransferViewModel>>> ListAsync(string direction, string? status, CancellationToken ct) =>
        ApiPages.ReadAllAsync<TransferViewModel>(api.Http,
            $"api/v1/transfers?direction={direction}&limit=200" + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)), ct);

    public async Task<ApiResult<TransferViewModel>> GetAsync(Guid id, CancellationToken ct) =>
        await ApiResult<TransferViewModel>.ReadAsync(await api.Http.GetAsync($"api/v1/transfers/{id}", ct), ct);

    public async Task<ApiResult<TransferViewModel>> AnswerCapacityAsync(Guid id, string? decision, string? caseworkerId, string? reason, CancellationToken ct) =>
        await ApiResult<TransferViewModel>.ReadAsync(
            await api.Http.PostAsJsonAsync($"api/v1/transfers/{id}/capacity", new { decision, caseworkerId, reason }, HubApiJson.Options, ct), ct);

    public async Task<ApiResult<HandoverPackageView>> PackageAsync(Guid id, CancellationToken ct) =>
        await ApiResult<HandoverPackageView>.ReadAsync(await api.Http.GetAsync($"api/v1/transfers/{id}/package", ct), ct);

    /// <summary>A released document's bytes and type; null when the service refuses (not released, not this agency, destroyed).</summary>
    public async Task<(byte[] Content, string ContentType)?> DocumentAsync(Guid id, Guid documentId, CancellationToken ct)
    {
        using var response = await api.Http.GetAsync($"api/v1/transfers/{id}/package/attachments/{documentId}", ct);
        if (!response.IsSuccessStatusCode) return null;
        return (await response.Content.ReadAsByteArrayAsync(ct), response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream");
    }

    public async Task<ApiResult<TransferViewModel>> AcknowledgeAsync(Guid id, string? receivingCaseCode, CancellationToken ct) =>
        await ApiResult<TransferViewModel>.ReadAsync(
            await api.Http.PostAsJsonAsync($"api/v1/transfers/{id}/acknowledge", new { receivingCaseCode }, HubApiJson.Options, ct), ct);

    /// <param name="reason">Required to refuse: one of the transfer service's refusal reason codes.</param>
    public async Task<ApiResult<TransferViewModel>> ApproveAsync(Guid id, bool approve, string? reason, CancellationToken ct) =>
        await ApiResult<TransferViewModel>.ReadAsync(
            await api.Http.PostAsJsonAsync($"api/v1/transfers/{id}/approval", new { approve, reason }, HubApiJson.Options, ct), ct);

    public async Task<ApiResult<BulkJobViewModel>> StartBulkAsync(BulkTransferInput input, string idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/transfers/bulk") { Content = JsonContent.Create(input, options: HubApiJson.Options) };
        // The form carries a key made when it was shown: pressing the button twice starts one job.
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<BulkJobViewModel>.ReadAsync(await api.Http.SendAsync(request, ct), ct);
    }

    /// <summary>The agency's newest caseload transfer jobs (one page).</summary>
    public async Task<ApiResult<PageView<BulkJobSummaryView>>> BulkJobsAsync(int limit, CancellationToken ct) =>
        await ApiResult<PageView<BulkJobSummaryView>>.ReadAsync(await api.Http.GetAsync($"api/v1/transfers/bulk?limit={limit}", ct), ct);

    public async Task<ApiResult<BulkJobViewModel>> BulkAsync(Guid id, CancellationToken ct) =>
        await ApiResult<BulkJobViewModel>.ReadAsync(await api.Http.GetAsync($"api/v1/transfers/bulk/{id}", ct), ct);
}
