using System.Net.Http.Headers;
using ReferralHub.Testing.Hub;
using ReferralHub.Wire;

namespace ReferralHub.Host.Tests.GeneratedClient;

/// <summary>
/// docs/api.md's walk-through, step by step, through <see cref="HubClient"/>: a client NSwag generates from the hub's
/// OpenAPI document (docs/openapi/v1.json, kept equal to the live one by <see cref="OpenApiSnapshotTests"/>). Nothing
/// here writes a URL or a JSON body by hand, so an operation the document describes wrongly (a missing header, a
/// body without a schema, a date the server refuses) breaks the build or this test. Real tokens from /connect/token.
/// </summary>
public sealed class WalkThroughTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    private const string CaseCode = "DEMO-0001";

    [Fact]
    public async Task The_documented_walk_through_runs_on_a_generated_client()
    {
        // 1. Tokens (client credentials), as integrators get them.
        var referrer = await ClientAsync("agency-a-system", "agency-a-secret");
        var provider = await ClientAsync("agency-b-system", "agency-b-secret");
        var coordinator = await ClientAsync("coordinator-system", "coordinator-secret");

        // 2. The consent: mental health only, the case history withheld.
        var consent = await referrer.RecordConsentAsync(new ConsentBody
        {
            CaseCode = CaseCode, GivenBy = "child-consent", GivenOn = new DateOnly(2026, 11, 23),
            ParticipateInCaseManagement = true, CollectAndStore = true, Sharing = ["mental-health"], OneOff = false,
            ValidUntil = new DateTime(2027, 11, 23, 0, 0, 0, DateTimeKind.Utc),
            Withholds = [new WithholdBody { Item = "caseHistory", Reason = "wants-to-tell-themselves" }],
        });
        Assert.Equal(CaseCode, consent.CaseCode);

        // 3. The referral, with its Idempotency-Key; a retry with the same key is the same referral.
        var submitted = await referrer.SubmitReferralAsync("demo-0001-mhpss", Referral());
        Assert.Equal("submitted", submitted.Status);
        Assert.Equal($"/api/v1/referrals/{submitted.Id}", submitted.Location);
        var retried = await referrer.SubmitReferralAsync("demo-0001-mhpss", Referral());
        Assert.Equal(submitted.Id, retried.Id);
        Assert.True(retried.Replayed);

        var offered = await UntilAsync(() => referrer.GetReferralAsync(submitted.Id), r => r.Status != "submitted");
        Assert.Equal("offered", offered.Status);
        Assert.Equal("agency-b", offered.OrganisationCode);
        Assert.NotNull(offered.DeadlineAt);
        var mine = await referrer.ListReferralsAsync(status: null, priority: null, overdue: null, caseCode: CaseCode,
            updatedSince: null, idempotencyKey: null, cursor: null, limit: 20);
        Assert.Contains(mine.Items, r => r.Id == submitted.Id);

        // 4. The provider's side: a minimal summary in the inbox, the released payload on accepting.
        var inbox = await provider.ProviderInboxAsync(status: null, cursor: null, limit: null);
        var summary = Assert.Single(inbox.Items, i => i.Id == submitted.Id);
        Assert.Equal(("offered", "specialised-mhpss", "medium", "female"), (summary.Status, summary.ServiceType, summary.Priority, summary.Sex));
        Assert.Equal("15-17", summary.AgeBand);

        var accepted = await provider.AcceptReferralAsync(submitted.Id);
        Assert.Equal("accepted", accepted.Status);
        Assert.NotNull(accepted.Payload);
        Assert.Equal("Recurring nightmares; hard to fall asleep.", accepted.Payload.ReasonForReferral);
        Assert.Null(accepted.Payload.CaseHistory); // withheld by the consent

        var started = await provider.StartServiceAsync(submitted.Id, new StartRequest { StartedOn = new DateOnly(2026, 11, 23) });
        Assert.Equal("in-service", started.Status);
        var completed = await provider.CompleteServiceAsync(submitted.Id, new CompleteRequest
        {
            StartedOn = new DateOnly(2026, 11, 23), CompletedOn = new DateOnly(2026, 11, 23),
            Details = "Six sessions with the psychologist.", FollowUpRecommendations = "Check sleep at the next home visit.",
            ProvidedBy = new ProviderFocalPoint { Name = "Demo Psychologist", Position = "Psychologist" },
            ChildSatisfaction = "high", CaregiverSatisfaction = "medium",
        });
        Assert.Equal("completed", completed.Status);
        Assert.Equal(("high", "medium"), (completed.Service?.ChildSatisfaction, completed.Service?.CaregiverSatisfaction));

        // Follow-up notes, both ways.
        await referrer.AddReferralNoteAsync(submitted.Id, new NoteRequest { Text = "Thank you; we will check in next week." });
        Assert.Contains((await provider.ReferralNotesAsync(submitted.Id, cursor: null, limit: null)).Items, n => n.Text == "Thank you; we will check in next week.");

        // A step out of order is a 409 problem the generated client reads.
        var refused = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => provider.AcceptReferralAsync(submitted.Id));
        Assert.Equal(409, refused.StatusCode);
        Assert.Equal(409, refused.Result.Status);

        // 5. Withdraw: a second referral of the case, withdrawn by the referrer before it is answered.
        var second = await referrer.SubmitReferralAsync("demo-0001-mhpss-2", Referral());
        // Once routing has moved it on (a withdrawal racing the routing step is a 409 "changed meanwhile", to retry).
        await UntilAsync(() => referrer.GetReferralAsync(second.Id), r => r.Status != "submitted");
        var withdrawn = await referrer.WithdrawReferralAsync(second.Id, new WithdrawRequest { Reason = "no-longer-needed" });
        Assert.Equal("withdrawn", withdrawn.Status);

        // 6. Hearing about changes: the pull feed, in order, from the start.
        var changes = await referrer.ReferralChangesAsync(cursor: null, after: null, limit: null);
        Assert.Equal(["submitted", "offered", "accepted", "in-service", "completed"],
            changes.Items.Where(c => c.ReferralId == submitted.Id).Select(c => c.Status).ToArray());

        // 7. What the child may ask to see.
        var export = await referrer.ExportCaseAsync(CaseCode);
        Assert.Equal(CaseCode, export.CaseCode);
        Assert.Contains(export.Referrals, r => r.Referral.Id == submitted.Id);

        // 8. Coordinators: anonymous figures.
        var figures = await coordinator.TurnaroundAsync(from: new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), to: null);
        Assert.Contains(figures.Cells, c => c.ServiceType == "specialised-mhpss" && c.Agency == "agency-a");
    }

    private static SubmitReferralRequest Referral() => new()
    {
        CaseCode = CaseCode, Priority = "medium", ServiceType = "specialised-mhpss", AreaCode = "demo-camp-1",
        Consent = new ConsentStatement { Given = true }, ReferralDate = new DateOnly(2026, 11, 23), ReferralType = "external",
        ReferredBy = new ReferrerContact { Name = "Demo Caseworker", Position = "Caseworker" },
        Child = new ChildDetails { FirstName = "Demo", LastName = "Child", DateOfBirth = new DateOnly(2011, 10, 1), Sex = "female", Languages = ["ar"] },
        Caregiver = new CaregiverDetails { Informed = true, FirstName = "Demo", LastName = "Parent", Relationship = "Father" },
        ReasonForReferral = "Recurring nightmares; hard to fall asleep.",
        CaseHistory = "Witnessed fighting in the hometown.",
        ExpectedOutcome = "Learn to manage her feelings and deal with the nightmares.",
        Feedback = new FeedbackArrangements { ContactVia = "caseworker", FollowUp = ["face-to-face"] },
    };

    private async Task<HubClient> ClientAsync(string clientId, string secret)
    {
        var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync(clientId, secret));
        return new HubClient(http);
    }

    /// <summary>Reads until <paramref name="done"/> holds; the bound only stops a hang, it is not a speed check.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            value = await read();
        }
        return value;
    }
}
