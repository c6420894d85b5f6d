using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Deadlines;

/// <summary>Priority deadlines with a moved clock: overdue, the referrer told, the area's focal point escalated, re-offer.</summary>
public sealed class DeadlineTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    [Fact]
    public async Task An_unanswered_high_priority_offer_is_overdue_after_24_hours_escalated_and_offered_to_the_next_service()
    {
        var escalations = new ConcurrentQueue<ReferralEscalated>();
        var handle = hub.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint("test-escalations",
            e => e.Handler<ReferralEscalated>(c => { escalations.Enqueue(c.Message); return Task.CompletedTask; }));
        await handle.Ready;
        var referrer = hub.ClientFor("agency-a", Roles.Referrer);
        hub.World.Consents["CASE-LATE"] = new FakeConsent(true);
        hub.World.Consents["CASE-MEDIUM"] = new FakeConsent(true);
        var high = await SubmitOkAsync(referrer, NadiaReferral("CASE-LATE", priority: "high"));
        var medium = await SubmitOkAsync(referrer, NadiaReferral("CASE-MEDIUM", priority: "medium"));
        var offered = await WaitForStatusAsync(referrer, high, "offered");
        await WaitForStatusAsync(referrer, medium, "offered");
        Assert.Equal(offered.GetProperty("offeredAt").GetDateTime().AddHours(24), offered.GetProperty("deadlineAt").GetDateTime());

        hub.Clock.Advance(TimeSpan.FromHours(25));

        var reoffered = await WaitAsync(async () =>
        {
            var r = await GetAsync(referrer, high);
            return r.GetProperty("organisationCode").GetString() == "agency-c" ? r : null;
        }, "re-offer after the deadline");
        var history = reoffered.GetProperty("history").EnumerateArray().ToList();
        Assert.Contains(history, h => h.GetProperty("reason").GetString() == "overdue" && h.GetProperty("overdue").GetBoolean()
            && h.GetProperty("organisationCode").GetString() == "agency-b");
        Assert.Equal("re-offered", history[^1].GetProperty("reason").GetString());
        var escalation = await WaitAsync(() => Task.FromResult<JsonElement?>(escalations.Any(e => e.ReferralId == high)
            ? JsonSerializer.SerializeToElement(escalations.First(e => e.ReferralId == high)) : null), "escalation");
        Assert.Equal([FakeWorld.FocalPoint], escalation.GetProperty("FocalPointIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal("agency-b", escalation.GetProperty("OrganisationCode").GetString());
        // Medium priority has three days: not overdue yet.
        Assert.False((await GetAsync(referrer, medium)).GetProperty("overdue").GetBoolean());
        var overdueList = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonElement>(referrer, "/api/v1/referrals?overdue=true&caseCode=CASE-MEDIUM");
        Assert.Empty(overdueList.GetProperty("items").EnumerateArray());
    }
}
