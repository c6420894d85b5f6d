using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Model;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Submit;

/// <summary>
/// The seed Referral form as JSON. Routing fields: <see cref="CaseCode"/>, <see cref="Priority"/>,
/// <see cref="ServiceType"/> and either <see cref="ServiceId"/> (a directory service) or <see cref="AreaCode"/>
/// (route along the area's pathway). Every personal item is optional.
/// </summary>
public sealed partial record SubmitReferralRequest(
    string? CaseCode,
    string? Priority,
    string? ServiceType,
    string? AreaCode = null,
    Guid? ServiceId = null,
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
    public const int MaxText = 4000;
    public const int MaxShort = 200;

    public static readonly IReadOnlyList<string> Sexes = ["female", "male", "other", "unknown"];
    public static readonly IReadOnlyList<string> ReferralTypes = ["internal", "external"];
    public static readonly IReadOnlyList<string> Channels = ["digital-case-management-system", "phone", "email", "in-person"];
    public static readonly IReadOnlyList<string> ContactVia = ["caseworker", "directly"];
    public static readonly IReadOnlyList<string> FollowUpMethods = ["phone", "email", "face-to-face", "other"];

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex CaseCodePattern();

    public ReferralPayload ToPayload() => new(Consent, ReferralDate, ReferralType, ReferredThrough ?? "digital-case-management-system",
        ReferredBy, Child, Caregiver, ReasonForReferral, CaseHistory, ExpectedOutcome, Feedback);

    public FieldErrors Validate(DateOnly today)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(CaseCode)) errors.Add("caseCode", "required");
        else if (!CaseCodePattern().IsMatch(CaseCode)) errors.Add("caseCode", "letters, digits, '.', '_' or '-', up to 64 characters (the consent registry's case code)");
        errors.OneOf("priority", Priority, Priorities.All, required: true);
        if (ServiceType is null) errors.Add("serviceType", "required");
        else if (!ServiceTypes.IsServiceType(ServiceType) || ServiceType == ServiceTypes.CaseManagement)
            errors.Add("serviceType", "unknown service type (see docs/taxonomy.md)");
        if (ServiceId is null && string.IsNullOrWhiteSpace(AreaCode)) errors.Add("areaCode", "required unless serviceId names the service");
        errors.MaxLength("areaCode", AreaCode, 100);
        if (ReferralDate > today) errors.Add("referralDate", "must not be in the future");
        errors.OneOf("referralType", ReferralType, ReferralTypes);
        errors.OneOf("referredThrough", ReferredThrough, Channels);
        errors.MaxLength("consent.reasonIfNot", Consent?.ReasonIfNot, MaxText);
        if (ReferredBy is { } by)
        {
            errors.MaxLength("referredBy.name", by.Name, MaxShort);
            errors.MaxLength("referredBy.position", by.Position, MaxShort);
            errors.MaxLength("referredBy.phone", by.Phone, MaxShort);
            errors.MaxLength("referredBy.email", by.Email, MaxShort);
            errors.MaxLength("referredBy.location", by.Location, MaxShort);
        }
        if (Child is { } child)
        {
            foreach (var (field, value) in new[] { ("firstName", child.FirstName), ("middleName", child.MiddleName), ("lastName", child.LastName),
                ("otherNames", child.OtherNames), ("nationalId", child.NationalId), ("unhcrId", child.UnhcrId), ("otherId", child.OtherId),
                ("previousCaseCode", child.PreviousCaseCode), ("phone", child.Phone) })
                errors.MaxLength($"child.{field}", value, MaxShort);
            errors.MaxLength("child.communicationNeeds", child.CommunicationNeeds, MaxText);
            errors.MaxLength("child.currentLocation", child.CurrentLocation, MaxText);
            if (child.DateOfBirth > today) errors.Add("child.dateOfBirth", "must not be in the future");
            errors.OneOf("child.sex", child.Sex, Sexes);
            if (child.Languages is { Count: > 20 } || child.Languages?.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 50) == true)
                errors.Add("child.languages", "at most 20 languages of at most 50 characters");
        }
        if (Caregiver is { } caregiver)
        {
            foreach (var (field, value) in new[] { ("firstName", caregiver.FirstName), ("middleName", caregiver.MiddleName), ("lastName", caregiver.LastName),
                ("otherNames", caregiver.OtherNames), ("relationship", caregiver.Relationship), ("phone", caregiver.Phone) })
                errors.MaxLength($"caregiver.{field}", value, MaxShort);
            errors.MaxLength("caregiver.notInformedReason", caregiver.NotInformedReason, MaxText);
            errors.MaxLength("caregiver.currentLocation", caregiver.CurrentLocation, MaxText);
            if (caregiver.DateOfBirth > today) errors.Add("caregiver.dateOfBirth", "must not be in the future");
            errors.OneOf("caregiver.sex", caregiver.Sex, Sexes);
        }
        errors.MaxLength("reasonForReferral", ReasonForReferral, MaxText);
        errors.MaxLength("caseHistory", CaseHistory, MaxText);
        errors.MaxLength("expectedOutcome", ExpectedOutcome, MaxText);
        if (Feedback is { } feedback)
        {
            errors.OneOf("feedback.contactVia", feedback.ContactVia, ContactVia);
            foreach (var method in feedback.FollowUp ?? []) errors.OneOf("feedback.followUp", method, FollowUpMethods);
            errors.MaxLength("feedback.followUpOther", feedback.FollowUpOther, MaxShort);
        }
        return errors;
    }

    /// <summary>Age in whole years at <paramref name="today"/>, when the date of birth is known.</summary>
    public int? Age(DateOnly today)
    {
        if (Child?.DateOfBirth is not { } dob) return null;
        var age = today.Year - dob.Year;
        if (today < dob.AddYears(age)) age--;
        return age;
    }

    /// <summary>The hub's one age-band list (contracts Taxonomy), shared with the transfer capacity summary.</summary>
    public static string AgeBand(int? age) => AgeBands.Of(age);
}
