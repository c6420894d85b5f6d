using System.Net.Http.Headers;
using System.Text.Json;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Gateway.Routing;

/// <summary>
/// The whole hub as the gateway sees it (distributed mode): <c>GET /health/hub</c> asks every replica of every service
/// for its <c>/health</c> (anonymous; service, replica number and status only, no addresses); <c>GET /ops/messaging/hub</c>
/// gathers every replica's <c>/ops/messaging</c> (queues, error queues, outbox backlogs) with the operator's own token.
/// </summary>
public static class HubStatus
{
    public const string HttpClientName = "hub-status";

    public static IEndpointRouteBuilder MapHubStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/hub", GetHubHealth).AllowAnonymous().WithTags("Operations").WithName("GetHubHealth");
        app.MapGet("/ops/messaging/hub", GetHubMessaging)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Operator))
            .WithTags("Operations").WithName("GetHubMessaging");
        return app;
    }

    private static async Task<IResult> GetHubHealth(ServiceReplicas replicas, IHttpClientFactory http, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        var answers = await Task.WhenAll(replicas.All.Select(async replica =>
        {
            var (code, _) = await AskAsync(client, replica, "/health", authorization: null, cancellationToken);
            return new ReplicaHealth(replica.Service, replica.Replica, code == 200 ? "Healthy" : code == 0 ? "Unreachable" : "Unhealthy", code);
        }));
        var healthy = answers.All(a => a.Status == "Healthy");
        var body = new HubHealth(healthy ? "Healthy" : "Unhealthy", answers);
        return TypedResults.Json(body, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> GetHubMessaging(HttpRequest request, ServiceReplicas replicas, IHttpClientFactory http, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var authorization);
        var answers = await Task.WhenAll(replicas.All.Select(async replica =>
        {
            var (code, body) = await AskAsync(client, replica, "/ops/messaging", authorization, cancellationToken);
            return new ReplicaMessaging(replica.Service, replica.Replica, code, code == 200 && body is not null ? JsonDocument.Parse(body).RootElement.Clone() : null);
        }));
        return TypedResults.Ok(new HubMessaging(answers));
    }

    private static async Task<(int Code, string? Body)> AskAsync(
        HttpClient client, ServiceReplica replica, string path, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(replica.Address, path));
        message.Headers.Authorization = authorization;
        try
        {
            using var response = await client.SendAsync(message, cancellationToken);
            var body = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
            return ((int)response.StatusCode, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (0, null);
        }
    }
}

public sealed record HubHealth(string Status, IReadOnlyList<ReplicaHealth> Services);

public sealed record ReplicaHealth(string Service, int Replica, string Status, int StatusCode);

public sealed record HubMessaging(IReadOnlyList<ReplicaMessaging> Services);

public sealed record ReplicaMessaging(string Service, int Replica, int StatusCode, JsonElement? Messaging);
