using Dots.Infrastructure;
using Dots.Modules.Payments;
using Microsoft.Extensions.Configuration;

namespace Dots.Tests.Payments;

/// <summary>The sandbox keeps books like a real provider: keys are idempotent and an authorization settles once.</summary>
public sealed class SandboxProviderTests(PaymentsPlatform platform) : IClassFixture<PaymentsPlatform>
{
    private static readonly PaymentCard Card = new("4242424242424242");

    private static Money Krw(decimal amount) => new(amount, "KRW");

    [Fact]
    public async Task ASecondCaptureOfOneAuthorization_UnderAnotherKey_IsRefusedAndVisibleInTheLedger()
    {
        var prefix = "t-" + Ids.New();
        var auth = await platform.Sandbox.AuthorizeAsync($"{prefix}:authorize:1", Card, Krw(30000), CancellationToken.None);
        var first = await platform.Sandbox.CaptureAsync($"{prefix}:capture:1", auth.Reference, Krw(30000), CancellationToken.None);
        var second = await platform.Sandbox.CaptureAsync($"{prefix}:capture:2", auth.Reference, Krw(30000), CancellationToken.None);

        Assert.True(first.Approved);
        Assert.False(second.Approved);
        Assert.Equal(ProviderResults.AlreadyCaptured, second.Result);
        var captures = (await platform.SandboxEntriesAsync(prefix)).Where(e => e.Operation == PaymentOperation.Capture).ToList();
        Assert.Equal(2, captures.Count);
        Assert.Single(captures, e => e.Approved);
        Assert.Contains(captures, e => !e.Approved && e.Result == ProviderResults.AlreadyCaptured && e.Key == $"{prefix}:capture:2");
    }

    [Fact]
    public async Task ARetriedCallWithTheSameKey_ReturnsTheFirstResultAndMovesMoneyOnce()
    {
        var prefix = "t-" + Ids.New();
        var auth = await platform.Sandbox.AuthorizeAsync($"{prefix}:authorize:1", Card, Krw(12900), CancellationToken.None);
        var again = await platform.Sandbox.AuthorizeAsync($"{prefix}:authorize:1", Card, Krw(12900), CancellationToken.None);
        var capture = await platform.Sandbox.CaptureAsync($"{prefix}:capture:1", auth.Reference, Krw(12900), CancellationToken.None);
        var retried = await platform.Sandbox.CaptureAsync($"{prefix}:capture:1", auth.Reference, Krw(12900), CancellationToken.None);

        Assert.Equal(auth, again);
        Assert.Equal(capture, retried);
        var entries = await platform.SandboxEntriesAsync(prefix);
        Assert.Equal(2, entries.Count);
        Assert.Equal(capture.Reference, (await platform.Sandbox.LookupAsync($"{prefix}:capture:1", CancellationToken.None))!.Reference);
        Assert.Null(await platform.Sandbox.LookupAsync($"{prefix}:capture:2", CancellationToken.None));
    }

    [Fact]
    public async Task TheSandbox_RefusesWhatTheAuthorizationCannotCover()
    {
        var prefix = "t-" + Ids.New();
        var auth = await platform.Sandbox.AuthorizeAsync($"{prefix}:authorize:1", Card, Krw(10000), CancellationToken.None);

        var tooMuch = await platform.Sandbox.CaptureAsync($"{prefix}:capture:1", auth.Reference, Krw(10001), CancellationToken.None);
        var refundBeforeCapture = await platform.Sandbox.RefundAsync($"{prefix}:refund:1", auth.Reference, Krw(100), CancellationToken.None);
        var capture = await platform.Sandbox.CaptureAsync($"{prefix}:capture:2", auth.Reference, Krw(8000), CancellationToken.None);
        var voidAfterCapture = await platform.Sandbox.VoidAsync($"{prefix}:void:1", auth.Reference, CancellationToken.None);
        var refund = await platform.Sandbox.RefundAsync($"{prefix}:refund:2", auth.Reference, Krw(5000), CancellationToken.None);
        var refundTooMuch = await platform.Sandbox.RefundAsync($"{prefix}:refund:3", auth.Reference, Krw(3001), CancellationToken.None);

        Assert.Equal(ProviderResults.ExceedsAuthorization, tooMuch.Result);
        Assert.Equal(ProviderResults.NotCaptured, refundBeforeCapture.Result);
        Assert.True(capture.Approved);
        Assert.Equal(ProviderResults.AlreadyCaptured, voidAfterCapture.Result);
        Assert.True(refund.Approved);
        Assert.Equal(ProviderResults.ExceedsCaptured, refundTooMuch.Result);
    }

    [Theory]
    [InlineData("4000000000000002", ProviderResults.CardDeclined)]
    [InlineData("4000000000009995", ProviderResults.InsufficientFunds)]
    [InlineData("4242424242424241", ProviderResults.InvalidNumber)]
    [InlineData("5555555555554444", ProviderResults.Approved)]
    public async Task TestCards_AreAnsweredAsTheBigProvidersDo(string number, string expected)
    {
        var result = await platform.Sandbox.AuthorizeAsync("t-" + Ids.New() + ":authorize:1", new PaymentCard(number), Krw(1000), CancellationToken.None);
        Assert.Equal(expected, result.Result);
        Assert.Equal(expected == ProviderResults.Approved, result.Approved);
    }

    [Fact]
    public void FaultsForManualTesting_ComeFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Payments:Sandbox:Faults:0:Mode"] = "Timeout",
            ["Payments:Sandbox:Faults:0:Count"] = "-1",
            ["Payments:Sandbox:Faults:0:Operation"] = "Capture",
            ["Payments:Sandbox:Faults:1:Mode"] = "Decline",
            ["Payments:Sandbox:Faults:1:Count"] = "1",
        }).Build();
        var faults = new SandboxFaults(configuration);

        Assert.Equal(SandboxFaultMode.Timeout, faults.Take(PaymentOperation.Capture)?.Mode);
        Assert.Equal(SandboxFaultMode.Timeout, faults.Take(PaymentOperation.Capture)?.Mode);
        Assert.Equal(SandboxFaultMode.Decline, faults.Take(PaymentOperation.Authorize)?.Mode);
        Assert.Null(faults.Take(PaymentOperation.Authorize));
    }
}
