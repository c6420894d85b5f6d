using Yarp.ReverseProxy.Configuration;

namespace ReferralHub.Gateway.Routing;

/// <summary>
/// Distributed mode only: which service owns which path. Service addresses come from <c>Services:{name}</c>
/// (defaults: the ports deploy/run-distributed.sh uses), a comma-separated list when a service runs as several
/// replicas: requests are balanced over the replicas that answer their <c>/health</c>. The embedded host needs none of
/// this: every module is in-process.
/// </summary>
public static class ServiceRoutes
{
    private static readonly (string Service, string DefaultAddress, string[] Paths)[] Owners =
    [
        ("directory", "http://127.0.0.1:5081", ["/api/v1/directory/{**rest}", "/api/v1/pathways/{**rest}", "/hsds/{**rest}"]),
        ("consent", "http://127.0.0.1:5082", ["/api/v1/consents/{**rest}"]),
        ("referrals", "http://127.0.0.1:5083", ["/api/v1/referrals/{**rest}", "/api/v1/inbox/{**rest}", "/api/v1/cases/{**rest}", "/api/v1/metrics/{**rest}"]),
        ("transfers", "http://127.0.0.1:5084", ["/api/v1/transfers/{**rest}"]),
        ("portal", "http://127.0.0.1:5085", ["/{**rest}"]),
        ("fhir", "http://127.0.0.1:5086", ["/fhir/{**rest}"]),
    ];

    public static IHostApplicationBuilder AddServiceRoutes(this IHostApplicationBuilder builder)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        var replicas = new List<ServiceReplica>();
        foreach (var (service, defaultAddress, paths) in Owners)
        {
            var addresses = (builder.Configuration[$"Services:{service}"] ?? defaultAddress)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var destinations = addresses.Select((address, i) => (Id: $"{service}-{i + 1}", Address: address)).ToList();
            replicas.AddRange(destinations.Select((d, i) => new ServiceReplica(service, i + 1, new Uri(d.Address))));
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                Destinations = destinations.ToDictionary(d => d.Id, d => new DestinationConfig { Address = d.Address }),
                LoadBalancingPolicy = "PowerOfTwoChoices",
                // A replica that stops answering (killed, restarting) leaves the rotation until its /health is 200 again.
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromSeconds(5),
                        Timeout = TimeSpan.FromSeconds(5),
                        Policy = "ConsecutiveFailures",
                        Path = "/health",
                    },
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = "TransportFailureRate",
                        ReactivationPeriod = TimeSpan.FromSeconds(5),
                    },
                    AvailableDestinationsPolicy = "HealthyOrPanic",
                },
            });
            routes.AddRange(paths.Select((path, i) => new RouteConfig
            {
                RouteId = $"{service}-{i}",
                ClusterId = service,
                Match = new RouteMatch { Path = path },
                // The catch-all portal route must lose to every specific API route and to the gateway's own endpoints.
                Order = path == "/{**rest}" ? 1000 : 100,
                // Authorization is enforced by the owning service on every call; the gateway only forwards.
                AuthorizationPolicy = "anonymous",
            }));
        }

        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        builder.Services.AddSingleton(new ServiceReplicas(replicas));
        builder.Services.AddHttpClient(HubStatus.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(3));
        return builder;
    }
}

/// <summary>One process of a service behind the gateway.</summary>
public sealed record ServiceReplica(string Service, int Replica, Uri Address);

/// <summary>Every service process the gateway forwards to (distributed mode).</summary>
public sealed record ServiceReplicas(IReadOnlyList<ServiceReplica> All);
