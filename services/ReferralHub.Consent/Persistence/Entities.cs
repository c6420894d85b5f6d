namespace ReferralHub.Consent.Persistence;

/// <summary>
/// One version of a case's consent (seed 000, Consent &amp; Assent form). Never changed once written: an amendment or a
/// withdrawal adds the next version, so the history of what the child or caregiver agreed to is kept as it was.
/// </summary>
public sealed class ConsentVersion
{
    /// <summary>This version's own id: a one-off consent is used up per version (see <see cref="ReleaseUse"/>).</summary>
    public Guid Id { get; set; }

    /// <summary>The consent of the case across all its versions (what <c>ConsentDecision.ConsentId</c> names).</summary>
    public Guid ConsentId { get; set; }

    public int Version { get; set; }

    public string AgencyCode { get; set; } = "";

    public string CaseCode { get; set; } = "";

    public ConsentStatus Status { get; set; }

    public ConsentGiver GivenBy { get; set; }

    /// <summary>Only for <see cref="ConsentGiver.SupervisorAuthorisation"/>: the seed's ground for it.</summary>
    public string? AuthorisationGround { get; set; }

    public DateOnly GivenOn { get; set; }

    /// <summary>Token subject of the caseworker's system (or user) that recorded this version.</summary>
    public string RecordedBy { get; set; } = "";

    public DateTime RecordedAt { get; set; }

    /// <summary>Form part 1.</summary>
    public bool ParticipateInCaseManagement { get; set; }

    /// <summary>Form part 2 (includes sharing non-identifiable aggregate figures).</summary>
    public bool CollectAndStore { get; set; }

    /// <summary>Form part 3: consent category codes granted (ServiceTypes.ConsentCategories) and/or <c>case-transfer</c>. Absent = refused.</summary>
    public List<string> Sharing { get; set; } = [];

    /// <summary>Empty: any recipient; otherwise only these organisation codes.</summary>
    public List<string> Organisations { get; set; } = [];

    public bool OneOff { get; set; }

    public DateTime? ValidUntil { get; set; }

    public List<Withhold> Withholds { get; set; } = [];
}

public enum ConsentStatus { Active, Withdrawn }

public enum ConsentGiver { ChildConsent, ChildAssent, Caregiver, SupervisorAuthorisation }

/// <summary>Form part 3, "Withhold specific information from … What specific information to withhold … Reason".</summary>
public sealed class Withhold
{
    /// <summary>A ReferralItems code.</summary>
    public string Item { get; set; } = "";

    /// <summary>Null: withheld from every recipient.</summary>
    public string? Organisation { get; set; }

    public WithholdReason Reason { get; set; }

    /// <summary>"Other, please specify": protected at rest (may be sensitive narrative).</summary>
    public string? ProtectedReasonText { get; set; }
}

public enum WithholdReason { FearOfHarm, WantsToTellThemselves, Other }

/// <summary>
/// The single release that used up a one-off consent version or a supervisor override. Its key is the permit's source,
/// so a second release can never insert another row: this unique key is what makes consumption atomic.
/// </summary>
public sealed class ReleaseUse
{
    /// <summary><c>consent:{version id}</c> or <c>override:{override id}</c>.</summary>
    public string SourceId { get; set; } = "";

    public string ReleaseReference { get; set; } = "";

    public string RecipientOrganisation { get; set; } = "";

    public string Purpose { get; set; } = "";

    public DateTime UsedAt { get; set; }
}

/// <summary>A supervisor's authorisation to release one referral or transfer without consent (seed 000, form part 4).</summary>
public sealed class ConsentOverride
{
    public Guid Id { get; set; }

    public string AgencyCode { get; set; } = "";

    public string CaseCode { get; set; } = "";

    public string ReleaseReference { get; set; } = "";

    public string Ground { get; set; } = "";

    /// <summary>Protected at rest: free text that may describe the danger the child is in.</summary>
    public string ProtectedJustification { get; set; } = "";

    /// <summary>Token subject of the supervisor.</summary>
    public string Supervisor { get; set; } = "";

    public DateTime AuthorisedAt { get; set; }
}

/// <summary>One decision, appended in the same transaction as what it decided; nothing in the API edits or deletes it.</summary>
public sealed class DecisionRecord
{
    public Guid Id { get; set; }

    public string AgencyCode { get; set; } = "";

    public string CaseCode { get; set; } = "";

    public string RequestedBy { get; set; } = "";

    /// <summary><c>bus</c> or <c>http</c>.</summary>
    public string Channel { get; set; } = "";

    public string Purpose { get; set; } = "";

    public string RecipientOrganisation { get; set; } = "";

    public string ReleaseReference { get; set; } = "";

    public bool Consume { get; set; }

    public bool Permitted { get; set; }

    public string? Reason { get; set; }

    public Guid? ConsentId { get; set; }

    public int? ConsentVersion { get; set; }

    public Guid? OverrideId { get; set; }

    public List<string> WithheldItems { get; set; } = [];

    public DateTime DecidedAt { get; set; }
}
