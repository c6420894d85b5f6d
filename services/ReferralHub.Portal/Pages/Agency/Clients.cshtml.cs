using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The agency's API clients (its systems' client-credentials logins): create one, or give one a new secret. The
/// gateway does the work and checks every call (agency-admin, the admin's own agency, allowed roles); a secret is in
/// its answer only, and this page shows it once and never stores it. Every post redirects to the page (a reload
/// sends nothing): a refused form comes back with what was typed, the secret through <see cref="ShownOnce"/>.
/// </summary>
public sealed class ClientsModel(AgencyClientsApi clients, IStringLocalizer<PortalText> text) : PageModel
{
    /// <summary>What the gateway lets an agency give its own systems (it refuses anything else).</summary>
    public static IReadOnlyList<string> AssignableRoles { get; } = [Roles.Referrer, Roles.Provider, Roles.Supervisor];

    private const string ShownKey = "client-secret-shown";

    /// <summary>A client id another client has: its own key, so the field shows "taken", not the format rule.</summary>
    public const string TakenField = "clientIdTaken";

    public string Agency { get; private set; } = "";

    public IReadOnlyList<AgencyClientView> Clients { get; private set; } = [];

    public SecretShown? Secret { get; private set; }

    public string? Error { get; private set; }

    public FormFailure? Failure { get; private set; }

    public string NewClientId => Failure?.Value("clientId") ?? Agency + "-";

    public string? NewDisplayName => Failure?.Value("displayName");

    public bool RoleChosen(string role) => Failure?.Chosen("roles", role) == true;

    public string? FieldError(string field) => Failure?.Beside(text, "Clients", field);

    /// <summary>The secret the gateway answered, for the one view after the redirect.</summary>
    public sealed record SecretShown(string ClientId, string ClientSecret, bool Rotated);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Failure = FormFailure.Take(TempData);
        Secret = ShownOnce.Take<SecretShown>(this, ShownKey);
        if (Secret is not null) SetPasswordLink.NoStore(Response);
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? clientId, string? displayName, List<string>? roles, CancellationToken ct)
    {
        var result = await clients.CreateAsync(clientId ?? "", displayName ?? "", roles ?? [], ct);
        if (result.Ok) return Shown(result.Value!, rotated: false);
        var errors = result.Conflict
            ? new Dictionary<string, string[]> { [TakenField] = [text["Clients.IdTaken"]] }
            : result.Errors;
        return FormFailure.RedirectBack(this, result.Title ?? text["Clients.Failed"], errors);
    }

    public async Task<IActionResult> OnPostRotateAsync(string? clientId, CancellationToken ct)
    {
        var result = await clients.RotateSecretAsync(clientId ?? "", ct);
        if (result.Ok) return Shown(result.Value!, rotated: true);
        var title = result.Status == System.Net.HttpStatusCode.NotFound ? text["Clients.NotFound"]
            : result.Conflict ? text["Clients.RotateConfigured"] : text["Clients.Failed"];
        return FormFailure.RedirectBack(this, title, new Dictionary<string, string[]>(), keepValues: false);
    }

    private RedirectToPageResult Shown(AgencyClientSecretView secret, bool rotated)
    {
        ShownOnce.Put(this, ShownKey, new SecretShown(secret.ClientId, secret.ClientSecret, rotated));
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Agency = User.Agency()!;
        var list = await clients.ListAsync(ct);
        Clients = list.Value ?? [];
        if (!list.Ok) Error = text["Clients.Failed"];
    }
}
