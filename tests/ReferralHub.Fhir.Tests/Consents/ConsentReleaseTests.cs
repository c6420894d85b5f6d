using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Fhir.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Consents;

/// <summary>A consent recorded as a FHIR Consent governs what is released, exactly as one recorded over REST.</summary>
public sealed class ConsentReleaseTests(FhirHub hub) : IClassFixture<FhirHub>
{
    [Fact]
    public async System.Threading.Tasks.Task A_service_type_the_fhir_consent_does_not_cover_is_blocked_and_nothing_reaches_the_provider()
    {
        var referrer = await hub.ReferrerAsync();
        var provider = await hub.ProviderAsync();
        await referrer.CreateAsync(FhirData.ConsentForm("FHIR-OTHER", ["mental-health"]));

        var request = FhirData.Referral("#child", "basic-psychosocial-support");
        request.Contained.Add(WithId(FhirData.Nadia("FHIR-OTHER"), "child"));
        var created = await referrer.CreateAsync(request);

        var blocked = await FhirHub.WaitForTaskAsync(referrer, created!.Id, FhirTask.TaskStatus.Cancelled);
        Assert.Equal("blocked-consent", blocked.BusinessStatus.Coding[0].Code);
        Assert.Equal("refused", blocked.StatusReason.Coding[0].Code); // the consent registry's reason: that category was not granted
        var hidden = await Assert.ThrowsAsync<FhirOperationException>(() => provider.ReadAsync<ServiceRequest>($"ServiceRequest/{created.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);
        Assert.NotEmpty(hidden.Outcome.Issue);
    }

    [Fact]
    public async System.Threading.Tasks.Task Withdrawing_the_fhir_consent_cancels_the_referrals_not_yet_accepted()
    {
        var referrer = await hub.ReferrerAsync();
        var provider = await hub.ProviderAsync();
        var consent = await referrer.CreateAsync(FhirData.ConsentForm("FHIR-WITHDRAW", ["mental-health"]));
        var response = await referrer.TransactionAsync(FhirData.ReferralTransaction("FHIR-WITHDRAW", "withdraw-1"));
        var id = response!.Entry.Single(e => e.Resource is ServiceRequest).Resource.Id;
        await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Received);

        consent!.Status = Hl7.Fhir.Model.Consent.ConsentState.Inactive;
        var withdrawn = await referrer.UpdateAsync(consent);
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Inactive, withdrawn!.Status);
        Assert.Equal("2", withdrawn.Meta.VersionId);

        var cancelled = await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Cancelled);
        Assert.Equal("consent-withdrawn", cancelled.StatusReason.Coding[0].Code);
        // The provider is told only that it was withdrawn, never why; it can no longer accept.
        var seen = await provider.ReadAsync<FhirTask>($"Task/{id}");
        Assert.Equal(FhirTask.TaskStatus.Cancelled, seen!.Status);
        Assert.Null(seen.StatusReason);
        seen.Status = FhirTask.TaskStatus.Accepted;
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => provider.UpdateAsync(seen));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_consent_reads_back_as_recorded_and_only_for_its_agency()
    {
        var referrer = await hub.ReferrerAsync();
        var provider = await hub.ProviderAsync();
        await referrer.CreateAsync(FhirData.ConsentForm("FHIR-READ", ["mental-health", "psychosocial-support"], "caseHistory"));

        var consent = await referrer.ReadAsync<Hl7.Fhir.Model.Consent>("Consent/FHIR-READ");
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Active, consent!.Status);
        Assert.Equal("FHIR-READ", consent.Patient.Identifier.Value);
        var permitted = consent.Provision.Provision.Where(p => p.Type == Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit)
            .SelectMany(p => p.Purpose).Select(p => p.Code).ToList();
        Assert.Equal(["case-management", "collect-and-store", "mental-health", "psychosocial-support"], permitted.Order());
        Assert.NotNull(consent.Provision.Period.End);

        var again = await Assert.ThrowsAsync<FhirOperationException>(() => referrer.CreateAsync(FhirData.ConsentForm("FHIR-READ", ["food"])));
        Assert.Equal(HttpStatusCode.Conflict, again.Status); // one consent in force per case: amend it with PUT
        var other = await Assert.ThrowsAsync<FhirOperationException>(() => provider.ReadAsync<Hl7.Fhir.Model.Consent>("Consent/FHIR-READ"));
        Assert.Equal(HttpStatusCode.Forbidden, other.Status); // the provider role may not read consents at all
    }

    private static Patient WithId(Patient patient, string id)
    {
        patient.Id = id;
        return patient;
    }
}
