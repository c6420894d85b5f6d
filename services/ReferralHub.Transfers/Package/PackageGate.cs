using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Query;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Package;

/// <summary>
/// The transfer service's release gate: the one component that answers "which items of this case may this agency read
/// now?" for a transfer, and the only code here that decrypts case data (summary items, reason text, documents and
/// their names; the request and attachment slices only encrypt). Its item rule is the shared
/// <see cref="ReleaseRule"/> the referral service's gate uses too; the parties and moments are the transfer's: only the
/// receiving agency, only once the package was released (capacity confirmed, approval where required, consent
/// confirmed) and while it is released or acknowledged. Table in docs/data-protection.md.
/// </summary>
public sealed class PackageGate(TransfersDbContext db, IPersonalDataProtector<TransfersDbContext> protector)
{
    /// <summary>The transfer and its release when <paramref name="agency"/> may read the package now, else the problem to answer.</summary>
    public async Task<(Transfer? Transfer, TransferRelease? Release, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refusal)> OpenAsync(Guid id, string? agency, CancellationToken cancellationToken)
    {
        var transfer = await TransferQueries.FindForAsync(db, id, agency, cancellationToken);
        if (transfer is null) return (null, null, Problems.NotFound("No such transfer for your agency."));
        if (transfer.ReceivingAgency != agency) return (null, null, Problems.Forbidden("The handover package is for the receiving agency."));
        if (transfer.Status is not (TransferStatuses.Released or TransferStatuses.Acknowledged))
            return (null, null, Problems.Conflict($"The transfer is {transfer.Status}: nothing of the case file is released before capacity is confirmed and consent is confirmed."));
        var release = await db.Releases.AsNoTracking().SingleAsync(r => r.TransferId == id, cancellationToken);
        return (transfer, release, null);
    }

    /// <summary>The released package: the summary items and documents the release gave, withheld items left out.</summary>
    public async Task<HandoverPackage> PackageAsync(Transfer transfer, TransferRelease release, CancellationToken cancellationToken)
    {
        var scope = Scope(transfer);
        var readable = Readable(release);
        var summary = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in await db.TransferItems.AsNoTracking().Where(i => i.TransferId == transfer.Id).ToListAsync(cancellationToken))
        {
            if (!readable.Contains(item.Item)) continue;
            if (await protector.UnprotectAsync(scope, item.ProtectedValue, cancellationToken) is { } value) summary[item.Item] = value;
        }
        var attachments = new List<PackageAttachmentView>();
        foreach (var a in await db.Attachments.AsNoTracking().Where(a => release.AttachmentIds.Contains(a.Id)).ToListAsync(cancellationToken))
        {
            if (!Document(release, a)) continue;
            attachments.Add(new PackageAttachmentView(a.Id, await protector.UnprotectAsync(scope, a.ProtectedFileName, cancellationToken) ?? "", a.Item, a.ContentType, a.Size));
        }
        // The reason text is a narrative about the child: it goes with the reason-for-referral item, never past its withhold.
        var reasonText = transfer.ProtectedReasonText is null || release.WithheldItems.Contains(ReferralItems.ReasonForReferral) ? null
            : await protector.UnprotectAsync(scope, transfer.ProtectedReasonText, cancellationToken);
        return new HandoverPackage(transfer.Id, PreviousCaseCode(transfer, release), transfer.SendingAgency, release.RecipientCaseworkerId, reasonText,
            summary, attachments, release.WithheldItems, release.ReleasedAt);
    }

    /// <summary>One released document's content; null when it is not in the release (or its item is withheld), or its keys were destroyed.</summary>
    public async Task<(TransferAttachment? Attachment, byte[]? Content)> DocumentAsync(Transfer transfer, TransferRelease release, Guid attachmentId, CancellationToken cancellationToken)
    {
        if (!release.AttachmentIds.Contains(attachmentId)) return (null, null);
        var attachment = await db.Attachments.AsNoTracking().SingleAsync(a => a.Id == attachmentId, cancellationToken);
        if (!Document(release, attachment)) return (null, null);
        return (attachment, await protector.UnprotectAsync(Scope(transfer), attachment.ProtectedContent, cancellationToken));
    }

    /// <summary>
    /// The sender's case code as the receiver may know it (its "previous case code", a consent item): null unless the
    /// release gave it. Used for the package and for the receiver's case record, so neither holds it past a withhold.
    /// </summary>
    public static string? PreviousCaseCode(Transfer transfer, TransferRelease release) =>
        release.WithheldItems.Contains(ReferralItems.ChildPreviousCaseCode) ? null : transfer.CaseCode;

    // The release record is the consent in force for a transfer: a withdrawal before acknowledgement cancels the transfer
    // (OpenAsync then refuses); after it the case is the receiver's own.
    private static IReadOnlySet<string> Readable(TransferRelease release) => ReleaseRule.Readable(release.Items, release.WithheldItems, consentWithdrawn: false);

    private static bool Document(TransferRelease release, TransferAttachment attachment) =>
        release.AttachmentIds.Contains(attachment.Id) && !release.WithheldItems.Contains(attachment.Item);

    private static string Scope(Transfer transfer) => ProtectionScopes.Case(transfer.SendingAgency, transfer.CaseCode);
}
