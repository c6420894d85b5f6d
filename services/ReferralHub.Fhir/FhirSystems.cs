namespace ReferralHub.Fhir;

/// <summary>
/// Canonical URLs of the code systems, identifiers and extensions the facade uses (docs/fhir.md). They identify; they
/// need not resolve (the service-type CodeSystem is also served at /fhir/CodeSystem/service-type).
/// </summary>
public static class FhirSystems
{
    public const string Base = "https://referralhub.org/fhir";

    // Code systems
    public const string ServiceType = Base + "/CodeSystem/service-type";
    public const string ConsentCategory = Base + "/CodeSystem/consent-category";
    public const string ConsentPurpose = Base + "/CodeSystem/consent-purpose";
    public const string ConsentGivenBy = Base + "/CodeSystem/consent-given-by";
    public const string WithholdReason = Base + "/CodeSystem/withhold-reason";
    public const string ReferralItem = Base + "/CodeSystem/referral-item";
    public const string TaskBusinessStatus = Base + "/CodeSystem/task-business-status";
    public const string DeclineReason = Base + "/CodeSystem/decline-reason";
    public const string WithdrawReason = Base + "/CodeSystem/withdraw-reason";
    public const string StatusReason = Base + "/CodeSystem/status-reason";
    public const string TaskOutput = Base + "/CodeSystem/task-output";
    public const string Satisfaction = Base + "/CodeSystem/satisfaction";
    public const string AreaLevel = Base + "/CodeSystem/area-level";
    public const string OrganisationKind = Base + "/CodeSystem/organisation-kind";
    public const string NoteKind = Base + "/CodeSystem/note-kind";
    public const string AgeBand = Base + "/CodeSystem/age-band";

    // Identifier systems
    public const string CaseCode = Base + "/NamingSystem/case-code";
    public const string OrganisationCode = Base + "/NamingSystem/organisation-code";
    public const string AreaCode = Base + "/NamingSystem/area-code";
    public const string NationalId = Base + "/NamingSystem/national-id";
    public const string UnhcrId = Base + "/NamingSystem/unhcr-id";
    public const string OtherId = Base + "/NamingSystem/other-id";
    public const string PreviousCaseCode = Base + "/NamingSystem/previous-case-code";

    // Extensions
    public const string AgeBandExtension = Base + "/StructureDefinition/age-band";
    public const string BirthDateEstimated = Base + "/StructureDefinition/birth-date-estimated";
    public const string CommunicationNeeds = Base + "/StructureDefinition/communication-needs";
    public const string CaregiverInformed = Base + "/StructureDefinition/caregiver-informed";
    public const string CaregiverNotInformedReason = Base + "/StructureDefinition/caregiver-not-informed-reason";
    public const string NoteKindExtension = Base + "/StructureDefinition/note-kind";

    /// <summary>On a Subscription: the secret notifications are signed with (given or generated; answered once, at creation).</summary>
    public const string SigningSecretExtension = Base + "/StructureDefinition/signing-secret";
    public const string ConsentGivenByExtension = Base + "/StructureDefinition/consent-given-by";
    public const string AuthorisationGround = Base + "/StructureDefinition/authorisation-ground";
    public const string OneOff = Base + "/StructureDefinition/one-off";
    public const string WithholdReasonExtension = Base + "/StructureDefinition/withhold-reason";
    public const string WithholdReasonText = Base + "/StructureDefinition/withhold-reason-text";
    public const string Stale = Base + "/StructureDefinition/stale";
    public const string LastReviewed = Base + "/StructureDefinition/last-reviewed";

    // HL7 systems
    public const string Bcp47 = "urn:ietf:bcp:47";
    public const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";
    public const string Loinc = "http://loinc.org";
    public const string ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public const string BserTaskBusinessStatus = "http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS";
}
