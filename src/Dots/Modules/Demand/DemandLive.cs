using System.Threading.Channels;
using Dots.Infrastructure.Database;
using Npgsql;

namespace Dots.Modules.Demand;

/// <summary>Demand changed for these shops (and the search roll-ups, when <see cref="Queries"/>).</summary>
public sealed record DemandChange(IReadOnlyList<string> ShopIds, bool Queries, int Events);

/// <summary>
/// Tells live dashboards on this instance that demand changed. The dashboards are interactive Blazor components, so the
/// push reaches the browser over the component's SignalR circuit. With several instances on PostgreSQL, every change is
/// also sent as a NOTIFY on <see cref="Channel"/> and each instance's <see cref="DemandNotifyBridge"/> raises it locally —
/// PostgreSQL is the backplane (ADR 0017); no extra service.
/// </summary>
public sealed class DemandLiveFeed
{
    public const string Channel = "dots_demand";

    internal string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    private readonly System.Threading.Channels.Channel<DemandChange> _outgoing =
        System.Threading.Channels.Channel.CreateBounded<DemandChange>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });

    public event Action<DemandChange>? Changed;

    internal ChannelReader<DemandChange> Outgoing => _outgoing.Reader;

    /// <summary>A change written on this instance: raised here and forwarded to the other instances.</summary>
    public void Publish(DemandChange change)
    {
        Raise(change);
        _outgoing.Writer.TryWrite(change);
    }

    internal void Raise(DemandChange change)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try { ((Action<DemandChange>)handler)(change); }
            catch { /* a dashboard that went away must not stop the others */ }
        }
    }
}

/// <summary>PostgreSQL only: NOTIFY for changes written here, LISTEN for changes written by other instances.</summary>
internal sealed class DemandNotifyBridge(DatabaseSettings settings, DemandLiveFeed feed, ILogger<DemandNotifyBridge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Provider != DatabaseProvider.Postgres) return;
        await Task.Yield();
        var send = SendAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { KeepAlive = 30 }.ToString());
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, n) => OnNotification(n.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {DemandLiveFeed.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Demand LISTEN connection lost; reconnecting");
                try { await Task.Delay(2000, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
        try { await send; } catch (OperationCanceledException) { }
    }

    private void OnNotification(string payload)
    {
        // instance|queries(0/1)|events|shop,shop,…
        var parts = payload.Split('|', 4);
        if (parts.Length < 4 || parts[0] == feed.InstanceId) return;
        feed.Raise(new DemandChange(parts[3].Length == 0 ? [] : parts[3].Split(','), parts[1] == "1", int.TryParse(parts[2], out var n) ? n : 0));
    }

    private async Task SendAsync(CancellationToken ct)
    {
        await foreach (var change in feed.Outgoing.ReadAllAsync(ct))
        {
            try
            {
                var shops = string.Join(',', change.ShopIds);
                if (shops.Length > 7000) shops = ""; // a NOTIFY payload is at most 8000 bytes; "" means "every shop"
                await using var connection = new NpgsqlConnection(settings.ConnectionString);
                await connection.OpenAsync(ct);
                await using var notify = new NpgsqlCommand("SELECT pg_notify(@c, @p)", connection);
                notify.Parameters.AddWithValue("c", DemandLiveFeed.Channel);
                notify.Parameters.AddWithValue("p", $"{feed.InstanceId}|{(change.Queries ? 1 : 0)}|{change.Events}|{shops}");
                await notify.ExecuteNonQueryAsync(ct);
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception e)
            {
                logger.LogWarning(e, "Demand NOTIFY failed; other instances' dashboards refresh on their next change");
            }
        }
    }
}
