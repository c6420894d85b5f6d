using System.Globalization;
using Hl7.Fhir.Model;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Fhir.Web;

namespace ReferralHub.Fhir.Consents;

/// <summary>
/// FHIR R4 Consent ↔ the consent registry's record (docs/fhir.md). The root provision permits for the period; nested
/// provisions say, per purpose, permit or deny: case management, collect-and-store, sharing for each consent category
/// (actors: the recipient organisations), and deny provisions with a data class for each withheld item.
/// </summary>
public static class ConsentMapping
{
    public const string CaseManagement = "case-management";
    public const string CollectAndStore = "collect-and-store";
    public const string Policy = FhirSystems.Base + "/policy/consent-and-assent";

    public static ConsentBody ToBody(Consent consent, int? expectedVersion)
    {
        if (consent.Status is not Consent.ConsentState.Active)
            throw FhirException.Unprocessable("Consent.status", "A consent is recorded with status 'active' (withdraw it with status 'inactive' on PUT).");
        var caseCode = CaseCodeOf(consent)
            ?? throw FhirException.Invalid("Consent.patient", $"Reference the child by identifier: patient.identifier with system {FhirSystems.CaseCode} (the case code).");
        var givenBy = consent.GetExtensionValue<Code>(FhirSystems.ConsentGivenByExtension)?.Value
            ?? (consent.Performer.FirstOrDefault()?.Reference?.Split('/')[0] switch
            {
                "RelatedPerson" => "caregiver",
                "Patient" => "child-consent",
                _ => null,
            })
            ?? throw FhirException.Invalid("Consent.extension", $"Say who gave it: extension {FhirSystems.ConsentGivenByExtension} (child-consent, child-assent, caregiver, supervisor-authorisation) or a performer Patient/RelatedPerson.");
        if (consent.DateTimeElement?.ToDateTimeOffset(TimeSpan.Zero) is not { } given)
            throw FhirException.Invalid("Consent.dateTime", "Required: when the consent was given.");
        var root = consent.Provision ?? throw FhirException.Invalid("Consent.provision", "Required: the permissions (see docs/fhir.md).");
        if (root.Type is not Consent.ConsentProvisionType.Permit) throw FhirException.Invalid("Consent.provision.type", "The root provision is 'permit' (for its period); refusals are nested 'deny' provisions.");

        bool? participate = null, collect = null;
        var sharing = new List<string>();
        var organisations = new List<string>();
        var withholds = new List<WithholdBody>();
        for (var i = 0; i < root.Provision.Count; i++)
        {
            var provision = root.Provision[i];
            var at = $"Consent.provision.provision[{i}]";
            var permit = provision.Type switch
            {
                Consent.ConsentProvisionType.Permit => true,
                Consent.ConsentProvisionType.Deny => false,
                _ => throw FhirException.Invalid($"{at}.type", "permit or deny."),
            };
            var actors = provision.Actor.Select(a => a.Reference?.Identifier is { System: FhirSystems.OrganisationCode, Value: { } v } ? v
                : throw FhirException.Invalid($"{at}.actor", $"Actors are organisations by identifier (system {FhirSystems.OrganisationCode}).")).ToList();
            var items = provision.Class.Where(c => c.System == FhirSystems.ReferralItem).Select(c => c.Code).ToList();
            if (items.Count > 0)
            {
                if (permit) throw FhirException.Invalid($"{at}.type", "A provision naming referral items (class) withholds them: type 'deny'.");
                var reason = provision.GetExtensionValue<Code>(FhirSystems.WithholdReasonExtension)?.Value;
                var text = provision.GetExtensionValue<FhirString>(FhirSystems.WithholdReasonText)?.Value;
                foreach (var item in items)
                    foreach (var organisation in actors.Count == 0 ? [null] : actors.Cast<string?>())
                        withholds.Add(new WithholdBody { Item = item, Organisation = organisation, Reason = reason, ReasonText = text });
                continue;
            }
            foreach (var purpose in provision.Purpose)
            {
                if (purpose.System == FhirSystems.ConsentPurpose && purpose.Code == CaseManagement) participate = permit;
                else if (purpose.System == FhirSystems.ConsentPurpose && purpose.Code == CollectAndStore) collect = permit;
                else if (purpose.System == FhirSystems.ConsentCategory)
                {
                    if (!permit) continue; // a category not permitted is simply not shared
                    if (purpose.Code is { } category) sharing.Add(category);
                    organisations.AddRange(actors);
                }
                else throw FhirException.Invalid($"{at}.purpose", $"Purposes are from {FhirSystems.ConsentPurpose} (case-management, collect-and-store) or {FhirSystems.ConsentCategory} (sharing).");
            }
        }
        if (participate is null) throw FhirException.Invalid("Consent.provision.provision", $"Say whether the child takes part in case management: a provision with purpose {FhirSystems.ConsentPurpose}#{CaseManagement}.");
        if (collect is null) throw FhirException.Invalid("Consent.provision.provision", $"Say whether information may be collected and stored: a provision with purpose {FhirSystems.ConsentPurpose}#{CollectAndStore}.");

        DateTimeOffset? until = root.Period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero);
        var oneOff = consent.GetExtensionValue<FhirBoolean>(FhirSystems.OneOff)?.Value;
        return new ConsentBody
        {
            CaseCode = caseCode,
            GivenBy = givenBy,
            AuthorisationGround = consent.GetExtensionValue<Code>(FhirSystems.AuthorisationGround)?.Value,
            GivenOn = DateOnly.FromDateTime(given.UtcDateTime),
            ParticipateInCaseManagement = participate,
            CollectAndStore = collect,
            Sharing = [.. sharing.Distinct()],
            Organisations = [.. organisations.Distinct()],
            OneOff = oneOff,
            ValidUntil = until?.UtcDateTime,
            Withholds = withholds,
            ExpectedVersion = expectedVersion,
        };
    }

    public static string? CaseCodeOf(Consent consent)
    {
        if (consent.Patient?.Identifier is { System: FhirSystems.CaseCode, Value: { } code }) return code;
        if (consent.Patient?.Reference is { } r && r.StartsWith('#')
            && consent.Contained.FirstOrDefault(c => c.Id == r[1..]) is Patient patient)
            return patient.Identifier.FirstOrDefault(i => i.System == FhirSystems.CaseCode)?.Value;
        return null;
    }

    public static Consent FromView(ConsentView v)
    {
        var consent = new Consent
        {
            Id = v.CaseCode,
            Meta = Referrals.ServiceRequestMapping.Meta(v.Version, v.RecordedAt),
            Identifier = [new Identifier("urn:ietf:rfc:3986", $"urn:uuid:{v.ConsentId}")],
            Status = v.Status == "active" ? Consent.ConsentState.Active : Consent.ConsentState.Inactive,
            Scope = new CodeableConcept(FhirSystems.ConsentScope, "patient-privacy", "Privacy Consent"),
            Category = [new CodeableConcept(FhirSystems.Loinc, "59284-0", "Patient Consent")],
            Patient = new ResourceReference { Identifier = new Identifier(FhirSystems.CaseCode, v.CaseCode) },
            DateTimeElement = new FhirDateTime(v.GivenOn.Year, v.GivenOn.Month, v.GivenOn.Day),
            Policy = [new Consent.PolicyComponent { Uri = Policy }],
        };
        consent.SetExtension(FhirSystems.ConsentGivenByExtension, new Code(v.GivenBy));
        if (v.AuthorisationGround is { } ground) consent.SetExtension(FhirSystems.AuthorisationGround, new Code(ground));
        consent.SetExtension(FhirSystems.OneOff, new FhirBoolean(v.OneOff));

        var root = new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Permit };
        if (v.ValidUntil is { } until) root.Period = new Period { EndElement = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc))) };
        root.Provision.Add(Purpose(v.ParticipateInCaseManagement, FhirSystems.ConsentPurpose, CaseManagement, []));
        root.Provision.Add(Purpose(v.CollectAndStore, FhirSystems.ConsentPurpose, CollectAndStore, []));
        foreach (var category in v.Sharing)
            root.Provision.Add(Purpose(true, FhirSystems.ConsentCategory, category, v.Organisations));
        foreach (var withhold in v.Withholds)
        {
            var deny = new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Deny, Class = [new Coding(FhirSystems.ReferralItem, withhold.Item)] };
            if (withhold.Organisation is { } organisation) deny.Actor.Add(Recipient(organisation));
            if (withhold.Reason is { } reason) deny.SetExtension(FhirSystems.WithholdReasonExtension, new Code(reason));
            if (withhold.ReasonText is { } text) deny.SetExtension(FhirSystems.WithholdReasonText, new FhirString(text));
            root.Provision.Add(deny);
        }
        consent.Provision = root;
        return consent;
    }

    private static Consent.provisionComponent Purpose(bool permit, string system, string code, IReadOnlyList<string> recipients)
    {
        var display = system == FhirSystems.ConsentCategory ? ServiceTypes.ConsentCategories.FirstOrDefault(c => c.Code == code)?.Name : null;
        var provision = new Consent.provisionComponent
        {
            Type = permit ? Consent.ConsentProvisionType.Permit : Consent.ConsentProvisionType.Deny,
            Purpose = [new Coding(system, code, display)],
        };
        foreach (var recipient in recipients) provision.Actor.Add(Recipient(recipient));
        return provision;
    }

    private static Consent.provisionActorComponent Recipient(string organisation) => new()
    {
        Role = new CodeableConcept(FhirSystems.ParticipationType, "IRCP", "information recipient"),
        Reference = new ResourceReference { Identifier = new Identifier(FhirSystems.OrganisationCode, organisation) },
    };

    public static string Version(int version) => version.ToString(CultureInfo.InvariantCulture);
}
