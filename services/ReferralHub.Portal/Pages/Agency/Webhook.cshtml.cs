using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// A webhook's delivery log: the latest callbacks (event, state, attempts, last error code, time; ids and statuses
/// only, never a child's data), and "send again" for one that was dead-lettered.
/// </summary>
public sealed class WebhookModel(WebhooksApi webhooks, IStringLocalizer<PortalText> text) : PageModel
{
    public const int Shown = 50;

    public WebhookView? Hook { get; private set; }

    public IReadOnlyList<WebhookDeliveryView> Deliveries { get; private set; } = [];

    public string? Message { get; private set; }

    public FormFailure? Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, bool resent, CancellationToken ct)
    {
        if (resent) Message = text["Deliveries.Resent"];
        Failure = FormFailure.Take(TempData);
        return await ShowAsync(id, ct);
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id, Guid deadLetterId, CancellationToken ct)
    {
        var result = await webhooks.ResendAsync(id, deadLetterId, ct);
        if (result.Ok) return RedirectToPage(new { id, resent = true });
        // Post/redirect/get: the refusal is shown by the next GET, so a reload does not send again.
        var title = result.Status == System.Net.HttpStatusCode.NotFound ? text["Webhooks.NotFound"] : text["Deliveries.ResendFailed"];
        return FormFailure.RedirectBack(this, title, new Dictionary<string, string[]>(), new { id }, keepValues: false);
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        // The service scopes both calls to the admin's agency: another agency's webhook is "not found".
        var deliveries = await webhooks.DeliveriesAsync(id, Shown, ct);
        Hook = deliveries.Ok ? (await webhooks.ListAsync(ct)).Value?.FirstOrDefault(h => h.Id == id) : null;
        if (Hook is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Deliveries = deliveries.Value!;
        return Page();
    }
}
