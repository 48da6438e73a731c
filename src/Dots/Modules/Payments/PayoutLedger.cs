using System.Globalization;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Payments;

/// <summary>
/// What the platform owes each shop, and the runs that pay it. Booking is idempotent (one line per reference, kind and
/// shop); a run pays each shop the balance of its settled lines — sales older than <c>Payments:SettlementDelay</c>,
/// refunds as soon as they happen, so they are netted — and claims those lines with a compare-and-set, so two runs
/// that start at once still pay every line exactly once.
/// </summary>
public sealed class PayoutLedger(DotsDbContext db, TimeProvider clock, IOptions<PaymentsOptions> options, ILogger<PayoutLedger> logger)
{
    private readonly DotsDbContext _db = db;
    private readonly TimeProvider _clock = clock;
    private readonly PaymentsOptions _options = options.Value;
    private readonly ILogger<PayoutLedger> _logger = logger;

    private IQueryable<PayoutLedgerEntry> Entries => _db.Set<PayoutLedgerEntry>().AsNoTracking();

    /// <summary>
    /// Books a shop's part of a paid order: the gross sale and the platform's commission (default
    /// <c>Payments:CommissionRate</c>). Returns false when this part was booked before (nothing is booked twice).
    /// </summary>
    public Task<bool> BookSaleAsync(string shopId, string orderId, string partId, Money gross, decimal? commissionRate, CancellationToken ct, DateTimeOffset? at = null)
    {
        var (sale, commission) = SaleLines(new ShopSale(shopId, orderId, partId, gross), commissionRate, at ?? _clock.GetUtcNow());
        return BookAsync(shopId, orderId, sale.Reference, at,
            (PayoutLedgerKind.Sale, sale.Amount, sale.Currency), (PayoutLedgerKind.Commission, commission.Amount, commission.Currency), ct);
    }

    /// <summary>
    /// <see cref="BookSaleAsync"/> inside the caller's unit of work: adds the sale and commission lines to
    /// <paramref name="callerDb"/> without saving, so the caller's next <c>SaveChanges</c> books them in its own
    /// transaction (the order's Placed → Paid write) with no round trip of their own. Only for a part that cannot have
    /// been booked yet — a duplicate fails the caller's whole write (the ledger is unique per reference, kind and shop).
    /// </summary>
    public void StageSale(DotsDbContext callerDb, string shopId, string orderId, string partId, Money gross, decimal? commissionRate, DateTimeOffset? at = null)
    {
        var (sale, commission) = SaleLines(new ShopSale(shopId, orderId, partId, gross), commissionRate, at ?? _clock.GetUtcNow());
        callerDb.Set<PayoutLedgerEntry>().AddRange(sale, commission);
    }

    /// <summary>
    /// <see cref="StageSale"/> for many parts at once (the orders a checkout batch confirms together), inside the
    /// transaction open on <paramref name="callerDb"/>: on PostgreSQL written now, every sale and commission line in one
    /// multi-row statement; on SQLite added for the caller's next save. Only for parts that cannot have been booked yet
    /// (a duplicate fails the caller's whole write, as with <see cref="StageSale"/>).
    /// </summary>
    public async Task StageSalesAsync(DotsDbContext callerDb, IReadOnlyList<ShopSale> sales, decimal? commissionRate, DateTimeOffset at, CancellationToken ct)
    {
        var lines = new List<PayoutLedgerEntry>(sales.Count * 2);
        foreach (var part in sales)
        {
            var (sale, commission) = SaleLines(part, commissionRate, at);
            lines.Add(sale);
            lines.Add(commission);
        }
        if (callerDb.Provider != DatabaseProvider.Postgres)
        {
            callerDb.Set<PayoutLedgerEntry>().AddRange(lines);
            return;
        }
        if (lines.Count == 0)
        {
            return;
        }
        await using var command = new Npgsql.NpgsqlCommand(
            """
            INSERT INTO "PayoutLedgerEntries" ("Id", "ShopId", "OrderId", "Reference", "Kind", "Amount", "Currency", "At")
            SELECT * FROM unnest(@ids, @shops, @orders, @references, @kinds, @amounts, @currencies, @at)
            """, (Npgsql.NpgsqlConnection)callerDb.Database.GetDbConnection());
        var p = command.Parameters;
        p.AddWithValue("ids", lines.Select(e => e.Id).ToArray());
        p.AddWithValue("shops", lines.Select(e => e.ShopId).ToArray());
        p.AddWithValue("orders", lines.Select(e => e.OrderId!).ToArray());
        p.AddWithValue("references", lines.Select(e => e.Reference).ToArray());
        p.AddWithValue("kinds", lines.Select(e => e.Kind.ToString()).ToArray());
        p.AddWithValue("amounts", lines.Select(e => e.Amount).ToArray());
        p.AddWithValue("currencies", lines.Select(e => e.Currency).ToArray());
        p.AddWithValue("at", lines.Select(e => e.At).ToArray());
        using var watched = callerDb.Watch("payout ledger");
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A part's sale line and the platform's commission on it (default <c>Payments:CommissionRate</c>), validated.</summary>
    private (PayoutLedgerEntry Sale, PayoutLedgerEntry Commission) SaleLines(ShopSale part, decimal? commissionRate, DateTimeOffset at)
    {
        Validate(part.ShopId, part.OrderId, part.PartId, part.Gross);
        var rate = commissionRate ?? _options.CommissionRate;
        if (rate is < 0 or > 1)
        {
            throw new RequestValidationException("commissionRate", "The commission rate must be between 0 and 1.");
        }
        var commission = part.Gross.Times(rate).Rounded();
        PayoutLedgerEntry Line(PayoutLedgerKind kind, decimal amount) => new()
        {
            Id = Ids.New(), ShopId = part.ShopId, OrderId = part.OrderId, Reference = SaleReference(part.OrderId, part.PartId), Kind = kind, Amount = amount,
            Currency = part.Gross.Currency, At = at,
        };
        return (Line(PayoutLedgerKind.Sale, part.Gross.Amount), Line(PayoutLedgerKind.Commission, -commission.Amount));
    }

    private static string SaleReference(string orderId, string partId) => $"order:{orderId}/part:{partId}";

    /// <summary>
    /// Books a refund of (part of) a shop's part: the refunded amount comes off the shop's balance and the platform
    /// gives back the same share of commission it took on the sale. <paramref name="refundId"/> names the refund, so
    /// the same refund booked twice is booked once.
    /// </summary>
    public async Task<bool> BookRefundAsync(string shopId, string orderId, string partId, string refundId, Money refunded, decimal? commissionRate, CancellationToken ct, DateTimeOffset? at = null)
    {
        Validate(shopId, orderId, partId, refunded);
        new Validation().RequireText(refundId, "refundId", 80).ThrowIfInvalid();
        var saleReference = SaleReference(orderId, partId);
        var sale = await Entries.Where(e => e.Reference == saleReference && e.ShopId == shopId).ToListAsync(ct);
        var gross = sale.Where(e => e.Kind == PayoutLedgerKind.Sale).Sum(e => e.Amount);
        var taken = -sale.Where(e => e.Kind == PayoutLedgerKind.Commission).Sum(e => e.Amount);
        // The commission given back is the share the sale actually paid, whatever the rate is today.
        var rate = gross > 0 ? taken / gross : commissionRate ?? _options.CommissionRate;
        var reversal = refunded.Times(rate).Rounded();
        return await BookAsync(shopId, orderId, $"{saleReference}/refund:{refundId}", at,
            (PayoutLedgerKind.Refund, -refunded.Amount, refunded.Currency), (PayoutLedgerKind.CommissionReversal, reversal.Amount, refunded.Currency), ct);
    }

    /// <summary>The shop's ledger lines, newest first: sales, commission, refunds and payouts.</summary>
    public async Task<IReadOnlyList<PayoutLedgerEntryDto>> EntriesAsync(string shopId, int limit, CancellationToken ct)
    {
        var entries = await Entries.Where(e => e.ShopId == shopId).ToListAsync(ct);
        return entries.OrderByDescending(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal).Take(limit)
            .Select(e => new PayoutLedgerEntryDto(e.Id, KindName(e.Kind), MoneyDto.Of(e.Amount, e.Currency), e.OrderId, e.At, e.PayoutId)).ToList();
    }

    private static string KindName(PayoutLedgerKind kind) => kind switch
    {
        PayoutLedgerKind.Sale => "sale",
        PayoutLedgerKind.Commission => "commission",
        PayoutLedgerKind.Refund => "refund",
        PayoutLedgerKind.CommissionReversal => "commission-reversal",
        _ => "payout",
    };

    /// <summary>The shop's balance per currency: all it is owed, the part a run would pay now, and what was paid.</summary>
    public async Task<IReadOnlyList<PayoutBalanceDto>> BalanceAsync(string shopId, CancellationToken ct)
    {
        var entries = await Entries.Where(e => e.ShopId == shopId).ToListAsync(ct);
        var settledBefore = _clock.GetUtcNow() - _options.SettlementDelay;
        return entries.GroupBy(e => e.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new PayoutBalanceDto(
            shopId, g.Key,
            MoneyDto.Of(g.Where(e => e.PayoutId is null).Sum(e => e.Amount), g.Key),
            MoneyDto.Of(Math.Max(0, g.Where(e => e.PayoutId is null && IsSettled(e, settledBefore)).Sum(e => e.Amount)), g.Key),
            MoneyDto.Of(-g.Where(e => e.Kind == PayoutLedgerKind.Payout).Sum(e => e.Amount), g.Key))).ToList();
    }

    /// <summary>
    /// Pays every shop its settled positive balance as of <paramref name="asOf"/>. With a <paramref name="period"/>
    /// (the weekly job's ISO week) the run happens once per period and null is returned when it already ran.
    /// </summary>
    public async Task<PayoutRunDto?> RunPayoutsAsync(DateTimeOffset asOf, CancellationToken ct, string trigger = "manual", string? period = null)
    {
        var run = new PayoutRun
        {
            Id = Ids.New(), Period = period, Trigger = trigger, AsOf = asOf, SettledBefore = asOf - _options.SettlementDelay, StartedAt = _clock.GetUtcNow(),
        };
        // The unique index decides a race; the look first keeps the minute job from failing an insert every tick.
        if (period is not null && await _db.Set<PayoutRun>().AnyAsync(r => r.Period == period, ct) || !await TryInsertAsync(run, ct))
        {
            return null; // this period's run exists: another instance (or an earlier tick) started it
        }
        var shops = await Entries.Where(e => e.PayoutId == null && e.At <= asOf).Select(e => e.ShopId).Distinct().ToListAsync(ct);
        var payouts = new List<Payout>();
        foreach (var shopId in shops.Order(StringComparer.Ordinal))
        {
            payouts.AddRange(await PayShopAsync(run, shopId, ct));
        }
        var finished = _clock.GetUtcNow();
        await _db.Set<PayoutRun>().Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.FinishedAt, finished), CancellationToken.None);
        _logger.LogInformation("Payout run {RunId} paid {Count} shops", run.Id, payouts.Count);
        return ToDto(run, payouts, finished);
    }

    /// <summary>The most recent runs, newest first.</summary>
    public async Task<IReadOnlyList<PayoutRunDto>> RecentRunsAsync(int limit, CancellationToken ct)
    {
        // Ids are time-ordered (made when the run starts): the newest runs are the highest ids, taken in the database.
        var runs = await _db.Set<PayoutRun>().AsNoTracking().OrderByDescending(r => r.Id).Take(limit).Include(r => r.Payouts).ToListAsync(ct);
        return runs.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).Select(r => ToDto(r, r.Payouts, r.FinishedAt)).ToList();
    }

    /// <summary>One shop's payouts, newest first.</summary>
    public async Task<IReadOnlyList<ShopPayoutDto>> PayoutsOfShopAsync(string shopId, CancellationToken ct)
    {
        var payouts = await _db.Set<Payout>().AsNoTracking().Where(p => p.ShopId == shopId).ToListAsync(ct);
        return payouts.OrderByDescending(p => p.At).Select(ToDto).ToList();
    }

    /// <summary>The ISO week a weekly run belongs to, e.g. <c>2026-W48</c>.</summary>
    public static string WeekOf(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(at.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(at.UtcDateTime):00}");

    private async Task<List<Payout>> PayShopAsync(PayoutRun run, string shopId, CancellationToken ct)
    {
        var paid = new List<Payout>();
        for (var round = 0; round < 3; round++)
        {
            var open = await Entries.Where(e => e.ShopId == shopId && e.PayoutId == null && e.At <= run.AsOf).ToListAsync(ct);
            var due = open.Where(e => IsSettled(e, run.SettledBefore)).GroupBy(e => e.Currency)
                .Select(g => (Currency: g.Key, Entries: g.ToList(), Total: g.Sum(e => e.Amount)))
                .Where(g => g.Total > 0 && !paid.Any(p => p.Currency == g.Currency)).ToList();
            if (due.Count == 0)
            {
                return paid;
            }
            var lost = false;
            foreach (var (currency, entries, total) in due)
            {
                if (await TryPayAsync(run, shopId, currency, entries, total, ct) is { } payout)
                {
                    paid.Add(payout);
                }
                else
                {
                    lost = true;
                }
            }
            if (!lost)
            {
                return paid;
            }
            // Another run claimed some of these lines first: look again at what is still open.
        }
        return paid;
    }

    private async Task<Payout?> TryPayAsync(PayoutRun run, string shopId, string currency, List<PayoutLedgerEntry> entries, decimal total, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var payout = new Payout { Id = Ids.New(), RunId = run.Id, ShopId = shopId, Amount = total, Currency = currency, Entries = entries.Count, At = now };
        var ids = entries.Select(e => e.Id).ToList();
        try
        {
            await using var tx = await _db.Database.BeginTransactionAsync(ct);
            var claimed = 0;
            foreach (var chunk in ids.Chunk(500))
            {
                claimed += await _db.Set<PayoutLedgerEntry>().Where(e => chunk.Contains(e.Id) && e.PayoutId == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.PayoutId, payout.Id), ct);
            }
            if (claimed != ids.Count)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return null;
            }
            var line = new PayoutLedgerEntry
            {
                Id = Ids.New(), ShopId = shopId, Reference = $"payout:{payout.Id}", Kind = PayoutLedgerKind.Payout, Amount = -total, Currency = currency,
                At = now, PayoutId = payout.Id,
            };
            if (!await TryInsertAsync(payout, ct) || !await TryInsertAsync(line, ct))
            {
                await tx.RollbackAsync(CancellationToken.None);
                return null;
            }
            await tx.CommitAsync(CancellationToken.None);
            return payout;
        }
        catch (DbUpdateException e)
        {
            _logger.LogInformation(e, "Paying shop {ShopId} lost a race with another payout run", shopId);
            return null;
        }
        catch (InvalidOperationException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure })
        {
            _logger.LogInformation(e, "Paying shop {ShopId} lost a race with another payout run", shopId);
            return null;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure)
        {
            _logger.LogInformation(e, "Paying shop {ShopId} lost a race with another payout run", shopId);
            return null;
        }
    }

    /// <summary>A sale waits out the settlement delay; refunds and reversals count at once, so they are netted.</summary>
    private static bool IsSettled(PayoutLedgerEntry e, DateTimeOffset settledBefore) =>
        e.Kind is PayoutLedgerKind.Refund or PayoutLedgerKind.CommissionReversal || e.At <= settledBefore;

    /// <summary>
    /// Books the two lines of one reference, idempotent by design: one <c>INSERT … ON CONFLICT DO NOTHING</c> on the
    /// ledger's unique (reference, kind, shop), so a second booking — a resumed checkout of an order already paid and
    /// booked, a retried prepaid order, a racing call — inserts nothing and raises (and logs) no database error.
    /// True when this call booked them.
    /// </summary>
    private async Task<bool> BookAsync(
        string shopId, string orderId, string reference, DateTimeOffset? at,
        (PayoutLedgerKind Kind, decimal Amount, string Currency) first, (PayoutLedgerKind Kind, decimal Amount, string Currency) second, CancellationToken ct)
    {
        var when = at ?? _clock.GetUtcNow();
        var rows = new[] { first, second }.Select(x => new PayoutLedgerEntry
        {
            Id = Ids.New(), ShopId = shopId, OrderId = orderId, Reference = reference, Kind = x.Kind, Amount = x.Amount, Currency = x.Currency, At = when,
        }).ToList();
        var inserted = await _db.InsertOrIgnoreAsync(rows, ct);
        // Both lines or neither: they go in one statement, and a line of this reference exists only with its pair.
        return inserted > 0;
    }

    private async Task<bool> TryInsertAsync<T>(T entity, CancellationToken ct)
        where T : class
    {
        var entry = _db.Set<T>().Add(entity);
        try
        {
            await _db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }

    private static void Validate(string shopId, string orderId, string partId, Money amount)
    {
        new Validation().RequireText(shopId, "shopId", 32).RequireText(orderId, "orderId", 32).RequireText(partId, "partId", 32)
            .Require(amount.Amount > 0 && Currencies.IsKnown(amount.Currency) && Currencies.FitsMinorUnit(amount.Amount, amount.Currency), "amount",
                "The amount must be more than zero, in a known currency, and fit its minor unit.")
            .ThrowIfInvalid();
    }

    private static PayoutRunDto ToDto(PayoutRun run, IEnumerable<Payout> payouts, DateTimeOffset? finished)
    {
        var list = payouts.OrderBy(p => p.ShopId, StringComparer.Ordinal).ThenBy(p => p.Currency, StringComparer.Ordinal).ToList();
        return new PayoutRunDto(run.Id, run.Trigger, run.AsOf, run.SettledBefore, run.StartedAt, finished, list.Select(ToDto).ToList(),
            list.GroupBy(p => p.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => MoneyDto.Of(g.Sum(p => p.Amount), g.Key)).ToList());
    }

    private static ShopPayoutDto ToDto(Payout p) => new(p.Id, p.ShopId, MoneyDto.Of(p.Amount, p.Currency), p.Entries, p.At);
}
