namespace ReferralHub.Contracts.Taxonomy;

/// <summary>
/// The named items of a referral (seed 000, Referral form, "Key information on the case" and the caregiver and reason
/// sections). A consent withholds items by these names, the need-to-know profiles release them by these names, and
/// every release record lists them. Codes never change meaning; new items are added, never renamed.
/// </summary>
public static class ReferralItems
{
    public const string ChildName = "child.name";
    public const string ChildOtherNames = "child.otherNames";
    public const string ChildDateOfBirth = "child.dateOfBirth";
    public const string ChildSex = "child.sex";
    public const string ChildIdentityDocuments = "child.identityDocuments";
    public const string ChildPreviousCaseCode = "child.previousCaseCode";
    public const string ChildLanguages = "child.languages";
    public const string ChildCommunicationNeeds = "child.communicationNeeds";
    public const string ChildCurrentLocation = "child.currentLocation";
    public const string ChildPhone = "child.phone";
    public const string CaregiverName = "caregiver.name";

    /// <summary>The caregiver's date of birth (and whether estimated): its own item, not released with the name.</summary>
    public const string CaregiverDateOfBirth = "caregiver.dateOfBirth";

    public const string CaregiverSex = "caregiver.sex";
    public const string CaregiverRelationship = "caregiver.relationship";
    public const string CaregiverPhone = "caregiver.phone";
    public const string CaregiverLocation = "caregiver.location";
    public const string CaregiverInformed = "caregiver.informed";
    public const string ReasonForReferral = "reasonForReferral";
    public const string CaseHistory = "caseHistory";
    public const string ExpectedOutcome = "expectedOutcome";
    public const string ReferrerContact = "referrer.contact";

    public static IReadOnlyList<string> All { get; } =
    [
        ChildName, ChildOtherNames, ChildDateOfBirth, ChildSex, ChildIdentityDocuments, ChildPreviousCaseCode,
        ChildLanguages, ChildCommunicationNeeds, ChildCurrentLocation, ChildPhone,
        CaregiverName, CaregiverDateOfBirth, CaregiverSex, CaregiverRelationship, CaregiverPhone, CaregiverLocation, CaregiverInformed,
        ReasonForReferral, CaseHistory, ExpectedOutcome, ReferrerContact,
    ];

    private static readonly HashSet<string> Known = [.. All];

    public static bool IsKnown(string? item) => item is not null && Known.Contains(item);
}
