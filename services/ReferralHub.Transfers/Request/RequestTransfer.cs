using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Handover;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Query;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Request;

/// <summary>The non-personal summary the receiving agency sees to decide on capacity (seed 000: "without sharing the case personal information").</summary>
public sealed record CapacitySummaryBody(string? AgeBand, string? Sex, List<string?>? ProtectionConcerns, string? RiskLevel, List<string?>? Languages);

/// <summary>POST /api/v1/transfers body. <c>Summary</c> maps ReferralItems codes (child.name, caseHistory…) to text; every entry optional.</summary>
public sealed record TransferRequestBody(
    string? CaseCode,
    string? Reason,
    string? ReasonText,
    string? ReceivingAgency,
    string? AreaCode,
    string? Urgency,
    CapacitySummaryBody? Capacity,
    Dictionary<string, string?>? Summary);

/// <summary>POST /api/v1/transfers (role referrer): asks a case management agency whether it has capacity for the case.</summary>
internal static class RequestTransfer
{
    private const int MaxText = 4000;

    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapPost("/", HandleAsync).WithName("RequestTransfer").TakesIdempotencyKey(required: false, maxLength: 100).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Referrer));

    private static async Task<Results<Created<TransferView>, Ok<TransferView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        TransferRequestBody body, HttpRequest request, ClaimsPrincipal user, TransfersDbContext db, TimeProvider clock,
        IPersonalDataProtector<TransfersDbContext> protector, IRequestClient<ResolvePathway> pathways,
        IOptions<TransfersOptions> options, ILogger<TransferRequestBody> logger, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } subject)
            return Problems.Forbidden("The token names no agency.");

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 100) return Problems.Invalid("Idempotency-Key", "At most 100 characters.");
        if (idempotencyKey.Length > 0
            && await db.Transfers.AsNoTracking().FirstOrDefaultAsync(t => t.SendingAgency == agency && t.IdempotencyKey == idempotencyKey, cancellationToken) is { } earlier)
            return TypedResults.Ok(TransferViews.ToView(earlier, agency));

        var errors = Validate(body, agency);
        if (errors.Any) return Problems.Invalid(errors);

        // The receiver must be a case management agency on the area's pathway (the directory decides).
        var resolved = (await pathways.GetResponse<PathwayResolved>(
            new ResolvePathway(body.AreaCode, ServiceTypes.CaseManagement), cancellationToken)).Message;
        if (!resolved.AreaKnown) return Problems.Invalid("areaCode", $"Unknown area '{body.AreaCode}'.");
        var receivers = resolved.Services.Select(s => s.OrganisationCode).Where(o => o != agency).Distinct().ToList();
        string receivingAgency;
        if (body.ReceivingAgency is { Length: > 0 } named)
        {
            if (!receivers.Contains(named, StringComparer.Ordinal))
                return Problems.Invalid("receivingAgency", $"'{named}' is not a case management agency accepting cases in area '{body.AreaCode}'.");
            receivingAgency = named;
        }
        else if (receivers.Count > 0)
        {
            receivingAgency = receivers[0]; // pathway order: the first case management agency that is not the sender
        }
        else
        {
            return Problems.Invalid("areaCode", $"No other case management agency accepts cases in area '{body.AreaCode}'; name the receivingAgency.");
        }

        var caseCode = body.CaseCode!;
        if (await db.Cases.AnyAsync(c => c.Agency == agency && c.CaseCode == caseCode && c.Status == CaseRecord.ClosedTransferred, cancellationToken))
            return Problems.Conflict($"Case '{caseCode}' was already transferred; your agency no longer manages it.");
        if (await db.Transfers.AnyAsync(t => t.OpenCaseKey == Transfer.OpenKey(agency, caseCode), cancellationToken))
            return Problems.Conflict($"Case '{caseCode}' already has an open transfer; withdraw it first.");

        var now = clock.GetUtcNow().UtcDateTime;
        var scope = ProtectionScopes.Case(agency, caseCode);
        var transfer = new Transfer
        {
            Id = Guid.CreateVersion7(),
            SendingAgency = agency,
            CaseCode = caseCode,
            RequestedBy = subject,
            IdempotencyKey = idempotencyKey.Length > 0 ? idempotencyKey : null,
            Reason = body.Reason!,
            ProtectedReasonText = string.IsNullOrWhiteSpace(body.ReasonText) ? null : await protector.ProtectAsync(scope, body.ReasonText, cancellationToken),
            ReceivingAgency = receivingAgency,
            AreaCode = body.AreaCode!,
            Urgency = body.Urgency!,
            AgeBand = body.Capacity!.AgeBand!,
            Sex = body.Capacity.Sex!,
            ProtectionConcerns = [.. (body.Capacity.ProtectionConcerns ?? []).Select(c => c!).Distinct()],
            RiskLevel = body.Capacity.RiskLevel!,
            Languages = [.. (body.Capacity.Languages ?? []).Select(l => l!).Distinct()],
            Status = TransferStatuses.CapacityRequested,
            OpenCaseKey = Transfer.OpenKey(agency, caseCode),
            ApprovalRequired = options.Value.AgenciesRequiringApproval.Contains(agency, StringComparer.Ordinal),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        foreach (var (item, value) in body.Summary ?? [])
        {
            if (string.IsNullOrEmpty(value)) continue;
            transfer.Items.Add(new TransferItem { Id = Guid.CreateVersion7(), TransferId = transfer.Id, Item = item, ProtectedValue = await protector.ProtectAsync(scope, value, cancellationToken) });
        }
        db.Transfers.Add(transfer);
        TransferSteps.RecordChange(db, transfer, TransferStatuses.CapacityRequested, null, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race: the same Idempotency-Key or a second open transfer of the case committed first.
            db.ChangeTracker.Clear();
            if (idempotencyKey.Length > 0
                && await db.Transfers.AsNoTracking().FirstOrDefaultAsync(t => t.SendingAgency == agency && t.IdempotencyKey == idempotencyKey, cancellationToken) is { } winner)
            {
                logger.LogInformation("Transfer request by {Agency} lost an Idempotency-Key race to {TransferId}; answered as a replay", agency, winner.Id);
                return TypedResults.Ok(TransferViews.ToView(winner, agency));
            }
            return Problems.Conflict($"Case '{caseCode}' already has an open transfer; withdraw it first.");
        }

        logger.LogInformation("Transfer {TransferId} requested by agency {Agency} to agency {Receiver}", transfer.Id, agency, receivingAgency);
        return TypedResults.Created($"/api/v1/transfers/{transfer.Id}", TransferViews.ToView(transfer, agency));
    }

    private static FieldErrors Validate(TransferRequestBody body, string agency)
    {
        var errors = new FieldErrors();
        if (!TransferCodes.IsCode(body.CaseCode))
            errors.Add("caseCode", "A case code (letters, digits, '.', '_' or '-', up to 64 characters) that does not identify the child is required.");
        if (body.Reason is null || !TransferCodes.Reasons.Contains(body.Reason))
            errors.Add("reason", $"Good cause is required (seed 001): one of {string.Join(", ", TransferCodes.Reasons)}.");
        else if (body.Reason == "other" && string.IsNullOrWhiteSpace(body.ReasonText))
            errors.Add("reasonText", "'other' needs the reason, please specify.");
        if (body.ReasonText is { Length: > MaxText }) errors.Add("reasonText", $"At most {MaxText} characters.");
        if (body.ReceivingAgency is not null && !TransferCodes.IsCode(body.ReceivingAgency))
            errors.Add("receivingAgency", "Not an agency code.");
        else if (body.ReceivingAgency == agency)
            errors.Add("receivingAgency", "A case cannot be transferred to your own agency.");
        if (!TransferCodes.IsCode(body.AreaCode)) errors.Add("areaCode", "The area code of where the child lives is required.");
        if (body.Urgency is null || !TransferCodes.Urgencies.Contains(body.Urgency))
            errors.Add("urgency", $"One of {string.Join(", ", TransferCodes.Urgencies)}.");

        if (body.Capacity is not { } capacity)
        {
            errors.Add("capacity", "The non-personal capacity summary (ageBand, sex, protectionConcerns, riskLevel, languages) is required.");
        }
        else
        {
            if (capacity.AgeBand is null || !AgeBands.All.Contains(capacity.AgeBand))
                errors.Add("capacity.ageBand", $"One of {string.Join(", ", AgeBands.All)}.");
            if (capacity.Sex is null || !TransferCodes.Sexes.Contains(capacity.Sex))
                errors.Add("capacity.sex", $"One of {string.Join(", ", TransferCodes.Sexes)}.");
            if (capacity.RiskLevel is null || !TransferCodes.RiskLevels.Contains(capacity.RiskLevel))
                errors.Add("capacity.riskLevel", $"One of {string.Join(", ", TransferCodes.RiskLevels)}.");
            var concerns = capacity.ProtectionConcerns ?? [];
            for (var i = 0; i < concerns.Count; i++)
                if (!TransferCodes.IsCode(concerns[i])) errors.Add($"capacity.protectionConcerns[{i}]", "A protection concern code.");
            var languages = capacity.Languages ?? [];
            for (var i = 0; i < languages.Count; i++)
                if (!TransferCodes.IsCode(languages[i])) errors.Add($"capacity.languages[{i}]", "A language code.");
            if (concerns.Count > 30) errors.Add("capacity.protectionConcerns", "At most 30.");
            if (languages.Count > 20) errors.Add("capacity.languages", "At most 20.");
        }

        foreach (var (item, value) in body.Summary ?? [])
        {
            if (!ReferralItems.IsKnown(item))
                errors.Add($"summary.{item}", $"'{item}' is not an item of the case file; use one of the ReferralItems codes.");
            else if (value is { Length: > MaxText })
                errors.Add($"summary.{item}", $"At most {MaxText} characters.");
        }
        return errors;
    }
}
