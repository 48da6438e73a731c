using Dots.Infrastructure.Database;

namespace Dots.Tests.Platform;

/// <summary>
/// The group commit under the idempotency store and the shared price read: whatever the interleaving, each caller gets
/// its own item's result, a statement never carries more than its cap, and a statement that fails fails only the items
/// it carried — the callers queued behind it are served by the next one.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task ConcurrentCallers_EachGetTheirOwnResult_InBatchesNoLargerThanTheCap()
    {
        var sizes = new List<int>();
        var group = new GroupCommit<int, string>(async items =>
        {
            lock (sizes)
            {
                sizes.Add(items.Count);
            }
            await Task.Delay(5);
            return items.Select(i => "r" + i).ToList();
        }, maxBatch: 16);

        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => group.RunAsync(i))));

        Assert.Equal(Enumerable.Range(0, 400).Select(i => "r" + i), results);
        Assert.All(sizes, s => Assert.InRange(s, 1, 16));
        Assert.Equal(400, sizes.Sum());
        Assert.True(sizes.Count < 400, "no two callers ever shared a statement");
        Assert.Equal((sizes.Count, 400L), (group.Stats.Batches, group.Stats.Items));
    }

    [Fact]
    public async Task AFailingStatement_FailsOnlyItsItems_AndTheNextBatchRuns()
    {
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var calls = 0;
        var group = new GroupCommit<int, int>(async items =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                started.SetResult();
                await release.Task;
                throw new InvalidOperationException("the database went away");
            }
            return items.Select(i => i * 10).ToList();
        });

        var first = group.RunAsync(1);
        await started.Task;
        // These queue while the first statement runs, so they go in the next one.
        var behind = Enumerable.Range(2, 5).Select(group.RunAsync).ToList();
        release.SetResult();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        Assert.Equal("the database went away", error.Message);
        var answers = await Task.WhenAll(behind);
        Assert.Equal(new[] { 20, 30, 40, 50, 60 }, answers);
        Assert.Equal(70, await group.RunAsync(7));
    }
}
