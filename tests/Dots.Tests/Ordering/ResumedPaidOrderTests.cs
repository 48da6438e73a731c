using System.Net;
using System.Net.Http.Json;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dots.Tests.Ordering;

/// <summary>
/// A retry that takes over the claim of an order already paid (the first try died after its Paid commit, before it
/// stored its answer) resumes it: the same 201, and the shops' payouts stay booked once — the booking is idempotent by
/// design (INSERT … ON CONFLICT DO NOTHING), so no unique violation is raised, logged or swallowed.
/// </summary>
public sealed class ResumedPaidOrderTests(ResumedPaidOrderTests.Platform platform) : IClassFixture<ResumedPaidOrderTests.Platform>
{
    /// <summary>A platform whose log entries the test reads.</summary>
    public sealed class Platform : DotsFactory
    {
        public CapturedLogs Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }

    [Fact]
    public async Task AResumeOfAnOrderAlreadyPaid_AnswersTheSame201_WithOnePayoutPerShopPart_AndLogsNoDatabaseError()
    {
        var ownerA = await platform.NewUserAsync();
        var a = await ownerA.CreateProductAsync(await ownerA.OpenShopAsync("Shop A"), stock: 5);
        var ownerB = await platform.NewUserAsync();
        var b = await ownerB.CreateProductAsync(await ownerB.OpenShopAsync("Shop B"), stock: 5);
        var buyer = await platform.NewUserAsync();
        var body = new
        {
            items = new[] { new { variantId = a.FirstVariantId(), quantity = 1 }, new { variantId = b.FirstVariantId(), quantity = 2 } },
            shippingAddress = Api.Address,
            payment = new { method = "card", cardNumber = Api.ApprovedCard },
        };
        var key = Guid.NewGuid().ToString("N");
        var first = await (await buyer.PlaceOrderAsync(body, key)).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)first["id"]!;

        // The first try's process died after the Paid commit (payouts booked in it) and before it stored its answer:
        // the claim names the order, has no answer, and its lease has run out.
        await platform.WithDbAsync(db => db.IdempotencyRecords.Where(r => r.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, (int?)null).SetProperty(r => r.ResponseBody, (string?)null)
                .SetProperty(r => r.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(-1))));
        platform.Logs.Clear();

        var resumed = await buyer.PlaceOrderAsync(body, key);
        var answer = await resumed.JsonAsync(HttpStatusCode.Created);
        Assert.False(resumed.Headers.Contains("Idempotent-Replayed"), "the answer was replayed, not resumed");
        Assert.Equal(orderId, (string)answer["id"]!);
        Assert.Equal("Paid", (string?)answer["status"]);
        Assert.Equal((decimal)first["total"]!["amount"]!, (decimal)answer["total"]!["amount"]!);

        var sales = await platform.WithDbAsync(db => db.Set<PayoutLedgerEntry>()
            .Where(e => e.OrderId == orderId && e.Kind == PayoutLedgerKind.Sale).Select(e => e.Reference).ToListAsync());
        Assert.Equal(2, sales.Count);
        Assert.Equal(2, sales.Distinct().Count());
        var errors = DatabaseErrors();
        Assert.True(errors.Count == 0, "errors logged during the resume:\n" + string.Join("\n", errors));

        // And the retry after that is a plain replay of the same answer.
        var replay = await buyer.PlaceOrderAsync(body, key);
        Assert.Equal(orderId, (string)(await replay.JsonAsync(HttpStatusCode.Created))["id"]!);
    }

    [Fact]
    public async Task BookingASaleTwice_BooksItOnce_ReturnsFalse_AndLogsNothing()
    {
        var shop = Dots.Infrastructure.Ids.New();
        var order = Dots.Infrastructure.Ids.New();
        await platform.NewUserAsync(); // the platform is up (its start-up writes its own log lines)
        platform.Logs.Clear();
        async Task<bool> BookAsync()
        {
            await using var scope = platform.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PayoutLedger>()
                .BookSaleAsync(shop, order, "part-1", new Dots.Infrastructure.Money(12_345.5m, "USD"), 0.1m, CancellationToken.None);
        }
        var results = await Task.WhenAll(BookAsync(), BookAsync(), BookAsync());
        Assert.Equal(1, results.Count(r => r));
        Assert.False(await BookAsync());
        var lines = await platform.WithDbAsync(db => db.Set<PayoutLedgerEntry>().Where(e => e.ShopId == shop).ToListAsync());
        Assert.Equal(2, lines.Count);
        // The values went through the model's conversions (SQLite's scaled decimals and tick instants).
        Assert.Equal(12_345.5m, lines.Single(l => l.Kind == PayoutLedgerKind.Sale).Amount);
        Assert.Equal(-1_234.55m, lines.Single(l => l.Kind == PayoutLedgerKind.Commission).Amount);
        Assert.True(Math.Abs((lines[0].At - DateTimeOffset.UtcNow).TotalMinutes) < 5);
        Assert.Empty(DatabaseErrors());
    }

    /// <summary>Errors the database layer logged: a failed command or save (a unique violation raised and caught is one).</summary>
    private List<string> DatabaseErrors() => platform.Logs.Entries
        .Where(e => e.Level >= LogLevel.Error && (e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) || e.Category.StartsWith("Npgsql", StringComparison.Ordinal)))
        .Select(e => $"{e.Category}: {e.Message}").ToList();
}
