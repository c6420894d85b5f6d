using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Fhir.Web;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Referrals;

/// <summary>
/// Creating a referral: POST /fhir/ServiceRequest (the hub creates the Task) or a transaction Bundle with ServiceRequest
/// + Task (+ Patient, Practitioner). Conditional create (If-None-Exist: identifier=system|value) becomes the REST
/// Idempotency-Key, so a retry returns the same referral. Reading: GET /fhir/ServiceRequest/{id}.
/// </summary>
internal static class ReferralEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/ServiceRequest", CreateAsync).WithName("FhirCreateServiceRequest");
        fhir.MapGet("/ServiceRequest/{id}", ReadAsync).WithName("FhirReadServiceRequest");
        fhir.MapGet("/ServiceRequest", SearchAsync).WithName("FhirSearchServiceRequests");
        fhir.MapPost("/", TransactionAsync).WithName("FhirTransaction");
    }

    private static async Task<IResult> ReadAsync(string id, HubApi api, CancellationToken cancellationToken)
    {
        var referral = await ReadReferralAsync(api, id, cancellationToken);
        return new FhirResult(ServiceRequestMapping.FromReferral(referral));
    }

    /// <summary>
    /// The referring system's search of its referrals: status, requester (its own organisation), identifier
    /// (system|value, the identifier it created the referral with), _lastUpdated, with _count paging.
    /// </summary>
    private static async Task<IResult> SearchAsync(HttpRequest http, HubApi api, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var query = http.Query;
        var search = FhirSearch.Parse(http, ReferralSearch.DefaultCount, ReferralSearch.MaxCount,
            ["status", "requester", "requester:identifier", "identifier", .. ReferralSearch.Shared]);
        var statuses = new HashSet<RequestStatus>();
        foreach (var value in query["status"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
            statuses.Add(Hl7.Fhir.Utility.EnumUtility.ParseLiteral<RequestStatus>(value.Trim())
                ?? throw FhirException.Invalid("status", $"'{value}' is not a ServiceRequest status (active, completed, revoked are the ones the hub uses)."));
        var hubStatuses = statuses.SelectMany(s => ReferralStatuses.All.Where(h => ServiceRequestMapping.Status(h) == s)).ToList();

        // The requester of every referral a caller can list is its own agency: another organisation matches nothing,
        // and a provider is never told who referred (docs/fhir.md).
        var noneMatch = statuses.Count > 0 && hubStatuses.Count == 0;
        foreach (var requester in query["requester"])
        {
            var reference = requester ?? "";
            var id = reference.StartsWith("Organization/", StringComparison.Ordinal) ? reference["Organization/".Length..] : reference;
            if (!Guid.TryParse(id, out var organisationId)) throw FhirException.Invalid("requester", "Search by requester=Organization/{id} (or requester:identifier=system|code).");
            var organisation = await api.TryGetAsync<OrganisationDto>($"api/v1/directory/organisations/{organisationId}", cancellationToken);
            noneMatch |= organisation is null || !IsCallerRequester(user, organisation.Code);
        }
        foreach (var requester in query["requester:identifier"])
        {
            var (system, code) = Token("requester:identifier", requester);
            if (system is not null && system != FhirSystems.OrganisationCode)
                throw FhirException.Invalid("requester:identifier", $"Organisations are identified by {FhirSystems.OrganisationCode}|code.");
            noneMatch |= !IsCallerRequester(user, code);
        }
        string? key = null;
        if (query["identifier"].Count > 1) throw FhirException.Invalid("identifier", "One identifier per search.");
        if (query["identifier"].FirstOrDefault() is { } identifier)
        {
            var (system, value) = Token("identifier", identifier);
            if (system is null) throw FhirException.Invalid("identifier", "Give the identifier's system and value: identifier=system|value (|value for one without a system).");
            // Found through the REST API's idempotency key: the same key a conditional create with this identifier used.
            key = KeyOf($"{system}|{value}");
            noneMatch |= ReferralSearch.IsProviderOnly(user); // the referrer's own identifier; a provider never sees it
        }
        var what = new ReferralQuery("ServiceRequest", hubStatuses, referral =>
        {
            var request = ServiceRequestMapping.FromReferral(referral);
            return statuses.Count == 0 || statuses.Contains(request.Status!.Value) ? request : null;
        }, key, noneMatch);
        return await ReferralSearch.RunAsync(http, api, user, search, what, cancellationToken);
    }

    private static bool IsCallerRequester(ClaimsPrincipal user, string organisationCode) =>
        !ReferralSearch.IsProviderOnly(user) && string.Equals(user.Agency(), organisationCode, StringComparison.Ordinal);

    /// <summary>A token search value: <c>system|value</c>, <c>|value</c> (no system: ""), or <c>value</c> (any system: null).</summary>
    private static (string? System, string Value) Token(string name, string? raw)
    {
        raw ??= "";
        if (raw.Contains(',', StringComparison.Ordinal)) throw FhirException.Invalid(name, "One value per parameter.");
        var bar = raw.IndexOf('|', StringComparison.Ordinal);
        var (system, value) = bar < 0 ? (null, raw) : (raw[..bar], raw[(bar + 1)..]);
        if (value.Length == 0) throw FhirException.Invalid(name, "A value is required (system|value).");
        return (system, value);
    }

    public static async Task<ReferralView> ReadReferralAsync(HubApi api, string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var guid)) throw FhirException.NotFound($"No referral '{id}'.");
        return await api.GetAsync<ReferralView>($"api/v1/referrals/{guid}", cancellationToken);
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, HubApi api, CancellationToken cancellationToken)
    {
        var request = await FhirJson.ReadAsync<ServiceRequest>(http, cancellationToken);
        var (referral, created) = await SubmitAsync(api, request, r => Contained(request, r), http.Headers["If-None-Exist"].ToString(), null, cancellationToken);
        var resource = ServiceRequestMapping.FromReferral(referral);
        return new FhirResult(resource, created ? 201 : 200, $"{FhirModule.BaseUrl(http)}/ServiceRequest/{referral.Id}/_history/{referral.Version}");
    }

    private static async Task<IResult> TransactionAsync(HttpRequest http, HubApi api, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var bundle = await FhirJson.ReadAsync<Bundle>(http, cancellationToken);
        if (bundle.Type != Bundle.BundleType.Transaction)
            throw FhirException.Invalid("Bundle.type", "POST /fhir takes a transaction Bundle (a referral: ServiceRequest + Task, with its Patient).");
        var byFullUrl = new Dictionary<string, Resource>(StringComparer.Ordinal);
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var entry = bundle.Entry[i];
            if (entry.Resource is null) throw FhirException.Invalid($"Bundle.entry[{i}].resource", "Every entry carries a resource.");
            if (entry.Request?.Method != Bundle.HTTPVerb.POST || entry.Request.Url != entry.Resource.TypeName)
                throw FhirException.Invalid($"Bundle.entry[{i}].request", $"Only creates are supported in a transaction: method POST, url '{entry.Resource.TypeName}'.");
            if (entry.Resource is not (ServiceRequest or FhirTask or Patient or Practitioner))
                throw FhirException.Invalid($"Bundle.entry[{i}].resource", $"A referral transaction holds a ServiceRequest, a Task, its Patient and Practitioner; not a {entry.Resource.TypeName}.");
            if (entry.FullUrl is { } fullUrl) byFullUrl[fullUrl] = entry.Resource;
        }
        var requests = bundle.Entry.Select((e, i) => (Entry: e, Index: i)).Where(x => x.Entry.Resource is ServiceRequest).ToList();
        if (requests.Count != 1) throw FhirException.Invalid("Bundle.entry", "A referral transaction holds exactly one ServiceRequest.");
        var tasks = bundle.Entry.Where(e => e.Resource is FhirTask).ToList();
        if (tasks.Count > 1) throw FhirException.Invalid("Bundle.entry", "A referral transaction holds at most one Task (the hub keeps one Task per referral).");
        var (requestEntry, _) = requests[0];
        var request = (ServiceRequest)requestEntry.Resource!;
        ResourceReference? owner = null;
        if (tasks.FirstOrDefault()?.Resource is FhirTask task)
        {
            if (task.Intent is not FhirTask.TaskIntent.Order) throw FhirException.Invalid("Task.intent", "The referral's Task has intent 'order'.");
            if (task.Status is not (FhirTask.TaskStatus.Requested or FhirTask.TaskStatus.Draft))
                throw FhirException.Unprocessable("Task.status", "A new referral's Task has status 'requested'.");
            if (task.Focus?.Reference is { } focus && focus != requestEntry.FullUrl)
                throw FhirException.Invalid("Task.focus", "The Task's focus must be the ServiceRequest of the same transaction (its fullUrl).");
            owner = task.Owner;
        }

        Resource? Resolve(ResourceReference reference) =>
            reference.Reference is { } r && byFullUrl.TryGetValue(r, out var found) ? found : Contained(request, reference);

        var (referral, created) = await SubmitAsync(api, request, Resolve, requestEntry.Request?.IfNoneExist, owner, cancellationToken);
        var baseUrl = FhirModule.BaseUrl(http);
        var status = created ? "201 Created" : "200 OK";
        var response = new Bundle { Type = Bundle.BundleType.TransactionResponse };
        foreach (var entry in bundle.Entry)
        {
            switch (entry.Resource)
            {
                case ServiceRequest:
                    response.Entry.Add(new Bundle.EntryComponent
                    {
                        FullUrl = $"{baseUrl}/ServiceRequest/{referral.Id}",
                        Resource = ServiceRequestMapping.FromReferral(referral),
                        Response = new Bundle.ResponseComponent { Status = status, Location = $"ServiceRequest/{referral.Id}/_history/{referral.Version}", Etag = $"W/\"{referral.Version}\"" },
                    });
                    break;
                case FhirTask:
                    response.Entry.Add(new Bundle.EntryComponent
                    {
                        FullUrl = $"{baseUrl}/Task/{referral.Id}",
                        Resource = TaskMapping.FromReferral(referral, user.Agency()),
                        Response = new Bundle.ResponseComponent { Status = status, Location = $"Task/{referral.Id}/_history/{referral.Version}", Etag = $"W/\"{referral.Version}\"" },
                    });
                    break;
                default:
                    // Patient and Practitioner are stored inside the referral (encrypted), not as resources of their own.
                    response.Entry.Add(new Bundle.EntryComponent
                    {
                        Response = new Bundle.ResponseComponent
                        {
                            Status = "200 OK",
                            Outcome = Outcomes.Single(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational,
                                $"Stored as part of ServiceRequest/{referral.Id} (contained); not readable on its own."),
                        },
                    });
                    break;
            }
        }
        return new FhirResult(response);
    }

    /// <summary>Maps and submits; true when this request created the referral (false: a conditional create found it).</summary>
    public static async Task<(ReferralView Referral, bool Created)> SubmitAsync(HubApi api, ServiceRequest request,
        Func<ResourceReference, Resource?> resolve, string? ifNoneExist, ResourceReference? taskOwner, CancellationToken cancellationToken)
    {
        if (request.Subject is null) throw FhirException.Invalid("ServiceRequest.subject", "Required: the child, as a contained Patient or one in the same transaction.");
        var patient = resolve(request.Subject) as Patient
            ?? throw FhirException.Invalid("ServiceRequest.subject", "Reference a Patient contained in the ServiceRequest (#id) or in the same transaction (its fullUrl); the hub keeps no Patient resources.");
        var performer = request.Performer.FirstOrDefault() ?? taskOwner;
        var serviceId = performer is null ? (Guid?)null : await ServiceOfAsync(api, performer, ServiceRequestMapping.ServiceTypeOf(request), cancellationToken);
        var body = ServiceRequestMapping.ToSubmit(request, patient, serviceId, resolve);
        var key = IdempotencyKey(ifNoneExist, request);
        var (answer, _) = await api.PostAsync<Accepted>("api/v1/referrals", body, cancellationToken, new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var referral = await api.GetAsync<ReferralView>($"api/v1/referrals/{answer.Id}", cancellationToken);
        // The REST API says when the key had already created the referral: found, not created (conditional create: 200, not 201).
        return (referral, answer.Replayed != true);
    }

    /// <summary>Performer → a directory service id: HealthcareService/{id}, or Organization/{id} when it has one service of the type.</summary>
    private static async Task<Guid> ServiceOfAsync(HubApi api, ResourceReference performer, string? serviceType, CancellationToken cancellationToken)
    {
        var reference = performer.Reference ?? "";
        if (reference.StartsWith("HealthcareService/", StringComparison.Ordinal) && Guid.TryParse(reference["HealthcareService/".Length..], out var serviceId))
            return serviceId;
        if (reference.StartsWith("Organization/", StringComparison.Ordinal) && Guid.TryParse(reference["Organization/".Length..], out var organisationId))
        {
            var organisation = await api.TryGetAsync<OrganisationDto>($"api/v1/directory/organisations/{organisationId}", cancellationToken)
                ?? throw FhirException.Unprocessable("ServiceRequest.performer", $"No Organization/{organisationId} in the directory.");
            var services = await api.GetAllAsync<PageOfServiceDto, ServiceDto>(
                $"api/v1/directory/services?organisation={Uri.EscapeDataString(organisation.Code)}&serviceType={Uri.EscapeDataString(serviceType ?? "")}", cancellationToken);
            return services.Count == 1 ? services[0].Id
                : throw FhirException.Unprocessable("ServiceRequest.performer", services.Count == 0
                    ? $"Organization/{organisationId} offers no service of this type."
                    : $"Organization/{organisationId} offers several services of this type; name one as HealthcareService/{{id}}.");
        }
        throw FhirException.Invalid("ServiceRequest.performer", "Reference a HealthcareService/{id} or Organization/{id} of the directory (or none: route along the area's pathway).");
    }

    /// <summary>If-None-Exist "identifier=system|value" (or the ServiceRequest's first identifier) → a stable Idempotency-Key.</summary>
    internal static string IdempotencyKey(string? ifNoneExist, ServiceRequest request)
    {
        string? identity = null;
        if (!string.IsNullOrWhiteSpace(ifNoneExist))
        {
            var query = ifNoneExist.TrimStart('?');
            var parts = query.Split('&', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 1 || !parts[0].StartsWith("identifier=", StringComparison.Ordinal) || parts[0].Length == "identifier=".Length)
                throw FhirException.Invalid("If-None-Exist", "Conditional create is supported on one identifier: If-None-Exist: identifier=system|value.");
            identity = Uri.UnescapeDataString(parts[0]["identifier=".Length..]);
            if (!request.Identifier.Any(i => identity == i.Value || identity == $"{i.System}|{i.Value}"))
                throw FhirException.Invalid("If-None-Exist", "The identifier in If-None-Exist must be one of the ServiceRequest's identifiers.");
        }
        else if (request.Identifier.FirstOrDefault() is { Value: { Length: > 0 } value } identifier)
        {
            identity = $"{identifier.System}|{value}";
        }
        if (identity is null) return "fhir:" + Guid.NewGuid().ToString("N"); // a plain create: nothing to match a retry on
        return KeyOf(identity);
    }

    /// <summary>The Idempotency-Key of an identity (system|value): conditional create and identifier search use the same.</summary>
    internal static string KeyOf(string identity)
    {
        var key = "fhir:" + identity;
        // The key travels in an HTTP header: printable ASCII only. Any other identifier (café-1, Arabic or Bengali
        // references) or a long one is hashed, so every identifier is accepted and still matches its retry.
        return key.Length <= 200 && key.All(c => c is >= '!' and <= '~')
            ? key : "fhir:sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    private static Resource? Contained(DomainResource resource, ResourceReference reference) =>
        reference.Reference is { } r && r.StartsWith('#') ? resource.Contained.FirstOrDefault(c => c.Id == r[1..]) : null;
}
