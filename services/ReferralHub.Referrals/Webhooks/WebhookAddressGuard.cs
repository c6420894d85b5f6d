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
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (address.GetAddressBytes()[0] & 0xFE) == 0xFC; // fc00::/7
        var b = address.GetAddressBytes();
        return b[0] == 0 || b[0] == 10 || b[0] >= 224                  // "this" network, private, multicast and reserved
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)             // carrier-grade NAT
            || (b[0] == 169 && b[1] == 254)                           // link-local, cloud metadata
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168);
    }

    /// <summary>True when the URL names a forbidden address literal or localhost (checked at registration).</summary>
    public static bool NamesForbiddenHost(Uri url) =>
        url.IsLoopback || string.Equals(url.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && IsForbidden(literal));

    /// <summary>The delivery handler: no redirects (a 3xx is a failed delivery), and no connection to a forbidden address.</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = allowPrivateNetworks ? addresses : [.. addresses.Where(a => !IsForbidden(a))];
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
}
