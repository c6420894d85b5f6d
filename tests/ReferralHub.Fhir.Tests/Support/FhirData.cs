using Hl7.Fhir.Model;

using ReferralHub.Fhir;

namespace ReferralHub.Fhir.Tests.Support;

/// <summary>FHIR resources an agency system would send: Nadia's consent (seed 000) and referral.</summary>
public static class FhirData
{
    public const string Camp = "demo-camp-1";

    /// <summary>The Consent &amp; Assent form as a FHIR Consent: sharing for the given categories, optional withheld items.</summary>
    public static Hl7.Fhir.Model.Consent ConsentForm(string caseCode, string[] sharing, params string[] withheldItems)
    {
        var consent = new Hl7.Fhir.Model.Consent
        {
            Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference { Identifier = new Identifier(FhirSystems.CaseCode, caseCode) },
            DateTimeElement = new FhirDateTime(DateTimeOffset.UtcNow.Date.Year, DateTimeOffset.UtcNow.Month, DateTimeOffset.UtcNow.Day),
            Policy = [new Hl7.Fhir.Model.Consent.PolicyComponent { Uri = "https://referralhub.org/fhir/policy/consent-and-assent" }],
            Provision = new Hl7.Fhir.Model.Consent.provisionComponent
            {
                Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
                Period = new Period { EndElement = new FhirDateTime(DateTimeOffset.UtcNow.AddDays(365)) },
            },
        };
        consent.SetExtension(FhirSystems.ConsentGivenByExtension, new Code("child-consent"));
        consent.Provision.Provision.Add(Purpose(FhirSystems.ConsentPurpose, "case-management"));
        consent.Provision.Provision.Add(Purpose(FhirSystems.ConsentPurpose, "collect-and-store"));
        foreach (var category in sharing) consent.Provision.Provision.Add(Purpose(FhirSystems.ConsentCategory, category));
        foreach (var item in withheldItems)
        {
            var deny = new Hl7.Fhir.Model.Consent.provisionComponent
            {
                Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Deny,
                Class = [new Coding(FhirSystems.ReferralItem, item)],
            };
            deny.SetExtension(FhirSystems.WithholdReasonExtension, new Code("wants-to-tell-themselves"));
            consent.Provision.Provision.Add(deny);
        }
        return consent;
    }

    private static Hl7.Fhir.Model.Consent.provisionComponent Purpose(string system, string code) =>
        new() { Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit, Purpose = [new Coding(system, code)] };

    /// <summary>Nadia (seed 000), 15, female, Arabic; her history is something she wants to tell herself.</summary>
    public static Patient Nadia(string caseCode)
    {
        var patient = new Patient
        {
            Identifier = [new Identifier(FhirSystems.CaseCode, caseCode)],
            Name = [new HumanName { Use = HumanName.NameUse.Official, Given = ["Nadia"], Family = "Haddad" }],
            Gender = AdministrativeGender.Female,
            BirthDate = DateTime.UtcNow.AddYears(-15).AddDays(-30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Communication = [new Patient.CommunicationComponent { Language = new CodeableConcept(FhirSystems.Bcp47, "ar") }],
        };
        var caregiver = new Patient.ContactComponent
        {
            Name = new HumanName { Given = ["Omar"], Family = "Haddad" },
            Relationship = [new CodeableConcept { Text = "Father" }],
        };
        caregiver.SetExtension(FhirSystems.CaregiverInformed, new FhirBoolean(true));
        patient.Contact.Add(caregiver);
        return patient;
    }

    public static ServiceRequest Referral(string subjectReference, string serviceType = "specialised-mhpss", RequestPriority priority = RequestPriority.Urgent,
        string? identifier = null)
    {
        var request = new ServiceRequest
        {
            Status = RequestStatus.Active,
            Intent = RequestIntent.Order,
            Code = new CodeableConcept(FhirSystems.ServiceType, serviceType),
            Priority = priority,
            Subject = new ResourceReference(subjectReference),
            LocationCode = [new CodeableConcept(FhirSystems.AreaCode, Camp)],
            Requester = new ResourceReference { Display = "Demo Caseworker" },
            ReasonCode = [new CodeableConcept { Text = "Recurring nightmares; hard to fall asleep." }],
        };
        if (identifier is not null) request.Identifier.Add(new Identifier("https://cms.agency-a.example/referrals", identifier));
        request.Note.Add(Note("Witnessed fighting in the hometown.", "case-history"));
        request.Note.Add(Note("Learn to manage her feelings and deal with the nightmares.", "expected-outcome"));
        return request;
    }

    private static Annotation Note(string text, string kind)
    {
        var note = new Annotation { Text = new Markdown(text) };
        note.SetExtension(FhirSystems.NoteKindExtension, new Code(kind));
        return note;
    }

    /// <summary>The BSeR-style transaction: Patient, ServiceRequest and Task, linked by urn:uuid full URLs.</summary>
    public static Bundle ReferralTransaction(string caseCode, string identifier, string serviceType = "specialised-mhpss")
    {
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var requestUrl = "urn:uuid:" + Guid.NewGuid();
        var request = Referral(patientUrl, serviceType, identifier: identifier);
        var task = new Hl7.Fhir.Model.Task
        {
            Status = Hl7.Fhir.Model.Task.TaskStatus.Requested,
            Intent = Hl7.Fhir.Model.Task.TaskIntent.Order,
            Focus = new ResourceReference(requestUrl),
        };
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = patientUrl, Resource = Nadia(caseCode), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } });
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = requestUrl,
            Resource = request,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ServiceRequest", IfNoneExist = $"identifier=https://cms.agency-a.example/referrals|{identifier}" },
        });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = task, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Task" } });
        return bundle;
    }

    /// <summary>A FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html) of the given operations.</summary>
    public static Parameters Patch(params Parameters.ParameterComponent[] operations)
    {
        var patch = new Parameters();
        patch.Parameter.AddRange(operations);
        return patch;
    }

    public static Parameters.ParameterComponent PatchOperation(string type, string path, string? name, DataType value)
    {
        var operation = new Parameters.ParameterComponent { Name = "operation" };
        operation.Part.Add(new Parameters.ParameterComponent { Name = "type", Value = new Code(type) });
        operation.Part.Add(new Parameters.ParameterComponent { Name = "path", Value = new FhirString(path) });
        if (name is not null) operation.Part.Add(new Parameters.ParameterComponent { Name = "name", Value = new FhirString(name) });
        operation.Part.Add(new Parameters.ParameterComponent { Name = "value", Value = value });
        return operation;
    }
}
