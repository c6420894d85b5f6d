using System.Net;
using System.Net.Sockets;

namespace ReferralHub.Referrals.Webhooks;

/// <summary>
/// Keeps callbacks off the hub's own network (server-side request forgery): an agency admin could otherwise point a
/// webhook at a cloud metadata endpoint, a database port or an internal admin page, and the hub would call it with
/// its own network position. Refused at registration for an address literal, and again at connection time for
/// whatever a host name resolves to (so a DNS answer changed after registration does not get through either).
/// Private networks are allowed in Development, or with <c>Referrals:Webhooks:AllowPrivateNetworks=true</c> for a
/// deployment whose agency systems sit on a private network with the hub.
/// </summary>
public static class WebhookAddressGuard
{
    public const string Refusal = "the address is on a private, loopback or link-local network";

    public static bool IsForbidden(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // IPv6 forms that carry an IPv4 address reach that address: judge the IPv4 one (mapped, NAT64, 6to4).
            if (EmbeddedIPv4(address) is { } inner) return IsForbidden(inner);
            var v6 = address.GetAddressBytes();
            return IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (v6[0] & 0xFE) == 0xFC                                               // fc00::/7 unique local
                || IsZero(v6, 0, 12)                                                    // ::/96 IPv4-compatible (deprecated)
                || (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B && v6[4] == 0x00 && v6[5] == 0x01) // 64:ff9b:1::/48 local NAT64
                || (v6[0] == 0x01 && IsZero(v6, 1, 7))                                  // 100::/64 discard-only
                || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x00 && v6[3] == 0x00); // 2001::/32 Teredo (hides its IPv4 target)
        }

        var b = address.GetAddressBytes();
        return b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224                // "this" network, private, loopback, multicast, reserved, broadcast
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)                           // 100.64.0.0/10 carrier-grade NAT
            || (b[0] == 169 && b[1] == 254)                                         // link-local, cloud metadata
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)                            // 172.16.0.0/12
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)                              // 192.0.0.0/24 IETF protocol assignments
            || (b[0] == 192 && b[1] == 88 && b[2] == 99)                            // 192.88.99.0/24 6to4 relay anycast
            || (b[0] == 192 && b[1] == 168)                                         // 192.168.0.0/16
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19));                         // 198.18.0.0/15 benchmarking (often lab or internal)
    }

    /// <summary>The IPv4 address inside ::ffff:0:0/96 (mapped), ::ffff:0:0:0/96 (translated), 64:ff9b::/96 (NAT64) or 2002::/16 (6to4).</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (IsZero(b, 0, 8) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0) return new IPAddress(b[12..16]);
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && IsZero(b, 4, 8)) return new IPAddress(b[12..16]);
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b[2..6]);
        return null;
    }

    private static bool IsZero(byte[] bytes, int start, int count) => bytes.AsSpan(start, count).IndexOfAnyExcept((byte)0) < 0;

    /// <summary>True when the URL names a forbidden address literal or localhost (checked at registration).</summary>
    public static bool NamesForbiddenHost(Uri url) =>
        url.IsLoopback || string.Equals(url.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && IsForbidden(literal));

    /// <summary>
    /// The delivery handler: no redirects (a 3xx is a failed delivery), and no connection to a forbidden address.
    /// Through an outbound proxy (<paramref name="proxy"/>, by default the environment's <c>HTTPS_PROXY</c>/<c>HTTP_PROXY</c>)
    /// the hub connects to the proxy, which the operator chose and may sit on a private network; the callback's own
    /// host is then resolved and checked before each request, and refused when any of its addresses is forbidden.
    /// </summary>
    public static HttpMessageHandler CreateHandler(bool allowPrivateNetworks, IWebProxy? proxy = null)
    {
        proxy ??= HttpClient.DefaultProxy;
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            Proxy = proxy,
            UseProxy = true,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
                var toProxy = ProxyFor(proxy, context.InitialRequestMessage.RequestUri) is { } proxyUri
                    && string.Equals(proxyUri.IdnHost.Trim('[', ']'), context.DnsEndPoint.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
                    && proxyUri.Port == context.DnsEndPoint.Port;
                var allowed = allowPrivateNetworks || toProxy ? addresses : [.. addresses.Where(a => !IsForbidden(a))];
                if (allowed.Length == 0) throw new HttpRequestException($"Webhook host '{context.DnsEndPoint.Host}' refused: {Refusal}.");
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return allowPrivateNetworks ? sockets : new ProxiedTargetCheck(proxy) { InnerHandler = sockets };
    }

    private static Uri? ProxyFor(IWebProxy proxy, Uri? target)
    {
        if (target is null || proxy.IsBypassed(target)) return null;
        var proxyUri = proxy.GetProxy(target);
        return proxyUri is null || proxyUri == target ? null : proxyUri;
    }

    /// <summary>
    /// Before a request goes through a proxy: the proxy resolves the callback's host itself, so the hub checks it here.
    /// Stricter than the direct path (any forbidden address refuses), since the proxy may pick any of them.
    /// </summary>
    private sealed class ProxiedTargetCheck(IWebProxy proxy) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } target && ProxyFor(proxy, target) is not null)
            {
                var host = target.IdnHost.Trim('[', ']');
                var addresses = IPAddress.TryParse(host, out var literal) ? new[] { literal } : await Dns.GetHostAddressesAsync(host, cancellationToken);
                if (addresses.Length == 0 || addresses.Any(IsForbidden) || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                    throw new HttpRequestException($"Webhook host '{target.IdnHost}' refused: {Refusal}.");
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
