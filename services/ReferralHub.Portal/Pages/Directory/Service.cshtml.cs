using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
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

    public string? Error { get; private set; }

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public string? FieldError(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task<IActionResult> OnGetAsync(Guid id, bool saved, bool reviewed, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFoundPage();
        Form = ServiceForm.From(Service!);
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
        return await ShowProblemAsync(id, result.Status, result.Conflict, result.Title, result.Errors, ct);
    }

    public async Task<IActionResult> OnPostReviewAsync(Guid id, long version, CancellationToken ct)
    {
        var result = await directory.ConfirmReviewedAsync("service", id, version, ct);
        if (result.Ok) return RedirectToPage(new { id, reviewed = true });
        if (!await LoadAsync(id, ct)) return NotFoundPage();
        Form = ServiceForm.From(Service!);
        return await ShowProblemAsync(id, result.Status, result.Conflict, result.Title, result.Errors, ct);
    }

    private async Task<IActionResult> ShowProblemAsync(Guid id, System.Net.HttpStatusCode status, bool conflict, string? title,
        IReadOnlyDictionary<string, string[]> errors, CancellationToken ct)
    {
        if (conflict)
        {
            // Someone else saved first: show what is current now; the person redoes their change on it.
            await LoadAsync(id, ct);
            Form = ServiceForm.From(Service!);
            Error = text["Directory.Conflict"];
        }
        else
        {
            Error = title ?? text["Directory.Failed"];
            _errors = errors; // the person's input stays in the form, with each message beside its field
        }
        Response.StatusCode = (int)status;
        return Page();
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
