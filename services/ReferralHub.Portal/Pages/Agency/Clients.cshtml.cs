using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The agency's API clients (its systems' client-credentials logins): create one, or give one a new secret. The
/// gateway does the work and checks every call (agency-admin, the admin's own agency, allowed roles); a secret is in
/// its answer only, and this page shows it once and never stores it.
/// </summary>
public sealed class ClientsModel(AgencyClientsApi clients, IStringLocalizer<PortalText> text) : PageModel
{
    /// <summary>What the gateway lets an agency give its own systems (it refuses anything else).</summary>
    public static IReadOnlyList<string> AssignableRoles { get; } = [Roles.Referrer, Roles.Provider, Roles.Supervisor];

    public string Agency { get; private set; } = "";

    public IReadOnlyList<AgencyClientView> Clients { get; private set; } = [];

    public AgencyClientSecretView? Secret { get; private set; }

    public bool Rotated { get; private set; }

    public string? Error { get; private set; }

    public string NewClientId { get; private set; } = "";

    public string? NewDisplayName { get; private set; }

    public IReadOnlyList<string> NewRoles { get; private set; } = [];

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public string? FieldError(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? clientId, string? displayName, List<string>? roles, CancellationToken ct)
    {
        var result = await clients.CreateAsync(clientId ?? "", displayName ?? "", roles ?? [], ct);
        if (result.Ok)
        {
            Secret = result.Value;
            SetPasswordLink.NoStore(Response);
        }
        else
        {
            (NewClientId, NewDisplayName, NewRoles) = (clientId ?? "", displayName, roles ?? []);
            ShowProblem(result.Status, result.Title, result.Errors);
        }
        await LoadAsync(ct, keepForm: !result.Ok);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(string? clientId, CancellationToken ct)
    {
        var result = await clients.RotateSecretAsync(clientId ?? "", ct);
        if (result.Ok)
        {
            (Secret, Rotated) = (result.Value, true);
            SetPasswordLink.NoStore(Response);
        }
        else
        {
            ShowProblem(result.Status, result.Title, result.Errors);
        }
        await LoadAsync(ct);
        return Page();
    }

    private void ShowProblem(System.Net.HttpStatusCode status, string? title, IReadOnlyDictionary<string, string[]> errors)
    {
        Error = errors.Count > 0 ? text["Form.Fix"] : title ?? text["Clients.Failed"];
        _errors = errors;
        Response.StatusCode = (int)status;
    }

    private async Task LoadAsync(CancellationToken ct, bool keepForm = false)
    {
        Agency = User.Agency()!;
        if (!keepForm) NewClientId = Agency + "-";
        var list = await clients.ListAsync(ct);
        Clients = list.Value ?? [];
        if (!list.Ok) Error ??= text["Clients.Failed"];
    }
}
