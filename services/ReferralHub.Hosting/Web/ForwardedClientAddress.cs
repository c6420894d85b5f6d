using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Behind a reverse proxy every caller arrives from the proxy's address, so per-address limits (token requests,
/// sign-in) would be one shared bucket. When <c>ForwardedHeaders:KnownProxies</c> (addresses) or
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges) name the proxies, the client address and scheme are taken from
/// <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> sent by those proxies only — first in the pipeline, before the
/// rate limits — and everything downstream (limits, logs) sees the client's address. Without the setting the headers
/// are ignored: a client cannot pick its own bucket by sending them.
/// </summary>
public static class ForwardedClientAddress
{
    public const string Section = "ForwardedHeaders";

    public static IHostApplicationBuilder AddForwardedClientAddress(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        if (proxies.Length == 0 && networks.Length == 0) return builder;
        if (builder.Services.Any(d => d.ImplementationType == typeof(Filter))) return builder; // one process, several modules

        var known = proxies.Select(p => IPAddress.TryParse(p, out var address) ? address
            : throw new InvalidOperationException($"{Section}:KnownProxies: '{p}' is not an IP address.")).ToList();
        var ranges = networks.Select(n => System.Net.IPNetwork.TryParse(n, out var network) ? network
            : throw new InvalidOperationException($"{Section}:KnownNetworks: '{n}' is not a CIDR range such as 10.0.0.0/8.")).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies are believed (the framework's default trusts loopback).
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in known) options.KnownProxies.Add(address);
            foreach (var range in ranges) options.KnownIPNetworks.Add(range);
            options.ForwardLimit = section.GetValue("ForwardLimit", 1);
        });
        // First startup filter: outermost, so the limits registered by modules (also startup filters) see the client.
        builder.Services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, Filter>());
        return builder;
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseForwardedHeaders();
            next(app);
        };
    }
}
