using Dots.Infrastructure;
using Dots.Modules.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Payments;

public sealed class PaymentConcurrencyTests(PaymentsPlatform platform) : IClassFixture<PaymentsPlatform>
{
    private static readonly PaymentCard Card = new("4242424242424242");

    [Fact]
    public async Task CapturesRacingForOnePurpose_CaptureTheMoneyOnce()
    {
        var purpose = "pledge:" + Ids.New();
        var held = await platform.PaymentsAsync(p => p.AuthorizeAsync(purpose, "backer-1", new Money(25000, "KRW"), Card, null, CancellationToken.None));

        var racers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None))).Status;
            }
            catch (ConflictException)
            {
                return "busy";
            }
        })).ToList();
        var outcomes = await Task.WhenAll(racers);

        Assert.Contains("Captured", outcomes);
        var intent = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Captured", intent.Status);
        Assert.Equal(25000m, intent.Captured.Amount);
        Assert.Single(intent.Payments, x => x.Kind == "capture");
        Assert.Single(await platform.SandboxEntriesAsync(held.Id + ":capture"), e => e.Approved);
    }

    [Fact]
    public async Task TwoSandboxInstances_ShareOneLedger_SoAnAuthorizationIsCapturedOnce()
    {
        var scopes = platform.Services.GetRequiredService<IServiceScopeFactory>();
        var noFaults = new SandboxFaults(new ConfigurationBuilder().Build());
        var a = new SandboxPaymentProvider(scopes, noFaults, TimeProvider.System);
        var b = new SandboxPaymentProvider(scopes, noFaults, TimeProvider.System);
        var prefix = "t-" + Ids.New();
        var auth = await a.AuthorizeAsync($"{prefix}:authorize:1", Card, new Money(8000, "KRW"), CancellationToken.None);

        var results = await Task.WhenAll(
            Task.Run(() => a.CaptureAsync($"{prefix}:capture:a", auth.Reference, new Money(8000, "KRW"), CancellationToken.None)),
            Task.Run(() => b.CaptureAsync($"{prefix}:capture:b", auth.Reference, new Money(8000, "KRW"), CancellationToken.None)),
            Task.Run(() => b.VoidAsync($"{prefix}:void:b", auth.Reference, CancellationToken.None)));

        Assert.Single(results, r => r.Approved);
        Assert.All(results.Where(r => !r.Approved), r => Assert.Contains(r.Result, new[] { ProviderResults.AlreadyCaptured, ProviderResults.AlreadyVoided }));
        Assert.Equal((await a.LookupAsync($"{prefix}:capture:b", CancellationToken.None))!.Result, (await b.LookupAsync($"{prefix}:capture:b", CancellationToken.None))!.Result);
    }

    [Fact]
    public async Task TheReconcileJob_ResolvesStaleAttempts_FromTheProvidersRecord()
    {
        var purpose = "order:" + Ids.New();
        await platform.PaymentsAsync(p => p.AuthorizeAsync(purpose, "buyer-1", new Money(3000, "KRW"), Card, null, CancellationToken.None));
        platform.Faults.Inject(SandboxFaultMode.ErrorAfterMoved, 1, PaymentOperation.Capture);
        await Assert.ThrowsAsync<PaymentProviderUnavailableException>(() => platform.PaymentsAsync(p => p.CaptureAsync(purpose, null, CancellationToken.None)));

        var now = platform.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await platform.PaymentsAsync(p => p.ReconcileStaleAsync(now, CancellationToken.None));
        Assert.Equal("Authorized", (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!.Status);

        await platform.PaymentsAsync(p => p.ReconcileStaleAsync(now.AddMinutes(10), CancellationToken.None));
        var intent = (await platform.PaymentsAsync(p => p.GetAsync(purpose, CancellationToken.None)))!;
        Assert.Equal("Captured", intent.Status);
        Assert.Equal("Succeeded", intent.Attempts.Single(a => a.Kind == "capture").Status);
    }
}
