using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Query;

namespace ReferralHub.Transfers.Attachments;

public sealed record AttachmentView(Guid Id, string Item, string ContentType, long Size, DateTime UploadedAt);

/// <summary>
/// POST /api/v1/transfers/{id}/attachments?fileName=…&amp;item=… (role referrer of the sending agency), the document
/// as the raw request body with its Content-Type. Before release only; size-limited; the declared type must be on the
/// allow-list and match the file's first bytes. Name and content are stored encrypted under the case's key.
/// </summary>
internal static class AddAttachment
{
    private static readonly Dictionary<string, Func<byte[], bool>> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/pdf"] = b => StartsWith(b, "%PDF-"u8),
        ["image/png"] = b => StartsWith(b, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ["image/jpeg"] = b => StartsWith(b, [0xFF, 0xD8, 0xFF]),
        ["text/plain"] = IsUtf8Text,
    };

    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapPost("/{id:guid}/attachments", HandleAsync).WithName("AddTransferAttachment").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Referrer))
            .WithBodyLimit(services => services.GetRequiredService<IOptions<TransfersOptions>>().Value.MaxAttachmentBytes);

    private static async Task<Results<Created<AttachmentView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, string? fileName, string? item, HttpRequest request, ClaimsPrincipal user, TransfersDbContext db,
        IPersonalDataProtector<TransfersDbContext> protector, IOptions<TransfersOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var transfer = await TransferQueries.FindForAsync(db, id, agency, cancellationToken);
        if (transfer is null) return Problems.NotFound("No such transfer for your agency.");
        if (transfer.SendingAgency != agency) return Problems.Forbidden("Only the sending agency adds documents to the case file it hands over.");
        if (transfer.Status is not (TransferStatuses.CapacityRequested or TransferStatuses.AwaitingApproval or TransferStatuses.AwaitingConsent))
            return Problems.Conflict($"The transfer is {transfer.Status}; documents can be added only before the handover package is released.");

        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(fileName) || fileName.Length > 200) errors.Add("fileName", "The document's file name (up to 200 characters) is required.");
        var itemCode = item ?? ReferralItems.CaseHistory;
        if (!ReferralItems.IsKnown(itemCode)) errors.Add("item", "The ReferralItems code the document belongs to (default caseHistory).");
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !Allowed.ContainsKey(contentType))
            errors.Add("Content-Type", $"One of {string.Join(", ", Allowed.Keys)}.");
        var max = options.Value.MaxAttachmentBytes;
        if (request.ContentLength > max) return Problems.TooLarge(max);
        if (errors.Any) return Problems.Invalid(errors);

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max) return Problems.TooLarge(max);
        }
        var content = buffer.ToArray();
        if (content.Length == 0) return Problems.Invalid("body", "The document is empty.");
        if (!Allowed[contentType!](content)) return Problems.Invalid("Content-Type", $"The file's content is not {contentType}.");
        if (await db.Attachments.CountAsync(a => a.TransferId == id, cancellationToken) >= options.Value.MaxAttachmentsPerTransfer)
            return Problems.Conflict($"At most {options.Value.MaxAttachmentsPerTransfer} documents per transfer.");

        var scope = ProtectionScopes.Case(transfer.SendingAgency, transfer.CaseCode);
        var attachment = new TransferAttachment
        {
            Id = Guid.CreateVersion7(),
            TransferId = id,
            Item = itemCode,
            ProtectedFileName = await protector.ProtectAsync(scope, fileName!, cancellationToken),
            ContentType = contentType!.ToLowerInvariant(),
            Size = content.Length,
            ProtectedContent = await protector.ProtectAsync(scope, content, cancellationToken),
            UploadedBy = user.ClientOrUserId(),
            UploadedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/transfers/{id}/attachments/{attachment.Id}",
            new AttachmentView(attachment.Id, attachment.Item, attachment.ContentType, attachment.Size, attachment.UploadedAt));
    }

    private static bool StartsWith(byte[] content, ReadOnlySpan<byte> magic) => content.AsSpan().StartsWith(magic);

    private static bool IsUtf8Text(byte[] content)
    {
        if (content.AsSpan().IndexOf((byte)0) >= 0) return false;
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
