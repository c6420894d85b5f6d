using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Release;

namespace ReferralHub.Referrals.Tests.Release;

/// <summary>The reviewable need-to-know file: what each kind of provider may receive.</summary>
public sealed class NeedToKnowProfileTests
{
    private readonly NeedToKnowProfiles _profiles = NeedToKnowProfiles.Load();

    [Fact]
    public void Cash_assistance_gets_no_protection_history_and_specialised_mental_health_gets_reason_and_history()
    {
        var cash = _profiles.ItemsFor("cash-assistance");
        Assert.DoesNotContain(ReferralItems.CaseHistory, cash);
        Assert.DoesNotContain(ReferralItems.ReasonForReferral, cash);
        var mhpss = _profiles.ItemsFor("specialised-mhpss");
        Assert.Contains(ReferralItems.CaseHistory, mhpss);
        Assert.Contains(ReferralItems.ReasonForReferral, mhpss);
    }

    [Fact]
    public void Items_the_consent_withholds_are_removed_on_top_of_the_profile()
    {
        var items = _profiles.Releasable("specialised-mhpss", [ReferralItems.ChildName, ReferralItems.CaseHistory]);

        Assert.DoesNotContain(ReferralItems.ChildName, items);
        Assert.DoesNotContain(ReferralItems.CaseHistory, items);
        Assert.Contains(ReferralItems.ExpectedOutcome, items);
    }

    [Fact]
    public void A_projection_keeps_only_the_released_items()
    {
        var payload = new ReferralPayload(
            Consent: new ConsentStatement(false, "Parents were not reachable"),
            Child: new ChildDetails(FirstName: "Nadia", LastName: "Salih", DateOfBirth: new DateOnly(2011, 11, 1), NationalId: "X1"),
            Caregiver: new CaregiverDetails(FirstName: "Mohammed", Phone: "123"),
            ReasonForReferral: "reason", CaseHistory: "history", ExpectedOutcome: "outcome");

        var projected = payload.Project(new HashSet<string> { ReferralItems.ChildDateOfBirth, ReferralItems.ExpectedOutcome });

        Assert.Null(projected.Child!.FirstName);
        Assert.Null(projected.Child.NationalId);
        Assert.Equal(new DateOnly(2011, 11, 1), projected.Child.DateOfBirth);
        Assert.Null(projected.Caregiver!.FirstName);
        Assert.Null(projected.Caregiver.Phone);
        Assert.Null(projected.ReasonForReferral);
        Assert.Null(projected.CaseHistory);
        Assert.Equal("outcome", projected.ExpectedOutcome);
        Assert.Null(projected.Consent!.ReasonIfNot);
    }

    [Fact]
    public void A_profile_naming_an_unknown_item_or_service_type_is_refused_at_start()
    {
        Assert.Throws<InvalidOperationException>(() => new NeedToKnowProfiles("""{"version":"x","default":["child.shoeSize"],"profiles":{}}"""));
        Assert.Throws<InvalidOperationException>(() => new NeedToKnowProfiles("""{"version":"x","default":[],"profiles":{"massage":["child.name"]}}"""));
    }
}
