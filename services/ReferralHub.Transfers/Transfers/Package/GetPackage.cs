using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Transfers.Capacity;
using ReferralHub.Transfers.Transfers.Query;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Transfers.Package;

public sealed record PackageAttachmentView(Guid Id, string FileName, string Item, string ContentType, long Size);

/// <summary>
/// The handover package as released: the consented summary items and documents, withheld items removed.
/// <see cref="CaseCode"/> (the sender's, the receiver's "previous case code") is null when the consent withholds
/// <c>child.previousCaseCode</c> from the receiver; <see cref="ReasonText"/> (narrative about why the case moves) is
/// null when it withholds <c>reasonForReferral</c>.
/// </summary>
public sealed record HandoverPackage(
    Guid TransferId,
    string? CaseCode,
    string SendingAgency,
    string ReceivingCaseworkerId,
    string? ReasonText,
    IReadOnlyDictionary<string, string> Summary,
    IReadOnlyList<PackageAttachmentView> Attachments,
    IReadOnlyList<string> WithheldItems,
    DateTime ReleasedAt);

public sealed record ReleaseView(Guid Id, string RecipientAgency, string RecipientCaseworkerId, IReadOnlyList<string> Items, IReadOnlyList<Guid> AttachmentIds,
    IReadOnlyList<string> WithheldItems, Guid? ConsentId, int? ConsentVersion, Guid? OverrideId, Guid DecisionId, DateTime ReleasedAt);

/// <summary>
/// GET /api/v1/transfers/{id}/package and …/package/attachments/{attachmentId}: for the receiving agency, and only once
/// the package was released (capacity confirmed, approval where required, consent confirmed) and not cancelled.
/// GET …/releases: the sending agency's record of what was released to whom, when and under which consent.
/// </summary>
internal static class GetPackage
{
    public static void Map(RouteGroupBuilder transfers)
    {
        transfers.MapGet("/{id:guid}/package", PackageAsync).RequireAuthorization(p => p.RequireRole(AnswerCapacity.ReceiverRoles));
        transfers.MapGet("/{id:guid}/package/attachments/{attachmentId:guid}", AttachmentAsync)
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf", "image/png", "image/jpeg", "text/plain").ProducesProblem(StatusCodes.Status410Gone).RequireAuthorization(p => p.RequireRole(AnswerCapacity.ReceiverRoles));
        transfers.MapGet("/{id:guid}/releases", ReleasesAsync).RequireAuthorization(p => p.RequireRole(TransferQueries.AgencyRoles));
    }

    private static async Task<(Transfer?, TransferRelease?, ProblemHttpResult?)> ReleasedAsync(Guid id, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var transfer = await TransferQueries.FindForAsync(db, id, agency, cancellationToken);
        if (transfer is null) return (null, null, Problems.NotFound("No such transfer for your agency."));
        if (transfer.ReceivingAgency != agency) return (null, null, Problems.Forbidden("The handover package is for the receiving agency."));
        if (transfer.Status is not (TransferStatuses.Released or TransferStatuses.Acknowledged))
            return (null, null, Problems.Conflict($"The transfer is {transfer.Status}: nothing of the case file is released before capacity is confirmed and consent is confirmed."));
        var release = await db.Releases.AsNoTracking().SingleAsync(r => r.TransferId == id, cancellationToken);
        return (transfer, release, null);
    }

    private static async Task<Results<Ok<HandoverPackage>, ProblemHttpResult>> PackageAsync(
        Guid id, ClaimsPrincipal user, TransfersDbContext db, IPersonalDataProtector<TransfersDbContext> protector, CancellationToken cancellationToken)
    {
        var (transfer, release, problem) = await ReleasedAsync(id, user, db, cancellationToken);
        if (problem is not null) return problem;
        var scope = ProtectionScopes.Case(transfer!.SendingAgency, transfer.CaseCode);
        var summary = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in await db.TransferItems.AsNoTracking().Where(i => i.TransferId == id).ToListAsync(cancellationToken))
        {
            if (!release!.Items.Contains(item.Item)) continue;
            if (await protector.UnprotectAsync(scope, item.ProtectedValue, cancellationToken) is { } value) summary[item.Item] = value;
        }
        var attachments = new List<PackageAttachmentView>();
        foreach (var a in await db.Attachments.AsNoTracking().Where(a => release!.AttachmentIds.Contains(a.Id)).ToListAsync(cancellationToken))
            attachments.Add(new PackageAttachmentView(a.Id, await protector.UnprotectAsync(scope, a.ProtectedFileName, cancellationToken) ?? "", a.Item, a.ContentType, a.Size));
        var withheld = release!.WithheldItems.ToHashSet(StringComparer.Ordinal);
        var reasonText = transfer.ProtectedReasonText is null || withheld.Contains(ReferralItems.ReasonForReferral) ? null
            : await protector.UnprotectAsync(scope, transfer.ProtectedReasonText, cancellationToken);
        var previousCaseCode = withheld.Contains(ReferralItems.ChildPreviousCaseCode) ? null : transfer.CaseCode;
        return TypedResults.Ok(new HandoverPackage(transfer.Id, previousCaseCode, transfer.SendingAgency, release!.RecipientCaseworkerId, reasonText,
            summary, attachments, release.WithheldItems, release.ReleasedAt));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AttachmentAsync(
        Guid id, Guid attachmentId, ClaimsPrincipal user, TransfersDbContext db, IPersonalDataProtector<TransfersDbContext> protector, CancellationToken cancellationToken)
    {
        var (transfer, release, problem) = await ReleasedAsync(id, user, db, cancellationToken);
        if (problem is not null) return problem;
        if (!release!.AttachmentIds.Contains(attachmentId)) return Problems.NotFound("No such document in the released package.");
        var attachment = await db.Attachments.AsNoTracking().SingleAsync(a => a.Id == attachmentId, cancellationToken);
        var content = await protector.UnprotectAsync(ProtectionScopes.Case(transfer!.SendingAgency, transfer.CaseCode), attachment.ProtectedContent, cancellationToken);
        return content is null
            ? Problems.Gone("The document was destroyed.")
            : TypedResults.File(content, attachment.ContentType);
    }

    private static async Task<Results<Ok<List<ReleaseView>>, ProblemHttpResult>> ReleasesAsync(Guid id, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var transfer = await TransferQueries.FindForAsync(db, id, user.Agency(), cancellationToken);
        if (transfer is null) return Problems.NotFound("No such transfer for your agency.");
        var rows = await db.Releases.AsNoTracking().Where(r => r.TransferId == id).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => new ReleaseView(r.Id, r.RecipientAgency, r.RecipientCaseworkerId, r.Items, r.AttachmentIds, r.WithheldItems,
            r.ConsentId, r.ConsentVersion, r.OverrideId, r.DecisionId, r.ReleasedAt)).ToList());
    }
}
