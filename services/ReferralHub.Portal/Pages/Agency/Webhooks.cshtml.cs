using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The agency's webhooks: the URL every status change of its referrals is POSTed to, signed with a secret (shown once
/// at registration). Referral routing owns them and checks every call (agency-admin of the same agency). Every post
/// redirects to the page, so a reload sends nothing.
/// </summary>
public sealed class WebhooksModel(WebhooksApi webhooks, IStringLocalizer<PortalText> text) : PageModel
{
    public IReadOnlyList<WebhookView> Hooks { get; private set; } = [];

    private const string RegisteredKey = "webhook-registered";
    private const string TypedSecretKey = "webhook-typed-secret";

    /// <summary>The webhook just added with its signing secret, for the one view after the redirect.</summary>
    public WebhookRegisteredView? Registered { get; private set; }

    public FormFailure? Failure { get; private set; }

    public string? NewUrl => Failure?.Value("url");

    /// <summary>
    /// The secret the admin typed, put back in the box after a refusal. It comes back through <see cref="ShownOnce"/>
    /// (two minutes, this person only), never in the form failure's values.
    /// </summary>
    public string? NewSecret { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public string? FieldError(string field) => Failure?.Beside(text, "Webhooks", field);

    public async Task OnGetAsync(bool deleted, CancellationToken ct)
    {
        if (deleted) Message = text["Webhooks.Deleted"];
        Failure = FormFailure.Take(TempData);
        Registered = ShownOnce.Take<WebhookRegisteredView>(this, RegisteredKey);
        NewSecret = Failure is null ? null : ShownOnce.Take<string>(this, TypedSecretKey);
        if (Registered is not null || NewSecret is not null) SetPasswordLink.NoStore(Response);
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostRegisterAsync(string? url, string? secret, CancellationToken ct)
    {
        var result = await webhooks.RegisterAsync(url, secret, ct);
        if (result.Ok)
        {
            ShownOnce.Put(this, RegisteredKey, result.Value);
            return RedirectToPage();
        }
        if (!string.IsNullOrEmpty(secret)) ShownOnce.Put(this, TypedSecretKey, secret);
        return FormFailure.RedirectBack(this, result.Title ?? text["Clients.Failed"], result.Errors, except: ["secret"]);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        if (await webhooks.DeleteAsync(id, ct)) return RedirectToPage(new { deleted = true });
        return FormFailure.RedirectBack(this, text["Webhooks.NotFound"], new Dictionary<string, string[]>(), keepValues: false);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = await webhooks.ListAsync(ct);
        // Active ones first (the service lists them in no set order).
        Hooks = [.. (list.Value ?? []).OrderByDescending(h => h.Active)];
        if (!list.Ok) Error ??= text["Clients.Failed"];
    }
}
