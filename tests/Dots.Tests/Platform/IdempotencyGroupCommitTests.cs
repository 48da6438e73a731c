using Dots.Infrastructure.Database;
using Dots.Infrastructure.Http;
using Dots.Modules.Catalog;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dots.Tests.Platform;

/// <summary>
/// On PostgreSQL the idempotency store group-commits the claims and answers of requests arriving together, and the
/// checkout's price read is shared (ADR 0023 addendum): each request must still learn exactly what a statement of its
/// own would have told it — one holder per key, every answer stored — and a shared read must not mix up variants.
/// </summary>
public sealed class IdempotencyGroupCommitTests(SharedPlatform platform) : IClassFixture<SharedPlatform>
{
    [PostgresFact]
    public async Task ClaimsArrivingTogether_GetOneHolderPerKey_AndEveryAnswerIsStored()
    {
        var batches = platform.Services.GetRequiredService<IdempotencyBatches>();
        Assert.True(batches.Enabled);
        var user = "group-commit-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var before = batches.ClaimStats;
        using var start = new SemaphoreSlim(0);
        // 40 keys, each claimed three times at once: the copies of one key often share a statement.
        var claims = Enumerable.Range(0, 120).Select(async i =>
        {
            await start.WaitAsync();
            var key = $"k{i % 40}";
            var claimed = await batches.ClaimAsync(new IdempotencyRecord
            {
                UserId = user, Scope = "test", Key = key, RequestHash = "h", CreatedAt = now, LeaseUntil = now.AddSeconds(10), Attempts = 1,
            });
            if (claimed)
            {
                await batches.AnswerAsync(new IdempotencyBatches.Answer(user, "test", key, 201, $"{{\"key\":\"{key}\"}}", key == "k0" ? null : "/x/" + key));
            }
            return (Key: key, Claimed: claimed);
        }).ToList();
        start.Release(claims.Count);
        var results = await Task.WhenAll(claims);

        Assert.All(results.GroupBy(r => r.Key), g => Assert.Equal(1, g.Count(r => r.Claimed)));
        var stored = await platform.WithDbAsync(db => db.IdempotencyRecords.AsNoTracking().Where(r => r.UserId == user).ToListAsync());
        Assert.Equal(40, stored.Count);
        Assert.All(stored, r =>
        {
            Assert.Equal(201, r.StatusCode);
            Assert.Equal($"{{\"key\":\"{r.Key}\"}}", r.ResponseBody);
            Assert.Equal(r.Key == "k0" ? null : "/x/" + r.Key, r.Location);
            Assert.Null(r.LeaseUntil);
        });
        var after = batches.ClaimStats;
        Assert.Equal(120, after.Items - before.Items);
        Assert.True(after.Batches - before.Batches < 120, $"120 claims took {after.Batches - before.Batches} statements: none were shared");
    }

    [PostgresFact]
    public async Task PriceReadsArrivingTogether_EachGetTheirOwnVariants()
    {
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var products = new List<(string VariantId, decimal Price)>();
        for (var i = 0; i < 5; i++)
        {
            var price = 1000 + i * 100;
            products.Add(((await owner.CreateProductAsync(shop, title: $"Read {i}", price: price)).FirstVariantId(), price));
        }
        using var start = new SemaphoreSlim(0);
        var reads = Enumerable.Range(0, 60).Select(async i =>
        {
            await start.WaitAsync();
            await using var scope = platform.Services.CreateAsyncScope();
            var stock = scope.ServiceProvider.GetRequiredService<StockService>();
            var asked = new[] { products[i % 5].VariantId, "no-such-variant" };
            return (Index: i % 5, Read: await stock.GetVariantsAsync(asked, CancellationToken.None));
        }).ToList();
        start.Release(reads.Count);
        foreach (var (index, read) in await Task.WhenAll(reads))
        {
            var only = Assert.Single(read);
            Assert.Equal(products[index].VariantId, only.Key);
            Assert.Equal(products[index].Price, only.Value.Price);
        }
    }

    /// <summary>
    /// PostgreSQL may settle a connection on a prepared statement's generic plan, and for the batched answers and
    /// attaches (a join with arrays of keys whose prefix is the user) that plan reads every claim of each buyer in the
    /// batch on every execution: 15 ms a batch instead of 0.6 ms once buyers had a hundred orders, two thirds of the
    /// database's CPU in a flash sale. Both are planned with their own arrays on every execution.
    /// </summary>
    [PostgresFact]
    public async Task TheBatchedAnswersAndAttaches_ArePlannedWithTheirOwnKeys_NeverOnAGenericPlan()
    {
        var batches = platform.Services.GetRequiredService<IdempotencyBatches>();
        await using (var connection = new NpgsqlConnection(batches.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal("force_custom_plan", await PlanCacheModeAsync(connection));
        }

        var user = "attach-plans-" + Guid.NewGuid().ToString("N");
        var mode = await platform.WithDbAsync(async db =>
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord { UserId = user, Scope = "test", Key = "k", RequestHash = "h", CreatedAt = DateTimeOffset.UtcNow, Attempts = 1 });
            await db.SaveChangesAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            await Idempotency.AttachManyAsync(db, [(new IdempotencyClaim(user, "test", "k"), "order-1")], CancellationToken.None);
            var inTransaction = await PlanCacheModeAsync((NpgsqlConnection)db.Database.GetDbConnection());
            await tx.CommitAsync();
            return inTransaction;
        });
        Assert.Equal("force_custom_plan", mode);
        var attached = await platform.WithDbAsync(db => db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.UserId == user));
        Assert.Equal("order-1", attached.ResourceId);
    }

    /// <summary>
    /// The shared price read finds variants and products by their whole keys, so it runs on generic plans: left to
    /// PostgreSQL's usual choice it was planned anew on every execution (0.3 ms of planning for 0.03 ms of reading).
    /// It runs on a context of its own on the generic-plan connections, built from the application's options: EF binds
    /// its compiled query to one model, and a context with options of its own (a first version) made the query throw on
    /// request contexts — the Stores module's in-transaction reads — once the shared read had run first. No request's
    /// pooled context is ever switched to those connections (another first version did that, and the pool handed the
    /// switched context to later requests), and a price change is seen by the next read.
    /// </summary>
    [PostgresFact]
    public async Task ThePriceRead_RunsOnItsGenericPlan_SharesTheModel_LeavesTheRequestPoolAlone_AndSeesANewPrice()
    {
        var reads = platform.Services.GetRequiredService<SellableVariantReads>();
        var owner = await platform.NewUserAsync();
        var shop = await owner.OpenShopAsync();
        var variantId = (await owner.CreateProductAsync(shop, title: "Generic read", price: 4321)).FirstVariantId();

        await using (var db = reads.NewGenericPlanContext())
        {
            Assert.NotNull(db);
            await db.Database.OpenConnectionAsync();
            // Automatic preparation prepares a statement on its second use; the third runs the prepared one.
            for (var i = 0; i < 4; i++)
            {
                var read = await StockService.QueryAsync(db, [variantId, "no-such-variant"], CancellationToken.None);
                Assert.Equal(4321m, Assert.Single(read).Value.Price);
            }
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            Assert.Equal("force_generic_plan", await PlanCacheModeAsync(connection));
            await using var plans = new NpgsqlCommand(
                """SELECT custom_plans, generic_plans FROM pg_prepared_statements WHERE statement LIKE '%FROM "Variants"%' AND statement LIKE '%= ANY%'""", connection);
            await using var reader = await plans.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "the price read was never prepared on its connection");
            Assert.Equal(0, reader.GetInt64(0));
            Assert.True(reader.GetInt64(1) >= 1, $"the prepared price read ran on its generic plan {reader.GetInt64(1)} times");
        }

        // The same compiled query on a request context, inside a transaction as the Stores module runs it, right after
        // the read's own context ran it: one model, so it answers instead of throwing "executed with a different model".
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            await using var own = reads.NewGenericPlanContext();
            Assert.Same(db.Model, own!.Model);
            await using var tx = await db.Database.BeginTransactionAsync();
            var read = await StockService.QueryAsync(db, [variantId], CancellationToken.None);
            Assert.Equal(4321m, Assert.Single(read).Value.Price);
            await tx.RollbackAsync();
        }

        // Through the checkout's own path, many times over: every read answers with the variant's price, and every
        // request context taken from the pool afterwards still runs on the application's connections.
        var application = platform.Services.GetRequiredService<DatabaseSettings>().ConnectionString;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            await using var scope = platform.Services.CreateAsyncScope();
            var shared = await scope.ServiceProvider.GetRequiredService<StockService>().GetVariantsAsync([variantId], CancellationToken.None);
            Assert.Equal(4321m, Assert.Single(shared).Value.Price);
        }));
        for (var i = 0; i < 20; i++)
        {
            await using var scope = platform.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            Assert.Equal(application, db.Database.GetConnectionString());
            await db.Database.OpenConnectionAsync();
            Assert.NotEqual("force_generic_plan", await PlanCacheModeAsync((NpgsqlConnection)db.Database.GetDbConnection()));
            await db.Database.CloseConnectionAsync();
        }

        await platform.WithDbAsync(db => db.Variants.Where(v => v.Id == variantId).ExecuteUpdateAsync(u => u.SetProperty(v => v.Price, 5000m)));
        await using (var scope = platform.Services.CreateAsyncScope())
        {
            var fresh = await scope.ServiceProvider.GetRequiredService<StockService>().GetVariantsAsync([variantId], CancellationToken.None);
            Assert.Equal(5000m, Assert.Single(fresh).Value.Price);
        }
    }

    private static async Task<string?> PlanCacheModeAsync(NpgsqlConnection connection)
    {
        await using var show = new NpgsqlCommand("SHOW plan_cache_mode", connection);
        return (string?)await show.ExecuteScalarAsync();
    }
}
