using System.Net;
using System.Net.Sockets;

namespace ReferralHub.Testing;

/// <summary>Finds free TCP ports on the loopback interface for throwaway servers.</summary>
public static class FreePort
{
    // Ports handed to servers that bind them a little later. Kept below the kernel's ephemeral range
    // (32768-60999 on Linux) so outgoing connections cannot grab them in between, and away from the
    // ports RabbitMQ's CLI tools use for their own distribution (35672-35682) and RabbitMQ's defaults.
    private const int PairRangeStart = 20000;
    private const int PairRangeEnd = 32000;

    /// <summary>A port that is free on 127.0.0.1 right now (the kernel picks it: bind to port 0).</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port <c>p</c> such that both <c>p</c> and <c>p + 1</c> are free on 127.0.0.1 right now.</summary>
    public static int FindPair()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(PairRangeStart, PairRangeEnd);
            if (IsDefaultServicePort(port) || IsDefaultServicePort(port + 1))
            {
                continue;
            }

            if (IsFree(port) && IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException(
            $"Could not find two consecutive free loopback ports between {PairRangeStart} and {PairRangeEnd}.");
    }

    /// <summary>True when a listener can bind 127.0.0.1:<paramref name="port"/> right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsDefaultServicePort(int port) => port is 25672 or 15672 or 5672 or 5432 or 4369;
}
