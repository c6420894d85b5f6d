using System.Security.Claims;
using Hl7.Fhir.Model;
using ReferralHub.Hosting.Auth;
using ReferralHub.Fhir.Referrals;
using ReferralHub.Fhir.Web;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Subscriptions;

/// <summary>
/// R4 Subscription (rest-hook) for Task changes, on the hub's webhook machinery: the facade registers a webhook of
/// format <c>fhir-rest-hook</c> with the criteria as a filter (Task status, owner), and the one delivery loop of the
/// referral service sends each matching change of the agency's referrals, in order, at least once, signed exactly as
/// the webhooks are; the notification has no payload (R4: "just a notification"), so nothing of the referral leaves
/// with it. Create, read, delete; an agency admin's call, like a webhook registration.
/// </summary>
internal static class SubscriptionEndpoints
{
    public const string Format = "fhir-rest-hook";

    /// <summary>Failed attempts on one change after which the Subscription reads as <c>error</c>.</summary>
    public const int ErrorAfterAttempts = 3;

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/Subscription", CreateAsync).WithName("FhirCreateSubscription");
        fhir.MapGet("/Subscription/{id}", ReadAsync).WithName("FhirReadSubscription");
        fhir.MapDelete("/Subscription/{id}", DeleteAsync).WithName("FhirDeleteSubscription");
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, HubApi api, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        // Permission before any other check (docs/security.md): a caller who may not register webhooks learns nothing
        // about what a valid Subscription would be. The REST call below checks the role again.
        if (!user.IsInRole(Roles.AgencyAdmin))
            throw FhirException.Of(403, OperationOutcome.IssueType.Forbidden, $"Registering a Subscription needs the '{Roles.AgencyAdmin}' role.");
        var subscription = await FhirJson.ReadAsync<Subscription>(http, cancellationToken);
        if (subscription.Status is not (Subscription.SubscriptionStatus.Requested or Subscription.SubscriptionStatus.Active))
            throw FhirException.Unprocessable("Subscription.status", "A new Subscription is 'requested'.");
        var channel = subscription.Channel ?? throw FhirException.Invalid("Subscription.channel", "Required.");
        if (channel.Type is not Subscription.SubscriptionChannelType.RestHook)
            throw FhirException.Unprocessable("Subscription.channel.type", "Only 'rest-hook' is supported.");
        if (!Uri.TryCreate(channel.Endpoint, UriKind.Absolute, out _))
            throw FhirException.Invalid("Subscription.channel.endpoint", "An absolute https URL (http only for loopback or in Development).");
        if (!string.IsNullOrEmpty(channel.Payload))
            throw FhirException.Unprocessable("Subscription.channel.payload",
                "Notifications carry no payload (R4: just a notification); leave payload out and search Task?_lastUpdated=gt… on notice.");
        if (channel.Header.Any())
            throw FhirException.Unprocessable("Subscription.channel.header", "Custom headers are not sent: notifications are signed (X-ReferralHub-Signature).");
        if (subscription.End is not null)
            throw FhirException.Unprocessable("Subscription.end", "Subscriptions do not expire; delete it to stop.");
        var (statuses, serviceId) = Criteria(subscription.Criteria, user);
        var secret = subscription.GetStringExtension(FhirSystems.SigningSecretExtension);

        var (registered, _) = await api.PostAsync<WebhookRegistered>("api/v1/referrals/webhooks",
            new RegisterWebhookRequest
            {
                Url = channel.Endpoint, Secret = secret, Format = Format, Criteria = subscription.Criteria!,
                Statuses = statuses is null ? null : [.. statuses], ServiceId = serviceId,
            }, cancellationToken);
        var created = ToSubscription(registered.Id, registered.Url, subscription.Criteria!, Subscription.SubscriptionStatus.Active, null);
        // The signing secret is shown once, in this answer, as a webhook registration shows it.
        created.SetStringExtension(FhirSystems.SigningSecretExtension, registered.Secret);
        return new FhirResult(created, 201, $"{FhirModule.BaseUrl(http)}/Subscription/{registered.Id}");
    }

    private static async Task<IResult> ReadAsync(string id, HubApi api, CancellationToken cancellationToken)
    {
        var view = await FindAsync(api, id, cancellationToken);
        var failing = view.Attempts >= ErrorAfterAttempts || view.DeadLetters > 0;
        return new FhirResult(ToSubscription(view.Id, view.Url, view.Criteria ?? "Task",
            failing ? Subscription.SubscriptionStatus.Error : Subscription.SubscriptionStatus.Active,
            failing ? view.LastError ?? "Notifications are failing." : null));
    }

    private static async Task<IResult> DeleteAsync(string id, HubApi api, CancellationToken cancellationToken)
    {
        var view = await FindAsync(api, id, cancellationToken);
        await api.DeleteAsync($"api/v1/referrals/webhooks/{view.Id}", cancellationToken);
        return Results.NoContent();
    }

    /// <summary>The agency's active FHIR subscription with this id (webhooks of the hub's own format are not Subscriptions).</summary>
    private static async Task<WebhookView> FindAsync(HubApi api, string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var guid)) throw FhirException.NotFound($"No Subscription '{id}'.");
        var views = await api.GetAllAsync<ReferralHub.Wire.PageOfWebhookView, WebhookView>("api/v1/referrals/webhooks", cancellationToken);
        return views.SingleOrDefault(v => v.Id == guid && v.Active && v.Format == Format) ?? throw FhirException.NotFound($"No Subscription '{id}'.");
    }

    private static Subscription ToSubscription(Guid id, string url, string criteria, Subscription.SubscriptionStatus status, string? error) => new()
    {
        Id = id.ToString(),
        Status = status,
        Reason = "Task changes of the agency's referrals.",
        Criteria = criteria,
        Error = error,
        Channel = new Subscription.ChannelComponent { Type = Subscription.SubscriptionChannelType.RestHook, Endpoint = url },
    };

    /// <summary>
    /// <c>Task?status=…&amp;owner=HealthcareService/{id}&amp;requester=…</c> → the hub statuses and the service the
    /// notifications are limited to. Only the agency's own referrals are ever delivered (the change feed is per
    /// agency), so a requester must be the caller's own organisation.
    /// </summary>
    internal static (IReadOnlyList<string>? Statuses, Guid? ServiceId) Criteria(string? criteria, ClaimsPrincipal user)
    {
        const string at = "Subscription.criteria";
        if (string.IsNullOrWhiteSpace(criteria) || !(criteria == "Task" || criteria.StartsWith("Task?", StringComparison.Ordinal)))
            throw FhirException.Unprocessable(at, "Subscriptions are offered on Task changes: Task?status=…&owner=HealthcareService/{id}&requester:identifier=…|{your organisation code}.");
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(criteria.Length > 4 ? criteria[4..] : "");
        List<string>? statuses = null;
        Guid? serviceId = null;
        foreach (var (name, values) in query)
        {
            foreach (var value in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
            {
                switch (name)
                {
                    case "status":
                        var status = Hl7.Fhir.Utility.EnumUtility.ParseLiteral<FhirTask.TaskStatus>(value)
                            ?? throw FhirException.Unprocessable(at, $"'{value}' is not a Task status.");
                        (statuses ??= []).AddRange(TaskMapping.HubStatuses(status));
                        break;
                    case "owner":
                        var owner = value.StartsWith("HealthcareService/", StringComparison.Ordinal) ? value["HealthcareService/".Length..] : value;
                        if (!Guid.TryParse(owner, out var service) || (serviceId is { } other && other != service))
                            throw FhirException.Unprocessable(at, "owner=HealthcareService/{id} (one service).");
                        serviceId = service;
                        break;
                    case "requester:identifier":
                        var code = value.Contains('|', StringComparison.Ordinal) ? value[(value.IndexOf('|', StringComparison.Ordinal) + 1)..] : value;
                        if (code != user.Agency())
                            throw FhirException.Of(403, OperationOutcome.IssueType.Forbidden, "A Subscription sees only your own agency's referrals.", at);
                        break;
                    default:
                        throw FhirException.Unprocessable(at, $"'{name}' is not supported in a Subscription's criteria: status, owner, requester:identifier.");
                }
            }
        }
        // A status the hub never uses (e.g. on-hold) matches nothing: refused rather than a Subscription that never fires.
        if (statuses is { Count: 0 }) throw FhirException.Unprocessable(at, "None of these Task statuses is used by the hub.");
        return (statuses?.Distinct().ToList(), serviceId);
    }
}
