using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Dots.Cli;

/// <summary>What the benchmark commands share: a free port, percentiles, and cleaning up the throwaway database.</summary>
internal static class BenchSupport
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    /// <summary>Drops the bench's PostgreSQL database (if it made one) and deletes its data folder.</summary>
    public static async Task CleanUpAsync(string? adminConnectionString, string? database, string dataDir)
    {
        if (database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(adminConnectionString);
            await admin.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
        try
        {
            Directory.Delete(dataDir, true);
        }
        catch (IOException)
        {
        }
    }
}
