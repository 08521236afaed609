using System.Net;
using System.Net.Sockets;

namespace Strata.Source.Local;

/// <summary>Loopback port helpers.</summary>
public static class FreePort
{
    /// <summary>A port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True when something already listens on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsTaken(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
