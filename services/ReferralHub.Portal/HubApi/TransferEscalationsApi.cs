namespace ReferralHub.Portal.HubApi;

/// <summary>Transfers waiting too long for the receiving agency's answer, in the focal point's areas (the transfer service decides whose).</summary>
public sealed class TransferEscalationsApi(HubApiClient api)
{
    public async Task<ApiResult<List<EscalatedTransferView>>> ListAsync(CancellationToken ct) =>
        await ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfEscalatedTransferView, EscalatedTransferView>(api.Http, "api/v1/transfers/escalations", ct);
}
