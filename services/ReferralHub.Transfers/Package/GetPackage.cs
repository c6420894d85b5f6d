using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Capacity;
using ReferralHub.Transfers.Query;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Package;

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
        transfers.MapGet("/{id:guid}/package", PackageAsync).WithName("GetTransferPackage").RequireAuthorization(p => p.RequireRole(AnswerCapacity.ReceiverRoles));
        transfers.MapGet("/{id:guid}/package/attachments/{attachmentId:guid}", AttachmentAsync).WithName("GetTransferAttachment")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf", "image/png", "image/jpeg", "text/plain").ProducesProblem(StatusCodes.Status410Gone).RequireAuthorization(p => p.RequireRole(AnswerCapacity.ReceiverRoles));
        transfers.MapGet("/{id:guid}/releases", ReleasesAsync).WithName("TransferReleases").RequireAuthorization(p => p.RequireRole(TransferQueries.AgencyRoles));
    }

    // Who may read the package when, and what of it, is the gate's (PackageGate): these endpoints only answer.
    private static async Task<Results<Ok<HandoverPackage>, ProblemHttpResult>> PackageAsync(Guid id, ClaimsPrincipal user, PackageGate gate, CancellationToken cancellationToken)
    {
        var (transfer, release, refusal) = await gate.OpenAsync(id, user.Agency(), cancellationToken);
        if (refusal is not null) return refusal;
        return TypedResults.Ok(await gate.PackageAsync(transfer!, release!, cancellationToken));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AttachmentAsync(Guid id, Guid attachmentId, ClaimsPrincipal user, PackageGate gate, CancellationToken cancellationToken)
    {
        var (transfer, release, refusal) = await gate.OpenAsync(id, user.Agency(), cancellationToken);
        if (refusal is not null) return refusal;
        var (attachment, content) = await gate.DocumentAsync(transfer!, release!, attachmentId, cancellationToken);
        if (attachment is null) return Problems.NotFound("No such document in the released package.");
        return content is null
            ? Problems.Gone("The document was destroyed.")
            : TypedResults.File(content, attachment.ContentType);
    }

    /// <summary>The releases in the order they were made, a page at a time (keyset on release time and id).</summary>
    private static async Task<Results<Ok<Page<ReleaseView>>, ValidationProblem, ProblemHttpResult>> ReleasesAsync(
        Guid id, string? cursor, int? limit, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var transfer = await TransferQueries.FindForAsync(db, id, user.Agency(), cancellationToken);
        if (transfer is null) return Problems.NotFound("No such transfer for your agency.");
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadTimeKey(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var query = db.Releases.AsNoTracking().Where(r => r.TransferId == id);
        if (after is { } a) query = query.Where(r => r.ReleasedAt > a.At || (r.ReleasedAt == a.At && r.Id.CompareTo(a.Id) > 0));
        var rows = await query.OrderBy(r => r.ReleasedAt).ThenBy(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Trim(rows, take, r => Paging.Cursor(r.ReleasedAt, r.Id)).Map(r => new ReleaseView(r.Id, r.RecipientAgency,
            r.RecipientCaseworkerId, r.Items, r.AttachmentIds, r.WithheldItems, r.ConsentId, r.ConsentVersion, r.OverrideId, r.DecisionId, r.ReleasedAt)));
    }
}
