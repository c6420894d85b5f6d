using ReferralHub.Contracts.Taxonomy;

namespace ReferralHub.Referrals.Model;

/// <summary>
/// The personal part of a referral (seed 000, Referral form sections 1, 3, 4 and 5). Every item is optional.
/// Stored only encrypted, as one JSON blob under the case's protection scope; released to a provider only after
/// acceptance, projected on the need-to-know items (<see cref="Project"/>).
/// </summary>
public sealed record ReferralPayload(
    ConsentStatement? Consent = null,
    DateOnly? ReferralDate = null,
    string? ReferralType = null,
    string? ReferredThrough = null,
    ReferrerContact? ReferredBy = null,
    ChildDetails? Child = null,
    CaregiverDetails? Caregiver = null,
    string? ReasonForReferral = null,
    string? CaseHistory = null,
    string? ExpectedOutcome = null,
    FeedbackArrangements? Feedback = null)
{
    /// <summary>Only the fields named by <paramref name="items"/> (ReferralItems codes); routing facts are always kept.</summary>
    public ReferralPayload Project(IReadOnlySet<string> items)
    {
        bool Has(string item) => items.Contains(item);
        var child = Child is null ? null : new ChildDetails(
            FirstName: Has(ReferralItems.ChildName) ? Child.FirstName : null,
            MiddleName: Has(ReferralItems.ChildName) ? Child.MiddleName : null,
            LastName: Has(ReferralItems.ChildName) ? Child.LastName : null,
            OtherNames: Has(ReferralItems.ChildOtherNames) ? Child.OtherNames : null,
            DateOfBirth: Has(ReferralItems.ChildDateOfBirth) ? Child.DateOfBirth : null,
            DateOfBirthEstimated: Has(ReferralItems.ChildDateOfBirth) ? Child.DateOfBirthEstimated : null,
            Sex: Has(ReferralItems.ChildSex) ? Child.Sex : null,
            NationalId: Has(ReferralItems.ChildIdentityDocuments) ? Child.NationalId : null,
            UnhcrId: Has(ReferralItems.ChildIdentityDocuments) ? Child.UnhcrId : null,
            OtherId: Has(ReferralItems.ChildIdentityDocuments) ? Child.OtherId : null,
            PreviousCaseCode: Has(ReferralItems.ChildPreviousCaseCode) ? Child.PreviousCaseCode : null,
            Languages: Has(ReferralItems.ChildLanguages) ? Child.Languages : null,
            CommunicationNeeds: Has(ReferralItems.ChildCommunicationNeeds) ? Child.CommunicationNeeds : null,
            CurrentLocation: Has(ReferralItems.ChildCurrentLocation) ? Child.CurrentLocation : null,
            Phone: Has(ReferralItems.ChildPhone) ? Child.Phone : null);
        var caregiver = Caregiver is null ? null : new CaregiverDetails(
            Informed: Has(ReferralItems.CaregiverInformed) ? Caregiver.Informed : null,
            NotInformedReason: Has(ReferralItems.CaregiverInformed) ? Caregiver.NotInformedReason : null,
            FirstName: Has(ReferralItems.CaregiverName) ? Caregiver.FirstName : null,
            MiddleName: Has(ReferralItems.CaregiverName) ? Caregiver.MiddleName : null,
            LastName: Has(ReferralItems.CaregiverName) ? Caregiver.LastName : null,
            OtherNames: Has(ReferralItems.CaregiverName) ? Caregiver.OtherNames : null,
            // Date of birth and sex are items of their own: a provider that needs the caregiver's name does not get them with it.
            DateOfBirth: Has(ReferralItems.CaregiverDateOfBirth) ? Caregiver.DateOfBirth : null,
            DateOfBirthEstimated: Has(ReferralItems.CaregiverDateOfBirth) ? Caregiver.DateOfBirthEstimated : null,
            Sex: Has(ReferralItems.CaregiverSex) ? Caregiver.Sex : null,
            Relationship: Has(ReferralItems.CaregiverRelationship) ? Caregiver.Relationship : null,
            CurrentLocation: Has(ReferralItems.CaregiverLocation) ? Caregiver.CurrentLocation : null,
            Phone: Has(ReferralItems.CaregiverPhone) ? Caregiver.Phone : null);
        return this with
        {
            // Why consent was not given is narrative about the family: the provider gets only yes/no.
            Consent = Consent is null ? null : Consent with { ReasonIfNot = null },
            ReferredBy = Has(ReferralItems.ReferrerContact) ? ReferredBy : null,
            Child = child,
            Caregiver = caregiver,
            ReasonForReferral = Has(ReferralItems.ReasonForReferral) ? ReasonForReferral : null,
            CaseHistory = Has(ReferralItems.CaseHistory) ? CaseHistory : null,
            ExpectedOutcome = Has(ReferralItems.ExpectedOutcome) ? ExpectedOutcome : null,
        };
    }
}

public sealed record ConsentStatement(bool? Given, string? ReasonIfNot);

public sealed record ReferrerContact(string? Name, string? Position, string? Phone, string? Email, string? Location);

public sealed record ChildDetails(
    string? FirstName = null,
    string? MiddleName = null,
    string? LastName = null,
    string? OtherNames = null,
    DateOnly? DateOfBirth = null,
    bool? DateOfBirthEstimated = null,
    string? Sex = null,
    string? NationalId = null,
    string? UnhcrId = null,
    string? OtherId = null,
    string? PreviousCaseCode = null,
    IReadOnlyList<string>? Languages = null,
    string? CommunicationNeeds = null,
    string? CurrentLocation = null,
    string? Phone = null);

public sealed record CaregiverDetails(
    bool? Informed = null,
    string? NotInformedReason = null,
    string? FirstName = null,
    string? MiddleName = null,
    string? LastName = null,
    string? OtherNames = null,
    DateOnly? DateOfBirth = null,
    bool? DateOfBirthEstimated = null,
    string? Sex = null,
    string? Relationship = null,
    string? CurrentLocation = null,
    string? Phone = null);

/// <summary>Section 5: how the provider gives feedback and how the caseworker follows up.</summary>
public sealed record FeedbackArrangements(string? ContactVia, IReadOnlyList<string>? FollowUp, string? FollowUpOther);

/// <summary>What a provider sees before accepting (seed 004: only what the service needs to decide).</summary>
public sealed record ReferralSummary(string? AgeBand, string? Sex, IReadOnlyList<string> Languages, string? CommunicationNeeds);

/// <summary>The Services Provided form's personal parts, stored encrypted.</summary>
public sealed record ServiceReport(
    string? Details,
    string? FollowUpRecommendations,
    ProviderFocalPoint? ProvidedBy,
    string? ChildSuggestions,
    string? CaregiverSuggestions);

public sealed record ProviderFocalPoint(string? Name, string? Position, string? Contact, string? Location);
