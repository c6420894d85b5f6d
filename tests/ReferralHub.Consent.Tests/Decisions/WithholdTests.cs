using ReferralHub.Consent.Tests.Infrastructure;

namespace ReferralHub.Consent.Tests.Decisions;

/// <summary>A permit lists the items to remove for that recipient: those withheld from everyone plus those withheld from it.</summary>
public sealed class WithholdTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Each_recipient_gets_its_own_withheld_items()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, withholds:
        [
            new { item = "child.name", reason = "fear-of-harm" },
            new { item = "child.currentLocation", organisation = "agency-b", reason = "other", reasonText = "relative works there" },
            new { item = "caseHistory", organisation = "agency-d", reason = "wants-to-tell-themselves" },
        ]));

        var toB = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var toD = await client.CheckAsync(caseCode, "agency-d", "medical", "referral:2");
        var toE = await client.CheckAsync(caseCode, "agency-e", "medical", "referral:3");

        Assert.Equal(["child.currentLocation", "child.name"], toB.WithheldItems);
        Assert.Equal(["caseHistory", "child.name"], toD.WithheldItems);
        Assert.Equal(["child.name"], toE.WithheldItems);
    }
}
