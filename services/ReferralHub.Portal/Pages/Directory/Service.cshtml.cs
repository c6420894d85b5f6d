using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Directory;

/// <summary>
/// One service as its area's focal point keeps it current: accepting referrals now (with a reason and an optional
/// until-date when not), hours, focal points, and "confirm reviewed". The directory service checks every edit
/// (permissions, validation, version); this page shows its answer next to the fields.
/// </summary>
public sealed class ServiceModel(DirectoryApi directory, IStringLocalizer<PortalText> text) : PageModel
{
    public DirectoryServiceView? Service { get; private set; }

    [BindProperty]
    public ServiceForm Form { get; set; } = new();

    public string? Message { get; private set; }

    /// <summary>The edit the directory refused on the last post, with everything typed (post/redirect/get).</summary>
    public FormFailure? Failure { get; private set; }

    public string? FieldError(string field) => Failure?.Beside(text, "Service", field);

    /// <summary>The input each refused field links to from the summary: <c>focalPoints[1].phone</c> is <c>fp-1-phone</c>.</summary>
    public IReadOnlyDictionary<string, string> InputIds =>
        (Failure?.Errors.Keys.AsEnumerable() ?? []).ToDictionary(k => k, k => k switch
        {
            "notAcceptingReason" => "reason",
            "notAcceptingUntil" => "until",
            _ when System.Text.RegularExpressions.Regex.Match(k, @"^focalPoints\[(\d+)\]\.(\w+)$") is { Success: true } m => $"fp-{m.Groups[1].Value}-{m.Groups[2].Value}",
            _ => k,
        }, StringComparer.OrdinalIgnoreCase);

    public async Task<IActionResult> OnGetAsync(Guid id, bool saved, bool reviewed, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFoundPage();
        Form = ServiceForm.From(Service!);
        Failure = FormFailure.Take(TempData);
        // After a refusal the form shows what the person typed, not what is stored (a conflict keeps nothing: redo on the current).
        if (Failure is { Values.Count: > 0 }) await TryUpdateModelAsync(Form, nameof(Form), Failure.AsValueProvider());
        if (saved) Message = text["Directory.Saved"];
        if (reviewed) Message = text["Directory.Reviewed"];
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFoundPage();
        // Everything this page does not edit is sent back as read; the version is the one the person saw.
        var input = DirectoryServiceInput.From(Service!) with
        {
            Accepting = Form.Accepting,
            NotAcceptingReason = Form.Accepting ? null : Form.NotAcceptingReason,
            NotAcceptingUntil = Form.Accepting || Form.NotAcceptingUntil is null ? null : DateTime.SpecifyKind(Form.NotAcceptingUntil.Value.Date, DateTimeKind.Utc),
            Hours = Form.Hours,
            FocalPoints = [.. Form.FocalPoints.Where(f => !f.IsEmpty).Select(f => new FocalPointView(f.Id, f.Name, f.Role, f.Phone, f.Email))],
            Version = Form.Version,
        };
        var result = await directory.UpdateServiceAsync(id, input, ct);
        if (result.Ok) return RedirectToPage(new { id, saved = true });
        return Refused(id, result.Status, result.Conflict, result.Title, result.Errors);
    }

    public async Task<IActionResult> OnPostReviewAsync(Guid id, long version, CancellationToken ct)
    {
        var result = await directory.ConfirmReviewedAsync("service", id, version, ct);
        if (result.Ok) return RedirectToPage(new { id, reviewed = true });
        return Refused(id, result.Status, result.Conflict, result.Title, result.Errors);
    }

    private IActionResult Refused(Guid id, System.Net.HttpStatusCode status, bool conflict, string? title, IReadOnlyDictionary<string, string[]> errors)
    {
        if (status == System.Net.HttpStatusCode.NotFound) return NotFoundPage();
        // Someone else saved first: the page shows what is current now and the person redoes their change on it.
        if (conflict) return FormFailure.RedirectBack(this, text["Directory.Conflict"], new Dictionary<string, string[]>(), new { id }, keepValues: false);
        return FormFailure.RedirectBack(this, title ?? text["Directory.Failed"], errors, new { id });
    }

    private IActionResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        Service = null;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var result = await directory.ServiceAsync(id, ct);
        Service = result.Value;
        return result.Ok;
    }

    public sealed class ServiceForm
    {
        public bool Accepting { get; set; } = true;

        public string? NotAcceptingReason { get; set; }

        public DateTime? NotAcceptingUntil { get; set; }

        public string? Hours { get; set; }

        public List<FocalPointForm> FocalPoints { get; set; } = [];

        public long Version { get; set; }

        /// <summary>The service's focal points plus one empty row to add another.</summary>
        public static ServiceForm From(DirectoryServiceView s) => new()
        {
            Accepting = s.Accepting,
            NotAcceptingReason = s.NotAcceptingReason,
            NotAcceptingUntil = s.NotAcceptingUntil,
            Hours = s.Hours,
            FocalPoints = [.. s.FocalPoints.Select(f => new FocalPointForm { Id = f.Id, Name = f.Name, Role = f.Role, Phone = f.Phone, Email = f.Email }), new FocalPointForm()],
            Version = s.Version,
        };
    }

    public sealed class FocalPointForm
    {
        public Guid? Id { get; set; }

        public string? Name { get; set; }

        public string? Role { get; set; }

        public string? Phone { get; set; }

        public string? Email { get; set; }

        /// <summary>A row with every box emptied removes that focal point.</summary>
        public bool IsEmpty => string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Role) && string.IsNullOrWhiteSpace(Phone) && string.IsNullOrWhiteSpace(Email);
    }
}
