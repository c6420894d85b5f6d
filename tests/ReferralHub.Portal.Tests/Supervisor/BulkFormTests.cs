using ReferralHub.Portal.Pages.Supervisor;
using ReferralHub.Transfers.Model;

namespace ReferralHub.Portal.Tests.Supervisor;

/// <summary>The caseload form offers exactly what the transfer service takes.</summary>
public sealed class BulkFormTests
{
    [Fact]
    public void The_form_offers_the_sexes_the_transfer_service_takes() =>
        Assert.Equal(TransferCodes.Sexes, BulkModel.Sexes);
}
