using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Payments;

/// <summary>
/// A flash sale's orders are paid in batches (<see cref="PaymentService.PayManyNewAsync"/>): one record per step for the
/// whole batch (on PostgreSQL a single statement). Each order must end exactly as if paid alone — captured once, its
/// attempts closed with the provider's references — and a batch that finds an intent moved under it (a resume got
/// there first) must write none of its record, leaving every order to be finished on its own.
/// </summary>
public sealed class BatchPaymentTests(PaymentsPlatform platform) : IClassFixture<PaymentsPlatform>, IDisposable
{
    private static readonly PaymentCard Card = new("4242424242424242");

    public void Dispose() => platform.Faults.Clear();

    private static List<PaymentOrder> Orders(int count, decimal amount = 12900) =>
        Enumerable.Range(0, count).Select(i => new PaymentOrder("order:" + Ids.New(), "buyer-" + i, new Money(amount + i, "KRW"), Card)).ToList();

    [Fact]
    public async Task ABatch_CapturesEachOrderOnce_AndRecordsEveryAttempt()
    {
        var orders = Orders(6);
        var outcomes = await platform.PaymentsAsync(p => p.PayManyNewAsync(orders));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        for (var i = 0; i < orders.Count; i++)
        {
            var paid = outcomes[i].Paid;
            Assert.NotNull(paid);
            var stored = (await platform.PaymentsAsync(p => p.GetAsync(orders[i].Purpose, CancellationToken.None)))!;
            Assert.Equal("Captured", stored.Status);
            Assert.Equal(orders[i].Amount.Amount, stored.Captured.Amount);
            Assert.Equal(["authorize", "capture"], stored.Payments.Select(x => x.Kind).ToArray());
            Assert.All(stored.Attempts, a => Assert.Equal("Succeeded", a.Status));
            Assert.Equal(paid.Payments, stored.Payments);
            Assert.Single(await platform.SandboxEntriesAsync(stored.Id + ":capture"));
        }
        // Paying any of them again charges nothing more.
        var again = await platform.PaymentsAsync(p => p.PayAsync(orders[0].Purpose, orders[0].PayerId, orders[0].Amount, Card, CancellationToken.None));
        Assert.Equal("Captured", again.Status);
        Assert.Single(await platform.SandboxEntriesAsync(again.Id + ":capture"));
    }

    [Fact]
    public async Task ABatchWhoseIntentMoved_WritesNoneOfItsRecord_AndEachOrderIsFinishedAlone()
    {
        var orders = Orders(4);
        // The authorizations wait a moment; meanwhile a "resume" records something on the second order's intent.
        platform.Faults.Inject(SandboxFaultMode.Latency, -1, PaymentOperation.Authorize, TimeSpan.FromMilliseconds(700));
        var paying = platform.PaymentsAsync(p => p.PayManyNewAsync(orders));
        string? movedId = null;
        for (var i = 0; i < 100 && movedId is null; i++)
        {
            await Task.Delay(20);
            movedId = await platform.WithDbAsync(db => db.Set<PaymentIntent>().Where(x => x.Purpose == orders[1].Purpose).Select(x => x.Id).FirstOrDefaultAsync());
        }
        Assert.NotNull(movedId);
        await platform.WithDbAsync(db => db.Set<PaymentIntent>().Where(x => x.Id == movedId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, x => x.Version + 1)));
        var outcomes = await paying;
        platform.Faults.Clear();

        // No order was confirmed by the batch, and no capture was started for any: the batch's record rolled back whole.
        Assert.All(outcomes, o => Assert.Null(o.Paid));
        foreach (var order in orders)
        {
            var stored = (await platform.PaymentsAsync(p => p.GetAsync(order.Purpose, CancellationToken.None)))!;
            Assert.DoesNotContain(stored.Attempts, a => a.Kind == "capture");
            Assert.Empty(await platform.SandboxEntriesAsync(stored.Id + ":capture"));
        }
        // Each is then paid on its own, from what was recorded: captured exactly once.
        foreach (var order in orders)
        {
            var paid = await platform.PaymentsAsync(p => p.PayAsync(order.Purpose, order.PayerId, order.Amount, Card, CancellationToken.None));
            Assert.Equal("Captured", paid.Status);
            Assert.Single(await platform.SandboxEntriesAsync(paid.Id + ":capture"));
            Assert.Single(await platform.SandboxEntriesAsync(paid.Id + ":authorize"));
        }
    }
}
