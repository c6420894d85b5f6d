using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The agency's webhooks: the URL every status change of its referrals is POSTed to, signed with a secret (shown once
/// at registration). Referral routing owns them and checks every call (agency-admin of the same agency).
/// </summary>
public sealed class WebhooksModel(WebhooksApi webhooks, IStringLocalizer<PortalText> text) : PageModel
{
    public IReadOnlyList<WebhookView> Hooks { get; private set; } = [];

    public WebhookRegisteredView? Registered { get; private set; }

    public string? NewUrl { get; private set; }

    /// <summary>
    /// The secret the admin typed, kept in the box after a refusal. This page answers in place rather than by
    /// redirect (as after success, when it shows the secret once): a signing secret never travels in a cookie.
    /// </summary>
    public string? NewSecret { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public string? FieldError(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task OnGetAsync(bool deleted, CancellationToken ct)
    {
        if (deleted) Message = text["Webhooks.Deleted"];
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostRegisterAsync(string? url, string? secret, CancellationToken ct)
    {
        var result = await webhooks.RegisterAsync(url, secret, ct);
        if (result.Ok)
        {
            Registered = result.Value;
            SetPasswordLink.NoStore(Response);
        }
        else
        {
            NewUrl = url;
            NewSecret = secret;
            SetPasswordLink.NoStore(Response);
            Error = result.Errors.Count > 0 ? text["Form.Fix"] : result.Title ?? text["Clients.Failed"];
            _errors = result.Errors;
            Response.StatusCode = (int)result.Status;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        if (await webhooks.DeleteAsync(id, ct)) return RedirectToPage(new { deleted = true });
        Response.StatusCode = StatusCodes.Status404NotFound;
        Error = text["Webhooks.NotFound"];
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = await webhooks.ListAsync(ct);
        // Active ones first (the service lists them in no set order).
        Hooks = [.. (list.Value ?? []).OrderByDescending(h => h.Active)];
        if (!list.Ok) Error ??= text["Clients.Failed"];
    }
}
