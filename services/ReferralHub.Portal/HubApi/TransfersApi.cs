using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

// The transfer service's API as the portal reads it: answers are the generated wire types (WireTypes.cs); the bulk
// transfer body below is the portal's own.

public sealed record BulkCaseInput(string CaseCode, string AreaCode, string AgeBand, string Sex, string RiskLevel, List<string> ProtectionConcerns, List<string> Languages);

public sealed record BulkReceiverInput(string AreaCode, string Agency);

public sealed record BulkTransferInput(string? Reason, string? Urgency, List<BulkCaseInput> Cases, List<BulkReceiverInput> Receivers)
{
    /// <summary>The body as the document types it (BulkTransferBody): a field the transfer service renames stops this compiling.</summary>
    public ReferralHub.Wire.BulkTransferBody ToWire() => new()
    {
        Reason = Reason,
        Urgency = Urgency,
        Cases = [.. Cases.Select(c => new ReferralHub.Wire.BulkCaseBody
        {
            CaseCode = c.CaseCode, AreaCode = c.AreaCode, AgeBand = c.AgeBand, Sex = c.Sex, RiskLevel = c.RiskLevel,
            ProtectionConcerns = c.ProtectionConcerns, Languages = c.Languages,
        })],
        Receivers = [.. Receivers.Select(r => new ReferralHub.Wire.BulkReceiverBody { AreaCode = r.AreaCode, Agency = r.Agency })],
    };
}

/// <summary>Transfers (GET /api/v1/transfers…, capacity, approval, bulk): the transfer service checks agency, side and step.</summary>
public sealed class TransfersApi(HubApiClient api)
{
    /// <summary>The agency's transfers one way, newest first (every page, bounded).</summary>
    public Task<ApiResult<List<TransferViewModel>>> ListAsync(string direction, string? status, CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfTransferView, TransferViewModel>(api.Http,
            $"api/v1/transfers?direction={direction}&limit=200" + (status is null ? "" : "&status=" + Uri.EscapeDataString(status)), ct);

    /// <summary>The agency's receiving caseworker codes with their open cases, by code (the agency is the person's own).</summary>
    public Task<ApiResult<List<CaseworkerCaseloadView>>> CaseworkersAsync(CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfCaseworkerCaseload, CaseworkerCaseloadView>(api.Http, "api/v1/transfers/caseworkers?limit=500", ct, maxPages: 2);

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
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/transfers/bulk") { Content = JsonContent.Create(input.ToWire(), options: HubApiJson.Options) };
        // The form carries a key made when it was shown: pressing the button twice starts one job.
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<BulkJobViewModel>.ReadAsync(await api.Http.SendAsync(request, ct), ct);
    }

    /// <summary>The agency's newest caseload transfer jobs (one page).</summary>
    public async Task<ApiResult<ReferralHub.Wire.PageOfBulkJobSummary>> BulkJobsAsync(int limit, CancellationToken ct) =>
        await ApiResult<ReferralHub.Wire.PageOfBulkJobSummary>.ReadAsync(await api.Http.GetAsync($"api/v1/transfers/bulk?limit={limit}", ct), ct);

    public async Task<ApiResult<BulkJobViewModel>> BulkAsync(Guid id, CancellationToken ct) =>
        await ApiResult<BulkJobViewModel>.ReadAsync(await api.Http.GetAsync($"api/v1/transfers/bulk/{id}", ct), ct);
}
