using ReferralHub.Consent.Overrides;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Protection;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Consents;

/// <summary>What the caseworker's system sends to record or amend a consent (the Consent &amp; Assent form).</summary>
public sealed record ConsentBody(
    string? CaseCode,
    string? GivenBy,
    string? AuthorisationGround,
    DateOnly? GivenOn,
    bool? ParticipateInCaseManagement,
    bool? CollectAndStore,
    List<string?>? Sharing,
    List<string?>? Organisations,
    bool? OneOff,
    DateTimeOffset? ValidUntil,
    List<WithholdBody?>? Withholds,
    int? ExpectedVersion);

public sealed record WithholdBody(string? Item, string? Organisation, string? Reason, string? ReasonText);

/// <summary>A version as the owning agency reads it back.</summary>
public sealed record ConsentView(
    Guid ConsentId,
    int Version,
    string CaseCode,
    string Status,
    string GivenBy,
    string? AuthorisationGround,
    DateOnly GivenOn,
    string RecordedBy,
    DateTime RecordedAt,
    bool ParticipateInCaseManagement,
    bool CollectAndStore,
    IReadOnlyList<string> Sharing,
    IReadOnlyList<string> Organisations,
    bool OneOff,
    DateTime? ValidUntil,
    IReadOnlyList<WithholdView> Withholds);

public sealed record WithholdView(string Item, string? Organisation, string Reason, string? ReasonText);

internal static class ConsentBodies
{
    private const int MaxReasonText = 2000;

    /// <summary>Checks the body; errors are keyed by the JSON field so the client sees what to fix. Nothing is stored on error.</summary>
    /// <summary>A supervisor's authorisation stands for at most this long (unless it is one-off): limited like an override.</summary>
    public static readonly TimeSpan MaxAuthorisationValidity = TimeSpan.FromDays(7);

    public static FieldErrors Validate(ConsentBody body, bool requireCaseCode, DateTime now, bool callerIsSupervisor, bool callerIsReferrer)
    {
        var errors = new FieldErrors();
        void Error(string field, string message) => errors.Add(field, message);

        if (requireCaseCode && !ConsentCodes.IsCaseCode(body.CaseCode))
            Error("caseCode", "A case code (letters, digits, '.', '_' or '-', up to 64 characters) that does not identify the child is required.");

        if (body.GivenBy is null || !ConsentCodes.Givers.TryGetValue(body.GivenBy, out var giver))
        {
            Error("givenBy", $"Must be one of: {string.Join(", ", ConsentCodes.Givers.Keys)}.");
        }
        else if (giver == ConsentGiver.SupervisorAuthorisation)
        {
            // Form part 4: a supervisor's authorisation stands in for consent only on the seed's grounds, and only a supervisor gives it.
            if (!OverrideGrounds.IsAllowed(body.AuthorisationGround))
                Error("authorisationGround", $"A supervisor's authorisation needs one of the allowed grounds: {string.Join(", ", OverrideGrounds.All)}.");
            // Four eyes are two people: the supervisor who authorises is never an identity that also asks (referrer).
            if (!callerIsSupervisor || callerIsReferrer)
                Error("givenBy", "Only a supervisor who does not also hold the referrer role may record a supervisor's authorisation (four eyes: a second person).");
            // Limited like an override: one release, or a short stated validity — never an open standing permit.
            if (body.OneOff != true && (body.ValidUntil is not { } authorisedUntil || authorisedUntil.UtcDateTime > now + MaxAuthorisationValidity))
                Error("validUntil", $"A supervisor's authorisation is one-off (oneOff: true) or valid for at most {MaxAuthorisationValidity.TotalDays:0} days.");
        }
        else if (!callerIsReferrer)
        {
            // The child's or caregiver's own consent is recorded by the caseworker who asked them.
            Error("givenBy", "A consent given by the child or caregiver is recorded by a caller holding the referrer role.");
        }
        else if (body.AuthorisationGround is not null)
        {
            Error("authorisationGround", "Only a supervisor's authorisation has a ground.");
        }

        if (body.GivenOn is not { } givenOn)
            Error("givenOn", "The date the consent was given is required.");
        else if (givenOn > DateOnly.FromDateTime(now).AddDays(1))
            Error("givenOn", "The date the consent was given cannot be in the future.");

        if (body.ParticipateInCaseManagement is null)
            Error("participateInCaseManagement", "Required: granted (true) or refused (false).");
        if (body.CollectAndStore is null)
            Error("collectAndStore", "Required: granted (true) or refused (false).");

        var sharing = body.Sharing ?? [];
        for (var i = 0; i < sharing.Count; i++)
        {
            if (!ConsentCodes.IsSharingCode(sharing[i]))
                Error($"sharing[{i}]", $"Unknown service type '{sharing[i]}': use a consent category code from the taxonomy or '{ServiceTypes.CaseTransferPurpose}'.");
        }

        var organisations = body.Organisations ?? [];
        for (var i = 0; i < organisations.Count; i++)
        {
            if (!ConsentCodes.IsOrganisationCode(organisations[i]))
                Error($"organisations[{i}]", "Not an organisation code.");
        }

        var oneOff = body.OneOff ?? false;
        if (body.ValidUntil is { } until && until.UtcDateTime <= now)
            Error("validUntil", "Must be in the future.");
        else if (!oneOff && body.ValidUntil is null)
            // Seed 001: "clarify with the child and care-giver for how long this consent is valid": no open-ended consent.
            Error("validUntil", "A consent is either one-off (oneOff: true) or valid until a date; give one of them.");

        var withholds = body.Withholds ?? [];
        for (var i = 0; i < withholds.Count; i++)
        {
            var withhold = withholds[i];
            var field = $"withholds[{i}]";
            if (withhold is null)
            {
                Error(field, "Required.");
                continue;
            }
            if (!ReferralItems.IsKnown(withhold.Item))
                Error($"{field}.item", $"'{withhold.Item}' is not an item of the referral; use one of the ReferralItems codes.");
            if (withhold.Organisation is not null && !ConsentCodes.IsOrganisationCode(withhold.Organisation))
                Error($"{field}.organisation", "Not an organisation code (omit it to withhold from every recipient).");
            if (withhold.Reason is null || !ConsentCodes.WithholdReasons.TryGetValue(withhold.Reason, out var reason))
                Error($"{field}.reason", $"Must be one of: {string.Join(", ", ConsentCodes.WithholdReasons.Keys)}.");
            else if (reason == WithholdReason.Other && string.IsNullOrWhiteSpace(withhold.ReasonText))
                Error($"{field}.reasonText", "'Other' needs the reason, please specify.");
            if (withhold.ReasonText is { Length: > MaxReasonText })
                Error($"{field}.reasonText", $"At most {MaxReasonText} characters.");
        }

        if (body.ExpectedVersion is < 1)
            Error("expectedVersion", "Versions start at 1.");

        return errors;
    }

    /// <summary>Builds the next version from a validated body; free text is protected before it is stored.</summary>
    public static async Task<ConsentVersion> ToVersionAsync(
        ConsentBody body, string agency, string caseCode, Guid consentId, int version, string recordedBy, DateTime now,
        IConsentTextProtector protector, CancellationToken cancellationToken)
    {
        var withholds = new List<Withhold>();
        foreach (var withhold in body.Withholds ?? [])
        {
            withholds.Add(new Withhold
            {
                Item = withhold!.Item!,
                Organisation = withhold.Organisation,
                Reason = ConsentCodes.WithholdReasons[withhold.Reason!],
                ProtectedReasonText = string.IsNullOrWhiteSpace(withhold.ReasonText)
                    ? null
                    : await protector.ProtectAsync(agency, caseCode, withhold.ReasonText, cancellationToken),
            });
        }

        return new ConsentVersion
        {
            Id = Guid.CreateVersion7(),
            ConsentId = consentId,
            Version = version,
            AgencyCode = agency,
            CaseCode = caseCode,
            Status = ConsentStatus.Active,
            GivenBy = ConsentCodes.Givers[body.GivenBy!],
            AuthorisationGround = body.AuthorisationGround,
            GivenOn = body.GivenOn!.Value,
            RecordedBy = recordedBy,
            RecordedAt = now,
            ParticipateInCaseManagement = body.ParticipateInCaseManagement!.Value,
            CollectAndStore = body.CollectAndStore!.Value,
            Sharing = [.. (body.Sharing ?? []).Select(s => s!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Organisations = [.. (body.Organisations ?? []).Select(o => o!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            OneOff = body.OneOff ?? false,
            ValidUntil = body.ValidUntil?.UtcDateTime,
            Withholds = withholds,
        };
    }

    public static async Task<ConsentView> ToViewAsync(ConsentVersion version, IConsentTextProtector protector, CancellationToken cancellationToken)
    {
        var withholds = new List<WithholdView>();
        foreach (var withhold in version.Withholds)
        {
            var text = withhold.ProtectedReasonText is null
                ? null
                : await protector.UnprotectAsync(version.AgencyCode, version.CaseCode, withhold.ProtectedReasonText, cancellationToken);
            withholds.Add(new WithholdView(withhold.Item, withhold.Organisation, ConsentCodes.Code(withhold.Reason), text));
        }

        return new ConsentView(
            version.ConsentId, version.Version, version.CaseCode, ConsentCodes.Code(version.Status), ConsentCodes.Code(version.GivenBy),
            version.AuthorisationGround, version.GivenOn, version.RecordedBy, version.RecordedAt, version.ParticipateInCaseManagement,
            version.CollectAndStore, version.Sharing, version.Organisations, version.OneOff, version.ValidUntil, withholds);
    }
}
