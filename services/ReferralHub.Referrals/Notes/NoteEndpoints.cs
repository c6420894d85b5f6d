using System.Security.Claims;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Web;

namespace ReferralHub.Referrals.Notes;

public sealed record NoteRequest(string? Text);

public sealed record NoteView(Guid Id, string AuthorAgency, string AuthorSide, string? Text, DateTime CreatedAt);

/// <summary>Follow-up messages between the referring caseworker and the accepting provider (text encrypted like the payload).</summary>
public static class NoteEndpoints
{
    public static RouteGroupBuilder MapNotes(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/notes", AddAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Provider)).WithName("AddReferralNote");
        group.MapGet("/{id:guid}/notes", ListAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor, Roles.Provider)).WithName("ReferralNotes");
        return group;
    }

    /// <summary>The caller's side of the referral, or null when it is not a party (answered 404).</summary>
    private static string? Side(Referral r, ClaimsPrincipal user)
    {
        var agency = user.Agency();
        var roles = user.HubRoles();
        if (r.AgencyCode == agency && (roles.Contains(Roles.Referrer) || roles.Contains(Roles.Supervisor))) return "referrer";
        // A note may name the child: the provider joins the conversation only once consent allowed a release (accepted).
        if (r.OrganisationCode == agency && roles.Contains(Roles.Provider)
            && r.Status is ReferralStatuses.Accepted or ReferralStatuses.InService or ReferralStatuses.Completed) return "provider";
        return null;
    }

    private static async Task<Results<Created<NoteView>, ProblemHttpResult, ValidationProblem>> AddAsync(
        Guid id, NoteRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Text)) return Problems.Invalid("text", "required");
        if (body.Text.Length > 4000) return Problems.Invalid("text", "at most 4000 characters");
        var referral = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        var side = referral is null ? null : Side(referral, user);
        if (referral is null || side is null) return Problems.NotFound();
        var note = new ReferralNote
        {
            Id = NewId.NextGuid(),
            ReferralId = id,
            AuthorAgency = user.Agency()!,
            AuthorSide = side,
            TextProtected = await vault.ProtectTextAsync(ReferralVault.Scope(referral), body.Text, cancellationToken),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Notes.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/referrals/{id}/notes", new NoteView(note.Id, note.AuthorAgency, side, body.Text, note.CreatedAt));
    }

    private static async Task<Results<Ok<IReadOnlyList<NoteView>>, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, CancellationToken cancellationToken)
    {
        var referral = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (referral is null || Side(referral, user) is null) return Problems.NotFound();
        var notes = await db.Notes.AsNoTracking().Where(n => n.ReferralId == id).OrderBy(n => n.CreatedAt).ToListAsync(cancellationToken);
        var views = new List<NoteView>(notes.Count);
        foreach (var n in notes)
            views.Add(new NoteView(n.Id, n.AuthorAgency, n.AuthorSide, await vault.UnprotectTextAsync(ReferralVault.Scope(referral), n.TextProtected, cancellationToken), n.CreatedAt));
        return TypedResults.Ok<IReadOnlyList<NoteView>>(views);
    }
}
