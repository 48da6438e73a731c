namespace Dots.Infrastructure.Database;

/// <summary>
/// Group commit for small writes many requests make at once: an item waits while the statement before it runs, and the
/// next statement carries every item that queued meanwhile (at most <see cref="MaxBatch"/>). There is no timer — a lone
/// item goes at once; under load the batch grows by itself to what arrived during one round trip. Each item gets the
/// result its own statement would have given; when the batch's statement fails, <c>run</c> decides what each item gets
/// (the callers here fall back to one statement per item, so one bad row cannot fail its neighbours).
/// State is only the in-process queue: the database stays the truth, and a second instance batches its own requests.
/// </summary>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run, int maxBatch = 256)
{
    private readonly Lock _gate = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> _queue = [];
    private bool _running;
    private long _batches;
    private long _items;

    public int MaxBatch => maxBatch;

    /// <summary>Statements run and the items they carried (items ÷ batches is the batching achieved).</summary>
    public (long Batches, long Items) Stats => (Interlocked.Read(ref _batches), Interlocked.Read(ref _items));

    /// <summary>Queues <paramref name="item"/> and completes with its result once its batch has run.</summary>
    public Task<TResult> RunAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _queue.Add((item, done));
            start = !_running;
            _running = true;
        }
        if (start)
        {
            _ = Task.Run(DrainAsync);
        }
        return done.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _running = false;
                    return;
                }
                if (_queue.Count <= maxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, maxBatch);
                    _queue.RemoveRange(0, maxBatch);
                }
            }
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _items, batch.Count);
            try
            {
                var results = await run(batch.Select(b => b.Item).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                batch.ForEach(b => b.Done.TrySetException(e));
            }
        }
    }
}
