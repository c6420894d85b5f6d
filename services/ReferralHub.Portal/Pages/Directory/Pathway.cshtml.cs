using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Directory;

/// <summary>
/// One pathway: the ordered services a referral for this area and need is offered to. Each change (move up, move
/// down, remove, add, re-offer setting) is one small form, so it works on a phone without JavaScript; each is sent
/// with the version the person saw, so a concurrent edit is caught (409) and the current order shown.
/// </summary>
public sealed class PathwayModel(PathwaysApi pathways, DirectoryApi directory, IStringLocalizer<PortalText> text) : PageModel
{
    public PathwayView? Pathway { get; private set; }

    /// <summary>The listed services in order (a service the directory no longer returns shows its id).</summary>
    public IReadOnlyList<(Guid Id, DirectoryServiceView? Service)> Listed { get; private set; } = [];

    /// <summary>Live services of the pathway's type delivered in its area, not yet listed.</summary>
    public IReadOnlyList<DirectoryServiceView> Addable { get; private set; } = [];

    public string? Message { get; private set; }

    /// <summary>The change the directory refused on the last post (post/redirect/get).</summary>
    public FormFailure? Failure { get; private set; }

    /// <summary>
    /// The service the person asked to remove, waiting for "Yes, remove": removing changes routing at once (no new
    /// referral is offered to it), so it is never one tap.
    /// </summary>
    public (Guid Id, string Name)? ConfirmRemove { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, bool created, Guid? remove, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFoundPage();
        Failure = FormFailure.Take(TempData);
        if (remove is { } r && Listed.FirstOrDefault(l => l.Id == r) is { Id: var listedId } listed && listedId == r)
            ConfirmRemove = (r, listed.Service?.Name ?? r.ToString());
        if (created) Message = text["Pathways.Created"];
        else if (done is "removed") Message = text["Pathways.Removed"];
        else if (done is "saved") Message = text["Directory.Saved"];
        else if (done is "reviewed") Message = text["Directory.Reviewed"];
        return Page();
    }

    /// <summary>op: up, down, remove, add, reoffer.</summary>
    public async Task<IActionResult> OnPostChangeAsync(Guid id, string? op, Guid serviceId, long version, bool reofferToNext, bool confirmed, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFoundPage();
        var order = Pathway!.ServiceIds.ToList();
        var at = order.IndexOf(serviceId);
        var reoffer = Pathway.ReofferToNext;
        switch (op)
        {
            case "up" when at > 0:
                (order[at - 1], order[at]) = (order[at], order[at - 1]);
                break;
            case "down" when at >= 0 && at < order.Count - 1:
                (order[at + 1], order[at]) = (order[at], order[at + 1]);
                break;
            case "remove" when at >= 0 && !confirmed:
                return RedirectToPage(new { id, remove = serviceId }); // ask first
            case "remove" when at >= 0:
                order.RemoveAt(at);
                break;
            case "add" when at < 0 && serviceId != Guid.Empty:
                order.Add(serviceId);
                break;
            case "reoffer":
                reoffer = reofferToNext;
                break;
            default:
                // Nothing to do (e.g. "up" on the first one, or the order changed meanwhile): show the order as it is.
                return RedirectToPage(new { id });
        }
        var result = await pathways.UpdateAsync(id, order, reoffer, version, ct);
        if (result.Ok) return RedirectToPage(new { id, done = op == "remove" ? "removed" : "saved" });
        return Refused(id, result.Status, result.Conflict, result.Title);
    }

    public async Task<IActionResult> OnPostReviewAsync(Guid id, long version, CancellationToken ct)
    {
        var result = await directory.ConfirmReviewedAsync("pathway", id, version, ct);
        if (result.Ok) return RedirectToPage(new { id, done = "reviewed" });
        return Refused(id, result.Status, result.Conflict, result.Title);
    }

    private IActionResult Refused(Guid id, System.Net.HttpStatusCode status, bool conflict, string? title) =>
        status == System.Net.HttpStatusCode.NotFound
            ? NotFoundPage()
            : FormFailure.RedirectBack(this, conflict ? text["Directory.Conflict"] : title ?? text["Directory.Failed"],
                new Dictionary<string, string[]>(), new { id }, keepValues: false);

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var result = await pathways.GetAsync(id, ct);
        if (!result.Ok) return false;
        Pathway = result.Value!;
        var services = (await directory.ServicesAsync(Pathway.AreaCode, ct)).Value ?? [];
        var byId = services.ToDictionary(s => s.Id);
        var listed = new List<(Guid, DirectoryServiceView?)>();
        foreach (var serviceId in Pathway.ServiceIds)
        {
            if (!byId.TryGetValue(serviceId, out var service) && await directory.ServiceAsync(serviceId, ct) is { Ok: true } one) service = one.Value;
            listed.Add((serviceId, service));
        }
        Listed = listed;
        Addable = [.. services.Where(s => s.ServiceType == Pathway.ServiceType && !s.Retired && !Pathway.ServiceIds.Contains(s.Id)).OrderBy(s => s.Name)];
        return true;
    }

    private IActionResult NotFoundPage()
    {
        Pathway = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
