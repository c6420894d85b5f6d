using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Gateway.AgencyUsers;

public sealed record InviteAgencyUserRequest(string? Email, string? DisplayName, List<string>? Roles);

public sealed record SetAgencyUserRolesRequest(List<string>? Roles);

/// <summary>Where an account stands: signs in (active), has no password yet (invited, or reset), locked after wrong passwords, or disabled.</summary>
public enum AgencyUserStatus { Active, Invited, Locked, Disabled }

/// <summary>A person of the admin's agency as the admin sees them; never a password or its hash.</summary>
public sealed record AgencyUserView(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Areas,
    AgencyUserStatus Status, DateTime? LockedUntil, DateTime CreatedAt);

/// <summary>
/// The person and their one-time set-password link (invitation or reset), in this one answer only: the admin hands it
/// to the person; it works once, until <c>expiresAt</c>, and a later reset voids it.
/// </summary>
public sealed record AgencyUserSetPasswordLink(AgencyUserView User, string SetPasswordLink, DateTime ExpiresAt);

/// <summary>
/// <c>/api/v1/agency/users</c>: an agency admin lists, invites and manages their own agency's people (the accounts
/// people sign in with at the gateway). The agency is the caller's token's, never a field of the request, so no admin
/// can see or touch another agency's people; the gateway serves this itself in both run modes.
/// </summary>
public static class AgencyUserEndpoints
{
    /// <summary>Where the one-time link points: the gateway's own set-password page (an identity-provider page).</summary>
    public const string SetPasswordPath = "identity/set-password";

    public static IEndpointRouteBuilder MapAgencyUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/agency/users")
            .RequireAuthorization(p => p.RequireRole(Roles.AgencyAdmin).RequireClaim(HubClaims.Agency))
            .WithTags("Agency administration");
        users.MapGet("/", ListAsync).WithName("ListAgencyUsers").WithSummary("The caller's agency's people (no passwords).");
        users.MapGet("/{userId}", GetAsync).WithName("GetAgencyUser");
        users.MapPost("/", InviteAsync).WithName("InviteAgencyUser")
            .WithSummary("A new person of the caller's agency, without a password; the one-time set-password link is in this answer only.");
        users.MapPut("/{userId}/roles", SetRolesAsync).WithName("SetAgencyUserRoles")
            .WithSummary("Replaces the roles an agency admin may give; roles given by the hub's operators stay. The person's session ends.");
        users.MapPost("/{userId}/disable", DisableAsync).WithName("DisableAgencyUser")
            .WithSummary("The person can no longer sign in; their session ends.");
        users.MapPost("/{userId}/enable", EnableAsync).WithName("EnableAgencyUser");
        users.MapPost("/{userId}/reset", ResetAsync).WithName("ResetAgencyUserPassword")
            .WithSummary("Removes the password (sessions end) and answers a new one-time set-password link, in this answer only.");
        return app;
    }

    private static async Task<Results<Ok<Page<AgencyUserView>>, ValidationProblem>> ListAsync(string? cursor, int? limit, ClaimsPrincipal user,
        AgencyPeople people, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (take, after) = Paging.Read(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var members = await people.ListAsync(user.Agency()!, after, take + 1, ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(Paging.Of(members.Select(m => ViewOf(m, now)), v => v.Id, after, take));
    }

    private static async Task<Results<Ok<AgencyUserView>, ProblemHttpResult>> GetAsync(string userId, ClaimsPrincipal user, AgencyPeople people,
        TimeProvider clock, CancellationToken ct) =>
        await people.FindAsync(user.Agency()!, userId, ct) is { } member ? TypedResults.Ok(ViewOf(member, clock.GetUtcNow())) : NotFound();

    private static async Task<Results<Created<AgencyUserSetPasswordLink>, ValidationProblem>> InviteAsync(InviteAgencyUserRequest body,
        ClaimsPrincipal user, AgencyPeople people, IConfiguration configuration, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.DataProtectionTokenProviderOptions> links,
        CancellationToken ct)
    {
        var outcome = await people.InviteAsync(user.Agency()!, PersonId(user), body.Email, body.DisplayName, body.Roles, ct);
        if (outcome.Errors.Count > 0) return Invalid(outcome);
        var link = LinkOf(outcome, configuration, clock, links.Value);
        return TypedResults.Created($"/api/v1/agency/users/{Uri.EscapeDataString(link.User.Id)}", link);
    }

    private static async Task<Results<Ok<AgencyUserView>, ValidationProblem, ProblemHttpResult>> SetRolesAsync(string userId, SetAgencyUserRolesRequest body,
        ClaimsPrincipal user, AgencyPeople people, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await people.SetRolesAsync(user.Agency()!, PersonId(user), userId, body.Roles, ct);
        if (outcome.NotFound) return NotFound();
        if (outcome.Errors.Count > 0) return Invalid(outcome);
        return TypedResults.Ok(ViewOf(outcome.Member!, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<AgencyUserView>, ProblemHttpResult>> DisableAsync(string userId, ClaimsPrincipal user, AgencyPeople people,
        TimeProvider clock, CancellationToken ct)
    {
        var outcome = await people.DisableAsync(user.Agency()!, PersonId(user), userId, ct);
        if (outcome.NotFound) return NotFound();
        if (outcome.Errors.Count > 0) return Problems.Conflict("You cannot disable your own account; another admin of your agency can.", "Own account");
        return TypedResults.Ok(ViewOf(outcome.Member!, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<AgencyUserView>, ProblemHttpResult>> EnableAsync(string userId, ClaimsPrincipal user, AgencyPeople people,
        TimeProvider clock, CancellationToken ct)
    {
        var outcome = await people.EnableAsync(user.Agency()!, PersonId(user), userId, ct);
        if (outcome.NotFound) return NotFound();
        return TypedResults.Ok(ViewOf(outcome.Member!, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<AgencyUserSetPasswordLink>, ProblemHttpResult>> ResetAsync(string userId, ClaimsPrincipal user, AgencyPeople people,
        IConfiguration configuration, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.DataProtectionTokenProviderOptions> links,
        CancellationToken ct)
    {
        var outcome = await people.ResetAsync(user.Agency()!, PersonId(user), userId, ct);
        if (outcome.NotFound) return NotFound();
        return TypedResults.Ok(LinkOf(outcome, configuration, clock, links.Value));
    }

    /// <summary>The status read fresh from the account (a disable or reset just made shows at once).</summary>
    private static AgencyUserView ViewOf(AgencyPeople.Member member, DateTimeOffset now)
    {
        var account = member.User;
        var status = AgencyPeople.IsDisabled(account) ? AgencyUserStatus.Disabled
            : account.LockoutEnd is { } end && end > now ? AgencyUserStatus.Locked
            : account.PasswordHash is null ? AgencyUserStatus.Invited
            : AgencyUserStatus.Active;
        return new AgencyUserView(account.Id, account.Email ?? "", account.DisplayName, member.Roles, member.Areas, status,
            status == AgencyUserStatus.Locked ? account.LockoutEnd!.Value.UtcDateTime : null, DateTime.SpecifyKind(account.CreatedAt, DateTimeKind.Utc));
    }

    /// <summary>
    /// The link is on the gateway's public address (<c>Auth:Issuer</c>, what browsers reach the identity provider at),
    /// not on the address the caller used: the portal calls the gateway on an internal address in distributed mode.
    /// </summary>
    private static AgencyUserSetPasswordLink LinkOf(AgencyPeople.Outcome outcome, IConfiguration configuration, TimeProvider clock,
        Microsoft.AspNetCore.Identity.DataProtectionTokenProviderOptions links)
    {
        var issuer = new Uri(configuration["Auth:Issuer"] ?? new HubAuthOptions().Issuer);
        var address = new Uri(issuer, SetPasswordPath) + $"?user={Uri.EscapeDataString(outcome.Member!.User.Id)}&token={Uri.EscapeDataString(outcome.SetPasswordToken!)}";
        var now = clock.GetUtcNow();
        return new AgencyUserSetPasswordLink(ViewOf(outcome.Member, now), address, (now + links.TokenLifespan).UtcDateTime);
    }

    private static ValidationProblem Invalid(AgencyPeople.Outcome outcome) =>
        Problems.Invalid(outcome.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }));

    /// <summary>The calling admin's account id: a person's token names them <c>portal:{id}</c> (PortalClient.Subject).</summary>
    private static string PersonId(ClaimsPrincipal user)
    {
        var subject = user.ClientOrUserId() ?? "";
        var prefix = PortalClient.Subject("");
        return subject.StartsWith(prefix, StringComparison.Ordinal) ? subject[prefix.Length..] : subject;
    }

    private static ProblemHttpResult NotFound() => Problems.NotFound("No such person in your agency.");
}
