using System.Net;
using System.Net.Http.Json;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Consents;

/// <summary>
/// A supervisor's authorisation recorded as consent (<c>givenBy: supervisor-authorisation</c>) is four eyes: a second
/// person records it, it never permits a release its own supervisor asked for, and it is limited like an override —
/// one-off, or valid for a short stated time.
/// </summary>
public sealed class SupervisorAuthorisationTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    private Dictionary<string, object?> Authorisation(string caseCode, bool oneOff, TimeSpan? validFor = null)
    {
        var body = ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff, validFor);
        body["givenBy"] = "supervisor-authorisation";
        body["authorisationGround"] = "no-caregiver-child-too-young";
        return body;
    }

    [Fact]
    public async Task Recorded_by_the_supervisor_it_permits_the_caseworkers_release_but_never_one_the_supervisor_asks_for()
    {
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();
        await supervisor.RecordAsync(Authorisation(caseCode, oneOff: true));

        var own = await hub.CheckOverBusAsync(new CheckConsent("agency-a", caseCode, "agency-b", "medical", "referral:1", false, ConsentHub.Supervisor2));
        var caseworkers = await hub.CheckOverBusAsync(new CheckConsent("agency-a", caseCode, "agency-b", "medical", "referral:1", true, "agency-a-system"));
        var second = await hub.CheckOverBusAsync(new CheckConsent("agency-a", caseCode, "agency-b", "medical", "referral:2", true, "agency-a-system"));

        Assert.False(own.Permitted);
        Assert.True(caseworkers.Permitted);
        Assert.False(second.Permitted); // one release only
        Assert.Equal(ConsentDenialReasons.Used, second.Reason);
    }

    [Fact]
    public async Task An_open_standing_authorisation_is_refused_a_short_stated_one_is_recorded()
    {
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);

        var yearLong = await supervisor.PostAsJsonAsync("/api/v1/consents", Authorisation(ConsentApi.NewCase(), oneOff: false, TimeSpan.FromDays(365)));
        var threeDays = await supervisor.PostAsJsonAsync("/api/v1/consents", Authorisation(ConsentApi.NewCase(), oneOff: false, TimeSpan.FromDays(3)));

        Assert.Equal(HttpStatusCode.BadRequest, yearLong.StatusCode);
        Assert.Contains("validUntil", (await yearLong.ProblemAsync()).ErrorFields());
        Assert.Equal(HttpStatusCode.Created, threeDays.StatusCode);
    }

    [Fact]
    public async Task The_child_or_caregivers_consent_is_recorded_by_the_caseworker_not_the_supervisor()
    {
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);

        var response = await supervisor.PostAsJsonAsync("/api/v1/consents", ConsentApi.Consent(ConsentApi.NewCase(), ["medical"], hub.Clock));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("givenBy", (await response.ProblemAsync()).ErrorFields());
    }
}
