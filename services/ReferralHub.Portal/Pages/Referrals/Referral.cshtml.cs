using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Referrals;

/// <summary>
/// One referral for the provider focal point: the minimal summary until accepted; accept or decline (reason required);
/// after acceptance the released need-to-know information, service started, and the Services Provided form.
/// The referral service enforces every step (who, which state, consent at release); this page shows its answer.
/// </summary>
public sealed class ReferralModel(ReferralsApi referrals, ReferralNotesApi notes, IStringLocalizer<PortalText> text, TimeProvider clock, ReferralHub.Portal.Localisation.CodeText codes) : PageModel
{
    public static readonly IReadOnlyList<string> DeclineReasons = ReferralHub.Contracts.Taxonomy.DeclineReasons.All;
    public static readonly IReadOnlyList<string> Satisfaction = ReferralHub.Contracts.Taxonomy.Satisfaction.All;

    public JsonElement Referral { get; private set; }

    public bool Found { get; private set; }

    public string Status => Referral.GetProperty("status").GetString() ?? "";

    public string? Message { get; private set; }

    /// <summary>The form the service refused on the last post, with everything typed (post/redirect/get).</summary>
    public FormFailure? Failure { get; private set; }

    public string Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The message beside a field, in the portal's plain words where it has them.</summary>
    public string? FieldError(string field) => Failure?.Beside(text, "Referral", field);

    /// <summary>What was typed in <paramref name="input"/> before the refusal, else <paramref name="fallback"/>.</summary>
    public string? Typed(string input, string? fallback = null) => Failure?.Value(input) ?? fallback;

    /// <summary>The input each field's error links to from the summary (the service names fields, the page names inputs).</summary>
    public IReadOnlyDictionary<string, string> InputIds => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["details"] = Status == "in-service" ? "svc-details" : "details",
        ["childSatisfaction"] = "sat-Child",
        ["caregiverSatisfaction"] = "sat-Caregiver",
        ["providedBy.name"] = "by-name",
        ["providedBy.position"] = "by-position",
        ["providedBy.contact"] = "by-contact",
        ["followUpRecommendations"] = "followup",
        ["childSuggestions"] = "sugg-Child",
        ["caregiverSuggestions"] = "sugg-Caregiver",
    };

    /// <summary>The released items, flattened to labelled lines (only what the service may see is in the payload).</summary>
    public IReadOnlyList<(string Label, string Value)> Released { get; private set; } = [];

    /// <summary>Notes with the referring caseworker: only once accepted (a note may name the child; the service enforces it).</summary>
    public bool NotesOpen => (Status is "accepted" or "in-service" or "completed") && !ConsentWithdrawn;

    /// <summary>The child's consent was withdrawn after acceptance: the service shows the hub's notice instead of the released items.</summary>
    public bool ConsentWithdrawn => Referral.TryGetProperty("consentWithdrawn", out var w) && w.ValueKind == JsonValueKind.True;

    public string? Notice => Referral.TryGetProperty("notice", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;

    public IReadOnlyList<NoteViewModel> Notes { get; private set; } = [];

    /// <summary>The names (never the contents) of items this service would need that the child or family kept back.</summary>
    public IReadOnlyList<string> KeptBack =>
        Found && Referral.TryGetProperty("keptBack", out var k) && k.ValueKind == JsonValueKind.Array
            ? [.. k.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => Label(i.GetString()!))]
            : [];

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken ct)
    {
        if (done is not null) Message = text["Referral.Done." + done];
        Failure = FormFailure.Take(TempData);
        return await LoadAsync(id, ct) ? Page() : NotFoundPage();
    }

    public Task<IActionResult> OnPostAcceptAsync(Guid id, CancellationToken ct) => AnswerAsync(id, "accept", null, ct);

    public Task<IActionResult> OnPostDeclineAsync(Guid id, string? reason, string? details, CancellationToken ct) =>
        AnswerAsync(id, "decline", new { reason, details }, ct);

    public Task<IActionResult> OnPostStartAsync(Guid id, DateOnly? startedOn, CancellationToken ct) =>
        AnswerAsync(id, "start", new { startedOn }, ct);

    public Task<IActionResult> OnPostCompleteAsync(Guid id, CompleteForm form, CancellationToken ct) =>
        AnswerAsync(id, "complete", new
        {
            form.StartedOn, form.CompletedOn, form.Details, form.FollowUpRecommendations,
            providedBy = new { name = form.ProvidedByName, position = form.ProvidedByPosition, contact = form.ProvidedByContact },
            form.ChildSatisfaction, form.ChildSuggestions, form.CaregiverSatisfaction, form.CaregiverSuggestions,
        }, ct);

    public async Task<IActionResult> OnPostNoteAsync(Guid id, string? note, CancellationToken ct)
    {
        var result = await notes.AddAsync(id, note, ct);
        if (result.Ok) return Redirect($"/referrals/{id}?done=note#notes");
        if (result.Status == System.Net.HttpStatusCode.NotFound) return NotFoundPage();
        return FormFailure.RedirectBack(this, result.Title ?? text["Referral.Failed"],
            result.Errors.ToDictionary(e => e.Key == "text" ? "note" : e.Key, e => e.Value), new { id });
    }

    private async Task<IActionResult> AnswerAsync(Guid id, string action, object? body, CancellationToken ct)
    {
        var result = await referrals.AnswerAsync(id, action, body, ct);
        if (result.Ok) return RedirectToPage(new { id, done = action });
        if (result.Status == System.Net.HttpStatusCode.NotFound) return NotFoundPage();
        return FormFailure.RedirectBack(this, result.Title ?? text["Referral.Failed"], result.Errors, new { id });
    }

    private IActionResult NotFoundPage()
    {
        Found = false;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var result = await referrals.GetAsync(id, ct);
        if (!result.Ok) return Found = false;
        Referral = result.Value;
        Found = true;
        var lines = new List<(string, string)>();
        if (Referral.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object) Flatten(payload, "", lines);
        Released = lines;
        if (NotesOpen && await notes.ListAsync(id, ct) is { Ok: true } list) Notes = list.Value!;
        return true;
    }

    private void Flatten(JsonElement element, string path, List<(string, string)> lines)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject()) Flatten(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}", lines);
                break;
            case JsonValueKind.Array:
                var values = element.EnumerateArray().Where(v => v.ValueKind is not JsonValueKind.Null).Select(v => Words(path, v.ToString())).ToList();
                if (values.Count > 0) lines.Add((Label(path), string.Join(", ", values)));
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            case JsonValueKind.True or JsonValueKind.False:
                lines.Add((Label(path), element.GetBoolean() ? text["Yes"] : text["No"]));
                break;
            default:
                lines.Add((Label(path), element.ValueKind == JsonValueKind.String ? Words(path, element.ToString()) : element.ToString()));
                break;
        }
    }

    /// <summary>
    /// A released value that is a code, in words: a sex or a language through <see cref="CodeText"/>, a channel, a
    /// referral type or a feedback route from "PayloadValue.{path}.{code}"; anything else (names, dates, narratives) as
    /// sent.
    /// </summary>
    private string Words(string path, string value)
    {
        if (path.EndsWith("sex", StringComparison.Ordinal)) return codes.Sex(value);
        if (path.EndsWith("languages", StringComparison.Ordinal)) return codes.Language(value);
        var word = text[$"PayloadValue.{path}.{value}"];
        return word.ResourceNotFound ? value : word.Value;
    }

    public string Label(string path)
    {
        var localized = text["Payload." + path];
        return localized.ResourceNotFound ? path : localized.Value;
    }

    public sealed class CompleteForm
    {
        public DateOnly? StartedOn { get; set; }
        public DateOnly? CompletedOn { get; set; }
        public string? Details { get; set; }
        public string? FollowUpRecommendations { get; set; }
        public string? ProvidedByName { get; set; }
        public string? ProvidedByPosition { get; set; }
        public string? ProvidedByContact { get; set; }
        public string? ChildSatisfaction { get; set; }
        public string? ChildSuggestions { get; set; }
        public string? CaregiverSatisfaction { get; set; }
        public string? CaregiverSuggestions { get; set; }
    }
}
