using Yarp.ReverseProxy.Configuration;

namespace ReferralHub.Gateway.Routing;

/// <summary>
/// Distributed mode only: which service owns which path. Service addresses come from <c>Services:{name}</c>
/// (defaults: the ports deploy/run-distributed.sh uses). The embedded host needs none of this: every module is in-process.
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
        foreach (var (service, defaultAddress, paths) in Owners)
        {
            var address = builder.Configuration[$"Services:{service}"] ?? defaultAddress;
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                Destinations = new Dictionary<string, DestinationConfig> { [service] = new() { Address = address } },
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
        return builder;
    }
}
