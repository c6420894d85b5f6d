using Hl7.Fhir.Model;
using ReferralHub.Fhir.Tests.Support;

namespace ReferralHub.Fhir.Tests.Metadata;

/// <summary>The R4 validation every test's responses go through does catch invalid resources (a guard that can fail).</summary>
public sealed class ValidationGuardTests
{
    [Fact]
    public void A_task_without_its_required_elements_and_a_bundle_breaking_an_invariant_are_refused()
    {
        var task = new Hl7.Fhir.Model.Task(); // status and intent are 1..1
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        bundle.Entry.Add(new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = "Task" } }); // bdl-3: no request in a searchset

        Assert.Contains(FhirValidation.Errors(task), e => e.Contains("status", StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(FhirValidation.Errors(bundle));
        Assert.Empty(FhirValidation.Errors(new Hl7.Fhir.Model.Task { Status = Hl7.Fhir.Model.Task.TaskStatus.Requested, Intent = Hl7.Fhir.Model.Task.TaskIntent.Order }));
    }
}
