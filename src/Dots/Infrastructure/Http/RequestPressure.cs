namespace Dots.Infrastructure.Http;

/// <summary>
/// How many requests this instance is serving right now. Work that can wait — the outbox's handlers — reads it to give
/// way to customers while the instance is busy (EventsOptions.BusyRequests). Each instance counts its own requests,
/// which is the right scope: the CPU they compete for is this process's machine.
/// </summary>
public sealed class RequestPressure
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts one piece of customer-facing work until the returned scope is disposed.</summary>
    public IDisposable Enter()
    {
        Interlocked.Increment(ref _inFlight);
        return new Exit(this);
    }

    private sealed class Exit(RequestPressure pressure) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref pressure._inFlight);
            }
        }
    }

    /// <summary>
    /// Counts every request from the moment the pipeline sees it until its response is done — except connections that
    /// stay open while idle (the interactive pages' WebSocket or its fallbacks under <c>/_blazor</c>, event streams):
    /// a page left open is not load, and counting it would keep a quiet instance "busy" for as long as it is open.
    /// </summary>
    internal sealed class Counter(RequestDelegate next, RequestPressure pressure)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            if (StaysOpen(context.Request) || context.WebSockets.IsWebSocketRequest)
            {
                await next(context);
                return;
            }
            using (pressure.Enter())
            {
                await next(context);
            }
        }

        private static bool StaysOpen(HttpRequest request) =>
            request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
            || request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
    }
}
