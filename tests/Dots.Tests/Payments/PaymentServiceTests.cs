using Dots.Infrastructure;
using Dots.Modules.Payments;

namespace Dots.Tests.Payments;

public sealed class PaymentServiceTests(PaymentsPlatform platform) : IClassFixture<PaymentsPlatform>, IDisposable
{
    private static readonly PaymentCard Card = new("4242424242424242");

    private static Money Krw(decimal amount) => new(amount, "KRW");

    private static string NewPurpose() => "order:" + Ids.New();

    public void Dispose() => platform.Faults.Clear();

    [Fact]
    public async Task Pay_AuthorizesAndCapturesOnce_EvenWhenCaptureIsCalledAgain()
    {
        var purpose = NewPurpose();
        var paid = await platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(38700), Card, CancellationToken.None));
        var again = await platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None));
        var payAgain = await platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(38700), Card, CancellationToken.None));

        Assert.Equal("Captured", paid.Status);
        Assert.Equal(["authorize", "capture"], paid.Payments.Select(x => x.Kind).ToArray());
        Assert.Equal(38700m, paid.Captured.Amount);
        Assert.Equal(paid.Payments, again.Payments);
        Assert.Equal(paid.Attempts.Count, payAgain.Attempts.Count);
        Assert.Equal([$"{paid.Id}:authorize:1", $"{paid.Id}:capture:1"], paid.Attempts.Select(a => a.ProviderKey).ToArray());
        Assert.Single(await platform.SandboxEntriesAsync(paid.Id + ":capture"));
        var many = await platform.PaymentsAsync(p => p.GetManyAsync([purpose, "order:none"], CancellationToken.None));
        Assert.Equal(paid.Payments, Assert.Single(many).Value.Payments);
    }

    [Fact]
    public async Task ADeclinedCard_Throws402AndRecordsADeclinedAttempt_ThenAnotherCardMayTry()
    {
        var purpose = NewPurpose();
        var e = await Assert.ThrowsAsync<PaymentDeclinedException>(() =>
            platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(5000), new PaymentCard("4000000000000002"), CancellationToken.None)));
        Assert.Equal(402, Dots.Infrastructure.Http.ProblemMapper.TryMap(e)?.Status);
        var declined = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Failed", declined.Status);
        Assert.Equal("Declined", Assert.Single(declined.Attempts).Status);
        Assert.Empty(declined.Payments);

        var paid = await platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(5000), Card, CancellationToken.None));
        Assert.Equal("Captured", paid.Status);
        Assert.Equal($"{paid.Id}:authorize:2", paid.Attempts.Single(a => a.Kind == "authorize" && a.Status == "Succeeded").ProviderKey);
    }

    [Fact]
    public async Task ADeclinedCapture_IsHandled_NeverRecordedAsSuccess_AndTheHoldIsReleased()
    {
        var purpose = NewPurpose();
        platform.Faults.Inject(SandboxFaultMode.Decline, 1, PaymentOperation.Capture);
        await Assert.ThrowsAsync<PaymentDeclinedException>(() => platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(9900), Card, CancellationToken.None)));

        var intent = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Voided", intent.Status);
        Assert.Equal(0m, intent.Captured.Amount);
        Assert.Equal("Declined", intent.Attempts.Single(a => a.Kind == "capture").Status);
        Assert.Equal(["authorize", "void"], intent.Payments.Select(x => x.Kind).ToArray());
    }

    [Fact]
    public async Task ATimeout_LeavesTheAttemptUnknown_ReconcileResolvesIt_AndARetrySendsTheSameKey()
    {
        var purpose = NewPurpose();
        await platform.PaymentsAsync(p => p.AuthorizeAsync(purpose, "buyer-1", Krw(20000), Card, null, CancellationToken.None));
        platform.Faults.Inject(SandboxFaultMode.Timeout, 1, PaymentOperation.Capture);
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None)));

        var unknown = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Unknown", unknown.Attempts.Single(a => a.Kind == "capture").Status);
        Assert.Equal("Authorized", unknown.Status);

        var reconciled = await platform.PaymentsAsync(p => p.ReconcileAsync(purpose, CancellationToken.None));
        Assert.Equal(1, reconciled.Resolved);
        Assert.Equal("Failed", reconciled.Intent.Attempts.Single(a => a.Kind == "capture").Status);
        Assert.Equal("Authorized", reconciled.Intent.Status);

        var captured = await platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None));
        Assert.Equal("Captured", captured.Status);
        var capture = Assert.Single(captured.Attempts, a => a.Kind == "capture");
        Assert.Equal($"{captured.Id}:capture:1", capture.ProviderKey);
        Assert.Single(await platform.SandboxEntriesAsync(captured.Id + ":capture"));
    }

    [Fact]
    public async Task AnErrorAfterTheMoneyMoved_IsFoundByReconcile_AndBookedAsSuccessOnce()
    {
        var purpose = NewPurpose();
        await platform.PaymentsAsync(p => p.AuthorizeAsync(purpose, "buyer-1", Krw(20000), Card, null, CancellationToken.None));
        platform.Faults.Inject(SandboxFaultMode.ErrorAfterMoved, 1, PaymentOperation.Capture);
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None)));

        var before = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Unknown", before.Attempts.Single(a => a.Kind == "capture").Status);
        Assert.True(Assert.Single(await platform.SandboxEntriesAsync(before.Id + ":capture")).Approved);

        var reconciled = await platform.PaymentsAsync(p => p.ReconcileAsync(purpose, CancellationToken.None));
        Assert.Equal("Captured", reconciled.Intent.Status);
        Assert.Equal(20000m, reconciled.Intent.Captured.Amount);
        Assert.Equal("Succeeded", reconciled.Intent.Attempts.Single(a => a.Kind == "capture").Status);

        var again = await platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None));
        Assert.Single(again.Payments, x => x.Kind == "capture");
        Assert.Single(await platform.SandboxEntriesAsync(before.Id + ":capture"));
    }

    [Fact]
    public async Task ARetryAfterAnErrorAfterTheMoneyMoved_ReconcilesFirst_AndDoesNotChargeTwice()
    {
        var purpose = NewPurpose();
        platform.Faults.Inject(SandboxFaultMode.ErrorAfterMoved, 1, PaymentOperation.Authorize);
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(7000), Card, CancellationToken.None)));

        var paid = await platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(7000), Card, CancellationToken.None));
        Assert.Equal("Captured", paid.Status);
        Assert.Equal(["authorize", "capture"], paid.Payments.Select(x => x.Kind).ToArray());
        Assert.Single(await platform.SandboxEntriesAsync(paid.Id + ":authorize"));
    }

    [Fact]
    public async Task Latency_SlowsTheProviderButThePaymentStillHappensOnce()
    {
        var purpose = NewPurpose();
        platform.Faults.Inject(SandboxFaultMode.Latency, 2, latency: TimeSpan.FromMilliseconds(50));
        var paid = await platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(1500), Card, CancellationToken.None));

        Assert.Equal("Captured", paid.Status);
        Assert.Equal(2, (await platform.SandboxEntriesAsync(paid.Id)).Count);
        Assert.Null(platform.Faults.Take(PaymentOperation.Refund));
    }

    [Fact]
    public async Task HoldsExpire_AndExpireHoldsVoidsThemOnce()
    {
        var purpose = "pledge:" + Ids.New();
        var held = await platform.PaymentsAsync(p => p.AuthorizeAsync(purpose, "backer-1", Krw(45000), Card, TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Equal("Authorized", held.Status);
        Assert.NotNull(held.HoldExpiresAt);
        var expiresAt = held.HoldExpiresAt!.Value;

        await platform.PaymentsAsync(p => p.ExpireHoldsAsync(expiresAt.AddMinutes(-1), CancellationToken.None));
        Assert.Equal("Authorized", (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!.Status);

        await platform.PaymentsAsync(p => p.ExpireHoldsAsync(expiresAt.AddMinutes(1), CancellationToken.None));
        await platform.PaymentsAsync(p => p.ExpireHoldsAsync(expiresAt.AddMinutes(2), CancellationToken.None));
        var expired = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Expired", expired.Status);
        Assert.Null(expired.HoldExpiresAt);
        Assert.Equal(["authorize", "void"], expired.Payments.Select(x => x.Kind).ToArray());
        Assert.True(Assert.Single(await platform.SandboxEntriesAsync(expired.Id + ":void")).Approved);
        await Assert.ThrowsAsync<ConflictException>(() => platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None)));
    }

    [Fact]
    public async Task ADeposit_CapturesPartForDamage_AndTheRestIsReleased()
    {
        var purpose = "deposit:" + Ids.New();
        await platform.PaymentsAsync(p => p.AuthorizeAsync(purpose, "renter-1", Krw(100000), Card, TimeSpan.FromDays(30), CancellationToken.None));
        var charged = await platform.PaymentsAsync(p => p.CaptureAsync(purpose, Krw(30000), CancellationToken.None));

        Assert.Equal("Captured", charged.Status);
        Assert.Equal(30000m, charged.Captured.Amount);
        Assert.Equal(30000m, charged.Payments.Single(x => x.Kind == "capture").Amount.Amount);
        await Assert.ThrowsAsync<ConflictException>(() => platform.PaymentsAsync(p => p.VoidAsync(purpose, CancellationToken.None)));
    }

    [Fact]
    public async Task ARefundAskedForTwice_IsMadeOnce_AndRefundsNeverExceedTheCapture()
    {
        var purpose = NewPurpose();
        await platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(10000), Card, CancellationToken.None));

        await platform.PaymentsAsync(p => p.RefundAsync(purpose, Krw(4000), "damaged item", CancellationToken.None, "return-1"));
        var twice = await platform.PaymentsAsync(p => p.RefundAsync(purpose, Krw(4000), "damaged item", CancellationToken.None, "return-1"));
        Assert.Equal("PartiallyRefunded", twice.Status);
        Assert.Equal(4000m, twice.Refunded.Amount);
        Assert.Single(await platform.SandboxEntriesAsync(twice.Id + ":refund"));

        await Assert.ThrowsAsync<RequestValidationException>(() =>
            platform.PaymentsAsync(p => p.RefundAsync(purpose, Krw(6001), "cancelled", CancellationToken.None, "cancel-1")));
        var full = await platform.PaymentsAsync(p => p.RefundAsync(purpose, Krw(6000), "cancelled", CancellationToken.None, "cancel-1"));
        Assert.Equal("Refunded", full.Status);
        Assert.Equal(["authorize", "capture", "refund", "refund"], full.Payments.Select(x => x.Kind).ToArray());
    }

    [Fact]
    public async Task ADeclinedRefund_IsNeverRecordedAsSuccess()
    {
        var purpose = NewPurpose();
        await platform.PaymentsAsync(p => p.PayAsync(purpose, "buyer-1", Krw(10000), Card, CancellationToken.None));
        platform.Faults.Inject(SandboxFaultMode.Decline, 1, PaymentOperation.Refund);
        await Assert.ThrowsAsync<PaymentDeclinedException>(() => platform.PaymentsAsync(p => p.RefundAsync(purpose, Krw(10000), "cancelled", CancellationToken.None)));

        var intent = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Captured", intent.Status);
        Assert.Equal(0m, intent.Refunded.Amount);
        Assert.Equal("Declined", intent.Attempts.Single(a => a.Kind == "refund").Status);
    }
}
