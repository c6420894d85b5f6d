using System.Globalization;
using Hl7.Fhir.Model;
using ReferralHub.Fhir.Web;

namespace ReferralHub.Fhir.Consents;

/// <summary>
/// Consent: create (POST), read (GET Consent/{case code}), update (PUT: amend, or status inactive = withdraw) on the
/// consent registry's REST API as the caller. The Consent's id is the case code (the registry keeps one consent per case).
/// </summary>
internal static class ConsentEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/Consent", CreateAsync).WithName("FhirCreateConsent");
        fhir.MapGet("/Consent/{id}", ReadAsync).WithName("FhirReadConsent");
        fhir.MapPut("/Consent/{id}", UpdateAsync).WithName("FhirUpdateConsent");
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, HubApi api, CancellationToken cancellationToken)
    {
        var consent = await FhirJson.ReadAsync<Consent>(http, cancellationToken);
        var body = ConsentMapping.ToBody(consent, null);
        if (!IsFhirId(body.CaseCode!))
            throw FhirException.Unprocessable("Consent.patient.identifier", "Over FHIR the case code is the Consent's id: letters, digits, '-' and '.' only (no '_').");
        var (view, _) = await api.PostAsync<ConsentView>("api/v1/consents", body, cancellationToken);
        return new FhirResult(ConsentMapping.FromView(view), 201, $"{FhirModule.BaseUrl(http)}/Consent/{view.CaseCode}/_history/{view.Version}");
    }

    private static async Task<IResult> ReadAsync(string id, HubApi api, CancellationToken cancellationToken)
    {
        if (!IsFhirId(id)) throw FhirException.NotFound($"No Consent/{id}.");
        var view = await api.GetAsync<ConsentView>($"api/v1/consents/{Uri.EscapeDataString(id)}", cancellationToken);
        return new FhirResult(ConsentMapping.FromView(view));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpRequest http, HubApi api, CancellationToken cancellationToken)
    {
        var consent = await FhirJson.ReadAsync<Consent>(http, cancellationToken);
        if (consent.Id != id) throw FhirException.Invalid("Consent.id", "The Consent's id must match the URL.");
        int? expected = null;
        if (http.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch)
        {
            if (!int.TryParse(ifMatch.Replace("W/", "", StringComparison.Ordinal).Trim('"', ' '), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                throw FhirException.Invalid("If-Match", "W/\"{versionId}\".");
            expected = v;
            var current = await api.GetAsync<ConsentView>($"api/v1/consents/{Uri.EscapeDataString(id)}", cancellationToken);
            if (current.Version != v) throw FhirException.Of(412, OperationOutcome.IssueType.Conflict, $"Version {current.Version} is in force, not {v}.");
        }
        ConsentView view;
        if (consent.Status is Consent.ConsentState.Inactive)
        {
            // Withdrawal stops every further release and withdraws the case's referrals not yet accepted.
            await api.PostAsync<System.Text.Json.JsonElement>($"api/v1/consents/{Uri.EscapeDataString(id)}/withdraw", new { }, cancellationToken);
            view = await api.GetAsync<ConsentView>($"api/v1/consents/{Uri.EscapeDataString(id)}", cancellationToken);
        }
        else
        {
            var body = ConsentMapping.ToBody(consent, expected);
            if (body.CaseCode != id) throw FhirException.Invalid("Consent.patient.identifier", "The case code must be the Consent's id.");
            (view, _) = await api.SendJsonAsync<ConsentView>(HttpMethod.Put, $"api/v1/consents/{Uri.EscapeDataString(id)}", body, cancellationToken);
        }
        return new FhirResult(ConsentMapping.FromView(view));
    }

    private static bool IsFhirId(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
