namespace ReferralHub.Portal.HubApi;

/// <summary>An escalated capacity request (GET /api/v1/transfers/escalations): agencies, area and the non-personal summary only.</summary>
public sealed record EscalatedTransferView(
    Guid TransferId, string SendingAgency, string ReceivingAgency, string AreaCode, string Urgency, string AgeBand, string Sex,
    string RiskLevel, List<string> ProtectionConcerns, List<string> Languages, DateTime RequestedAt, DateTime EscalatedAt);

/// <summary>Transfers waiting too long for the receiving agency's answer, in the focal point's areas (the transfer service decides whose).</summary>
public sealed class TransferEscalationsApi(HubApiClient api)
{
    public async Task<ApiResult<List<EscalatedTransferView>>> ListAsync(CancellationToken ct) =>
        await ApiPages.ReadAllAsync<EscalatedTransferView>(api.Http, "api/v1/transfers/escalations", ct);
}
