using System.Security.Claims;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Release;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Notes;

public sealed record NoteRequest(string? Text);

public sealed record NoteView(Guid Id, string AuthorAgency, string AuthorSide, string? Text, DateTime CreatedAt);

/// <summary>Follow-up messages between the referring caseworker and the accepting provider (text encrypted like the payload).</summary>
public static class NoteEndpoints
{
    public static RouteGroupBuilder MapNotes(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/notes", AddAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Provider)).WithName("AddReferralNote").ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}/notes", ListAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor, Roles.Provider)).WithName("ReferralNotes");
        return group;
    }

    private static async Task<Results<Created<NoteView>, ProblemHttpResult, ValidationProblem>> AddAsync(
        Guid id, NoteRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, ReleaseGate gate, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Text)) return Problems.Invalid("text", "required");
        if (body.Text.Length > 4000) return Problems.Invalid("text", "at most 4000 characters");
        var referral = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        var party = ReleaseGate.PartyOf(referral, user);
        // A note may name the child: the gate lets it flow only while consent stands and a release allows it.
        var (side, refusal) = await gate.NoteSideAsync(referral, party, cancellationToken);
        if (refusal is not null) return Problems.Conflict(refusal);
        if (side is null) return Problems.NotFound("No such referral for this caller.");
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

    /// <summary>The notes the caller may read, oldest first, a page at a time (keyset on time and id).</summary>
    private static async Task<Results<Ok<Page<NoteView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, string? cursor, int? limit, ClaimsPrincipal user, ReferralsDbContext db, ReleaseGate gate, CancellationToken cancellationToken)
    {
        var referral = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (referral is null || ReleaseGate.PartyOf(referral, user) is Party.None) return Problems.NotFound("No such referral for this caller.");
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadTimeKey(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var notes = await gate.NotesAsync(referral, ReleaseGate.PartyOf(referral, user), after, take, cancellationToken);
        return notes is null ? Problems.NotFound("No such referral for this caller.")
            : TypedResults.Ok(Paging.Trim(notes, take, n => Paging.Cursor(n.CreatedAt, n.Id)));
    }
}
