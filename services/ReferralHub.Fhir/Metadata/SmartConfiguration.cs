namespace ReferralHub.Fhir.Metadata;

/// <summary>
/// SMART App Launch discovery: GET /fhir/.well-known/smart-configuration (anonymous, JSON) names the token endpoint,
/// so a client library (fhir-kit-client's smartAuthMetadata, Firely's) finds where to get a token. The hub issues
/// tokens by the client-credentials grant with a client secret (docs/security.md); no user launch, no authorize endpoint.
/// </summary>
internal static class SmartConfiguration
{
    /// <summary>The gateway's token endpoint: the FHIR base without /fhir, plus /connect/token.</summary>
    public static string TokenEndpoint(string fhirBaseUrl) => fhirBaseUrl[..^FhirModule.Prefix.Length] + "/connect/token";

    public static void Map(RouteGroupBuilder fhir) =>
        fhir.MapGet("/.well-known/smart-configuration", (HttpRequest http) => TypedResults.Json(new Dictionary<string, object>
        {
            ["token_endpoint"] = TokenEndpoint(FhirModule.BaseUrl(http)),
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
            ["capabilities"] = new[] { "client-confidential-symmetric" },
            ["scopes_supported"] = Array.Empty<string>(),
        })).WithName("FhirSmartConfiguration");
}
