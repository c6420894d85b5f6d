using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace ReferralHub.Fhir.Tests.Support;

/// <summary>
/// Validates resources against the FHIR R4 base definitions (the specification.zip of Hl7.Fhir.Specification.Data.R4,
/// read offline) with Firely's validator: cardinalities, types, invariants (FHIRPath constraints) and required
/// bindings of FHIR's own value sets. Errors and fatal issues fail; warnings (e.g. the hub's own extension and code
/// system URLs, which the base definitions cannot resolve) do not.
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    private static readonly Lock Gate = new();

    public static IReadOnlyList<string> Errors(Resource resource)
    {
        OperationOutcome outcome;
        lock (Gate) outcome = Instance.Value.Validate(resource);
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression.Concat(i.Location))}: {i.Details?.Text ?? i.Diagnostics}")];
    }

    public static void AssertValid(Resource resource, string what)
    {
        var errors = Errors(resource);
        if (errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"{what} ({resource.TypeName}) is not valid against the FHIR R4 base definitions:\n" + string.Join("\n", errors.Take(20)));
    }
}

/// <summary>
/// Every FHIR response the tests' clients receive (application/fhir+json) is validated before the test sees it:
/// resources, search Bundles and OperationOutcomes alike. A response that is not valid R4 fails the test that got it.
/// </summary>
public sealed class ValidatingHandler() : DelegatingHandler(new HttpClientHandler())
{
    /// <summary>How many responses were validated (a test checks that the guard runs).</summary>
    public static int Validated;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType != "application/fhir+json") return response;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Length > 0)
        {
            var resource = FhirHub.ParseStrict(body);
            FhirValidation.AssertValid(resource, $"{request.Method} {request.RequestUri?.PathAndQuery} → {(int)response.StatusCode}");
            Interlocked.Increment(ref Validated);
        }
        return response;
    }
}
