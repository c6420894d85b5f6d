using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Overrides;

/// <summary>A supervisor override permits exactly one release, only on the seed's grounds, never by the requesting caseworker.</summary>
public sealed class OverrideTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Theory]
    [InlineData("no-caregiver-child-too-young")]
    [InlineData("imminent-danger")]
    [InlineData("imminent-danger-sexual-violence")]
    [InlineData("imminent-danger-severe-abuse")]
    public async Task An_override_by_another_supervisor_permits_the_release_it_names(string ground)
    {
        var caseworker = await hub.AgencyAAsync();
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();
        var denied = await caseworker.CheckAsync(caseCode, "agency-b", "rescue", "referral:1");

        var response = await supervisor.OverrideAsync(caseCode, "referral:1", ground);
        var permitted = await caseworker.CheckAsync(caseCode, "agency-b", "rescue", "referral:1");

        Assert.Equal(ConsentDenialReasons.NoConsent, denied.Reason);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ConsentHub.Supervisor2, created.GetProperty("supervisor").GetString());
        Assert.True(permitted.Permitted);
        Assert.Equal(created.GetProperty("overrideId").GetGuid(), permitted.OverrideId);
        Assert.Null(permitted.ConsentId);
    }

    [Fact]
    public async Task An_override_covers_one_release_a_second_release_is_refused_and_a_retry_gets_the_same_permit()
    {
        var caseworker = await hub.AgencyAAsync();
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();
        (await supervisor.OverrideAsync(caseCode, "referral:1")).EnsureSuccessStatusCode();

        var first = await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var retry = await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var second = await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:2");
        var elsewhere = await caseworker.CheckAsync(caseCode, "agency-d", "medical", "referral:1");

        Assert.True(first.Permitted);
        Assert.True(retry.Permitted);
        Assert.Equal(first.OverrideId, retry.OverrideId);
        Assert.False(second.Permitted);
        Assert.False(elsewhere.Permitted);
        Assert.Equal(ConsentDenialReasons.Used, elsewhere.Reason);
        Assert.Equal(ConsentDenialReasons.NoConsent, second.Reason);
    }

    [Fact]
    public async Task A_second_override_for_the_same_release_is_a_conflict()
    {
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();
        (await supervisor.OverrideAsync(caseCode, "transfer:7")).EnsureSuccessStatusCode();

        var again = await supervisor.OverrideAsync(caseCode, "transfer:7");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_caller_without_the_supervisor_role_cannot_override()
    {
        var caseworker = await hub.ClientAsync(ConsentHub.Caseworker);
        var caseCode = ConsentApi.NewCase();

        var response = await caseworker.OverrideAsync(caseCode, "referral:1");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False((await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:1")).Permitted);
    }

    [Fact]
    public async Task The_caseworker_who_asked_for_the_release_cannot_authorise_its_override()
    {
        // The referring system asked; it holds no supervisor role (four eyes are two identities), so it may not authorise.
        var caseworker = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:1");

        var response = await caseworker.OverrideAsync(caseCode, "referral:1");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False((await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:1")).Permitted);
    }

    [Fact]
    public async Task An_override_authorised_before_the_request_does_not_apply_when_its_supervisor_is_the_requester()
    {
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();
        (await supervisor.OverrideAsync(caseCode, "referral:1")).EnsureSuccessStatusCode();

        // A release requested in the supervisor's own name (over the bus, as a service asks): the override does not apply.
        var own = await hub.CheckOverBusAsync(new CheckConsent("agency-a", caseCode, "agency-b", "medical", "referral:1", false, ConsentHub.Supervisor2));
        var caseworkers = await hub.CheckOverBusAsync(new CheckConsent("agency-a", caseCode, "agency-b", "medical", "referral:1", false, "agency-a-system"));

        Assert.False(own.Permitted);
        Assert.Equal(ConsentDenialReasons.NoConsent, own.Reason);
        Assert.True(caseworkers.Permitted);
    }

    [Theory]
    [InlineData("caregiver-unreachable")]
    [InlineData("urgent")]
    [InlineData("")]
    public async Task A_ground_outside_the_seed_list_is_refused_naming_the_field(string ground)
    {
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();

        var response = await supervisor.OverrideAsync(caseCode, "referral:1", ground);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ground", (await response.ProblemAsync()).ErrorFields());
        Assert.False((await (await hub.AgencyAAsync()).CheckAsync(caseCode, "agency-b", "medical", "referral:1")).Permitted);
    }

    [Fact]
    public async Task A_supervisor_of_another_agency_cannot_override_for_this_agencys_case()
    {
        var otherSupervisor = await hub.ClientAsync(ConsentHub.OtherSupervisor);
        var caseworker = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();

        (await otherSupervisor.OverrideAsync(caseCode, "referral:1")).EnsureSuccessStatusCode(); // recorded for agency-c's own case code only

        Assert.False((await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:1")).Permitted);
    }

    [Fact]
    public async Task An_override_still_removes_what_the_child_asked_to_withhold_and_is_recorded()
    {
        var caseworker = await hub.AgencyAAsync();
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();
        await caseworker.RecordAsync(ConsentApi.Consent(caseCode, ["education-formal"], hub.Clock,
            withholds: [new { item = "child.currentLocation", reason = "fear-of-harm" }]));
        (await supervisor.OverrideAsync(caseCode, "referral:1", "imminent-danger-severe-abuse")).EnsureSuccessStatusCode();

        var decision = await caseworker.CheckAsync(caseCode, "agency-b", "security-safe-shelter", "referral:1");
        var log = (await caseworker.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/decisions")).GetProperty("items").EnumerateArray().ToArray();

        Assert.True(decision.Permitted);
        Assert.Equal(["child.currentLocation"], decision.WithheldItems);
        var logged = Assert.Single(log);
        Assert.Equal(decision.OverrideId, logged.GetProperty("overrideId").GetGuid());
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentRegistryDbContext>();
        var stored = await db.Overrides.AsNoTracking().SingleAsync(o => o.Id == decision.OverrideId);
        Assert.Equal("imminent-danger-severe-abuse", stored.Ground);
        Assert.Equal(ConsentHub.Supervisor2, stored.Supervisor);
        // The event that resumes the referral carries the override's id, never its ground (nothing sensitive on the bus).
        var published = Assert.Single(await db.OutboxMessages.AsNoTracking()
            .Where(m => m.AggregateId == $"consent:agency-a:{caseCode}" && m.MessageType.Contains("SupervisorOverride")).ToListAsync());
        Assert.Contains(decision.OverrideId.ToString()!, published.Body);
        Assert.DoesNotContain("imminent-danger", published.Body);
        Assert.DoesNotContain("abuse", published.Body);
        Assert.DoesNotContain("abuse at home", stored.ProtectedJustification);

        var listed = Assert.Single((await caseworker.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/overrides")).GetProperty("items").EnumerateArray());
        Assert.Equal("Disclosure of abuse at home; needs shelter tonight.", listed.GetProperty("justification").GetString());
        Assert.Equal("imminent-danger-severe-abuse", listed.GetProperty("ground").GetString());
        Assert.True(listed.GetProperty("used").GetBoolean());
        var other = await hub.ClientAsync(ConsentHub.OtherAgency);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/consents/{caseCode}/overrides")).StatusCode);
    }
}
