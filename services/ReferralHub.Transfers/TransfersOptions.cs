namespace ReferralHub.Transfers;

/// <summary>Settings under <c>Transfers</c>.</summary>
public sealed class TransfersOptions
{
    /// <summary>Agency codes whose transfers need their own supervisor's approval before consent is checked and anything is released.</summary>
    public List<string> AgenciesRequiringApproval { get; set; } = [];

    /// <summary>Capacity requests unanswered this long are escalated to the area's child protection focal point.</summary>
    public TimeSpan CapacityAnswerWithin { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How often the sweep looks for unanswered capacity requests and transfers waiting for the consent registry.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    public long MaxAttachmentBytes { get; set; } = 5 * 1024 * 1024;

    public int MaxAttachmentsPerTransfer { get; set; } = 20;
}
