using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Payments;

/// <summary>
/// A fake card provider that keeps books like a real one (docs/decisions/0011-payments-module.md): every call is
/// written to <c>SandboxLedgerEntries</c> under its idempotency key, so the same key returns the first result and moves
/// nothing twice, a second capture of one authorization is refused and visible, and <see cref="LookupAsync"/> answers
/// what became of a key. All state is in the database, so any number of instances agree.
/// Test cards: 4242 4242 4242 4242 approves, 4000 0000 0000 0002 declines, 4000 0000 0000 9995 declines for
/// insufficient funds; any other number that passes the Luhn check approves.
/// </summary>
internal sealed class SandboxPaymentProvider(IServiceScopeFactory scopes, SandboxFaults faults, TimeProvider clock) : IPaymentProvider
{
    public const string ApprovedCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";

    public Task<ProviderResult> AuthorizeAsync(string key, PaymentCard card, Money amount, CancellationToken ct) =>
        RunAsync(key, PaymentOperation.Authorize, amount, _ => Task.FromResult(AuthorizeEntry(key, card, amount)), ct);

    private SandboxLedgerEntry AuthorizeEntry(string key, PaymentCard card, Money amount)
    {
        var digits = new string((card.Number ?? "").Where(char.IsAsciiDigit).ToArray());
        var last4 = digits.Length >= 4 ? digits[^4..] : null;
        var (result, message) = digits switch
        {
            DeclinedCard => (ProviderResults.CardDeclined, "The card was declined."),
            InsufficientFundsCard => (ProviderResults.InsufficientFunds, "The card has insufficient funds."),
            _ when !PassesLuhn(digits) => (ProviderResults.InvalidNumber, "The card number is not valid."),
            _ => (ProviderResults.Approved, (string?)null),
        };
        return Entry(key, PaymentOperation.Authorize, amount, result, message, "auth", parent: null, slot: null, last4);
    }

    /// <summary>
    /// The batch endpoint: every call decided as it would be alone and written in one insert. A key or settlement
    /// slot already taken (a retry, a race) fails the insert as a whole, and the calls are then made one by one — each
    /// one answering its first result, as a single call does. With faults injected, calls go one by one too, so each
    /// fault applies to exactly the calls it would alone.
    /// </summary>
    public async Task<IReadOnlyList<ProviderOutcome>> AuthorizeManyAsync(IReadOnlyList<AuthorizeCall> calls, CancellationToken ct)
    {
        if (calls.Count == 0 || faults.Armed)
        {
            return await ProviderOutcome.OneByOneAsync(calls, c => AuthorizeAsync(c.Key, c.Card, c.Amount, ct));
        }
        var entries = calls.Select(c => AuthorizeEntry(c.Key, c.Card, c.Amount)).ToList();
        return await InsertAllAsync(entries, ct) ?? await ProviderOutcome.OneByOneAsync(calls, c => AuthorizeAsync(c.Key, c.Card, c.Amount, ct));
    }

    /// <summary>The batch endpoint for captures: the authorizations and their settlements read in one query, as <see cref="AuthorizeManyAsync"/>.</summary>
    public async Task<IReadOnlyList<ProviderOutcome>> CaptureManyAsync(IReadOnlyList<CaptureCall> calls, CancellationToken ct)
    {
        if (calls.Count == 0 || faults.Armed || calls.Select(c => c.AuthorizationReference).Distinct(StringComparer.Ordinal).Count() < calls.Count)
        {
            return await ProviderOutcome.OneByOneAsync(calls, c => CaptureAsync(c.Key, c.AuthorizationReference, c.Amount, ct));
        }
        List<SandboxLedgerEntry> rows;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
            var references = calls.Select(c => c.AuthorizationReference).ToList();
            var slots = references.Select(SettleSlot).ToList();
            rows = await db.Set<SandboxLedgerEntry>().AsNoTracking()
                .Where(e => (references.Contains(e.Reference) && e.Operation == PaymentOperation.Authorize && e.Approved)
                    || (e.SettlementSlot != null && slots.Contains(e.SettlementSlot)))
                .ToListAsync(ct);
        }
        var entries = calls.Select(c =>
        {
            var refusal = SettleRefusal(rows, c.AuthorizationReference, c.Amount);
            return refusal is { } r
                ? Entry(c.Key, PaymentOperation.Capture, c.Amount, r.Result, r.Message, "capt", c.AuthorizationReference, slot: null)
                : Entry(c.Key, PaymentOperation.Capture, c.Amount, ProviderResults.Approved, null, "capt", c.AuthorizationReference, SettleSlot(c.AuthorizationReference));
        }).ToList();
        return await InsertAllAsync(entries, ct) ?? await ProviderOutcome.OneByOneAsync(calls, c => CaptureAsync(c.Key, c.AuthorizationReference, c.Amount, ct));
    }

    /// <summary>Writes a batch's entries in one insert; null (nothing written) when a key or slot was taken.</summary>
    private async Task<IReadOnlyList<ProviderOutcome>?> InsertAllAsync(List<SandboxLedgerEntry> entries, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        if (db.Provider == DatabaseProvider.Postgres)
        {
            // One multi-row statement instead of EF's statement per entry (a flash sale makes two entries per order).
            await using var command = new Npgsql.NpgsqlCommand(
                """
                INSERT INTO "SandboxLedgerEntries" ("Key", "Operation", "Amount", "Currency", "Approved", "Result", "Message", "Reference",
                    "ParentReference", "SettlementSlot", "CardLast4", "At")
                SELECT * FROM unnest(@keys, @operations, @amounts, @currencies, @approved, @results, @messages, @references, @parents, @slots, @last4, @at)
                """, (Npgsql.NpgsqlConnection)db.Database.GetDbConnection());
            var p = command.Parameters;
            const NpgsqlTypes.NpgsqlDbType texts = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
            p.AddWithValue("keys", entries.Select(e => e.Key).ToArray());
            p.AddWithValue("operations", entries.Select(e => e.Operation.ToString()).ToArray());
            p.AddWithValue("amounts", entries.Select(e => e.Amount).ToArray());
            p.AddWithValue("currencies", entries.Select(e => e.Currency).ToArray());
            p.AddWithValue("approved", entries.Select(e => e.Approved).ToArray());
            p.AddWithValue("results", entries.Select(e => e.Result).ToArray());
            p.AddWithValue("messages", texts, entries.Select(e => e.Message).ToArray());
            p.AddWithValue("references", entries.Select(e => e.Reference).ToArray());
            p.AddWithValue("parents", texts, entries.Select(e => e.ParentReference).ToArray());
            p.AddWithValue("slots", texts, entries.Select(e => e.SettlementSlot).ToArray());
            p.AddWithValue("last4", texts, entries.Select(e => e.CardLast4).ToArray());
            p.AddWithValue("at", entries.Select(e => e.At).ToArray());
            try
            {
                await db.Database.OpenConnectionAsync(ct);
                using var watched = db.Watch("sandbox ledger");
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
            {
                return null;
            }
        }
        else
        {
            db.Set<SandboxLedgerEntry>().AddRange(entries);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return null;
            }
        }
        return entries.Select(e => new ProviderOutcome(ToResult(e), null)).ToList();
    }

    public Task<ProviderResult> CaptureAsync(string key, string authorizationReference, Money amount, CancellationToken ct) =>
        RunAsync(key, PaymentOperation.Capture, amount, async db =>
        {
            var refusal = await SettleRefusalAsync(db, authorizationReference, amount, ct);
            return refusal is { } r
                ? Entry(key, PaymentOperation.Capture, amount, r.Result, r.Message, "capt", authorizationReference, slot: null)
                : Entry(key, PaymentOperation.Capture, amount, ProviderResults.Approved, null, "capt", authorizationReference, SettleSlot(authorizationReference));
        }, ct);

    public async Task<ProviderResult> VoidAsync(string key, string authorizationReference, CancellationToken ct)
    {
        var amount = await AuthorizedAmountAsync(authorizationReference, ct);
        return await RunAsync(key, PaymentOperation.Void, amount, async db =>
        {
            var refusal = await SettleRefusalAsync(db, authorizationReference, null, ct);
            return refusal is { } r
                ? Entry(key, PaymentOperation.Void, amount, r.Result, r.Message, "void", authorizationReference, slot: null)
                : Entry(key, PaymentOperation.Void, amount, ProviderResults.Approved, null, "void", authorizationReference, SettleSlot(authorizationReference));
        }, ct);
    }

    public Task<ProviderResult> RefundAsync(string key, string authorizationReference, Money amount, CancellationToken ct) =>
        RunAsync(key, PaymentOperation.Refund, amount, async db =>
        {
            var entries = await db.Set<SandboxLedgerEntry>().AsNoTracking()
                .Where(e => e.ParentReference == authorizationReference && e.Approved).ToListAsync(ct);
            var capture = entries.FirstOrDefault(e => e.Operation == PaymentOperation.Capture);
            var refunds = entries.Where(e => e.Operation == PaymentOperation.Refund).ToList();
            var (result, message) =
                capture is null ? (ProviderResults.NotCaptured, "Nothing was captured on this authorization.")
                : capture.Currency != amount.Currency ? (ProviderResults.CurrencyMismatch, $"The capture is in {capture.Currency}.")
                : refunds.Sum(e => e.Amount) + amount.Amount > capture.Amount ? (ProviderResults.ExceedsCaptured, "The refunds would exceed the captured amount.")
                : (ProviderResults.Approved, (string?)null);
            // The slot numbers approved refunds per authorization, so two racing refunds cannot both pass the check above.
            var slot = result == ProviderResults.Approved ? $"{authorizationReference}:refund:{refunds.Count + 1}" : null;
            return Entry(key, PaymentOperation.Refund, amount, result, message, "rfnd", authorizationReference, slot);
        }, ct);

    public async Task<ProviderResult?> LookupAsync(string key, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var entry = await db.Set<SandboxLedgerEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.Key == key, ct);
        return entry is null ? null : ToResult(entry);
    }

    private async Task<ProviderResult> RunAsync(
        string key, PaymentOperation operation, Money amount, Func<DotsDbContext, Task<SandboxLedgerEntry>> decide, CancellationToken ct)
    {
        var fault = faults.Take(operation);
        switch (fault?.Mode)
        {
            case SandboxFaultMode.Latency:
                await Task.Delay(fault.Latency, clock, ct);
                break;
            case SandboxFaultMode.Timeout:
                throw new TimeoutException($"The sandbox provider did not answer the {operation} call (injected timeout).");
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var ledger = db.Set<SandboxLedgerEntry>();
        for (var round = 0; ; round++)
        {
            // A key is almost always new: insert first and look only after a conflict (one round trip less per call).
            if (round > 0 && await ledger.AsNoTracking().FirstOrDefaultAsync(e => e.Key == key, ct) is { } first)
            {
                return ToResult(first);
            }
            var entry = fault?.Mode == SandboxFaultMode.Decline
                ? Entry(key, operation, amount, ProviderResults.CardDeclined, "Declined (injected fault).", "decl", null, null)
                : await decide(db);
            ledger.Add(entry);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (round < 4)
            {
                // Another call took this key or the slot first: look again, and decide again against its entry.
                db.Entry(entry).State = EntityState.Detached;
                continue;
            }
            if (fault?.Mode == SandboxFaultMode.ErrorAfterMoved)
            {
                throw new IOException($"The connection to the sandbox provider was reset after it recorded {key} (injected fault).");
            }
            return ToResult(entry);
        }
    }

    /// <summary>Why an authorization cannot be captured (amount given) or voided (amount null) now; null when it can.</summary>
    private static async Task<(string Result, string Message)?> SettleRefusalAsync(DotsDbContext db, string authorizationReference, Money? amount, CancellationToken ct)
    {
        // The authorization and whatever settled it, in one round trip (at most two rows).
        var slot = SettleSlot(authorizationReference);
        var rows = await db.Set<SandboxLedgerEntry>().AsNoTracking()
            .Where(e => (e.Reference == authorizationReference && e.Operation == PaymentOperation.Authorize && e.Approved) || e.SettlementSlot == slot)
            .ToListAsync(ct);
        return SettleRefusal(rows, authorizationReference, amount);
    }

    /// <summary><see cref="SettleRefusalAsync"/>'s decision from the ledger rows it read (more rows may be among them).</summary>
    private static (string Result, string Message)? SettleRefusal(IReadOnlyList<SandboxLedgerEntry> rows, string authorizationReference, Money? amount)
    {
        var slot = SettleSlot(authorizationReference);
        var authorization = rows.FirstOrDefault(e => e.Reference == authorizationReference && e.Operation == PaymentOperation.Authorize && e.Approved);
        if (authorization is null)
        {
            return (ProviderResults.UnknownAuthorization, "No approved authorization with this reference.");
        }
        var settled = rows.FirstOrDefault(e => e.SettlementSlot == slot);
        if (settled is not null)
        {
            return settled.Operation == PaymentOperation.Capture
                ? (ProviderResults.AlreadyCaptured, $"The authorization was already captured ({settled.Reference}).")
                : (ProviderResults.AlreadyVoided, $"The authorization was already voided ({settled.Reference}).");
        }
        if (amount is not null && amount.Currency != authorization.Currency)
        {
            return (ProviderResults.CurrencyMismatch, $"The authorization is in {authorization.Currency}.");
        }
        if (amount is not null && (amount.Amount > authorization.Amount || amount.Amount <= 0))
        {
            return (ProviderResults.ExceedsAuthorization, $"The capture must be more than 0 and at most the authorized {authorization.Amount}.");
        }
        return null;
    }

    private async Task<Money> AuthorizedAmountAsync(string authorizationReference, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var authorization = await db.Set<SandboxLedgerEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.Reference == authorizationReference, ct);
        return authorization is null ? new Money(0, "KRW") : new Money(authorization.Amount, authorization.Currency);
    }

    private static string SettleSlot(string authorizationReference) => authorizationReference + ":settle";

    private SandboxLedgerEntry Entry(
        string key, PaymentOperation operation, Money amount, string result, string? message, string kind, string? parent, string? slot, string? last4 = null) =>
        new()
        {
            Key = key,
            Operation = operation,
            Amount = amount.Amount,
            Currency = amount.Currency,
            Approved = result == ProviderResults.Approved,
            Result = result,
            Message = message,
            Reference = $"sbx_{(result == ProviderResults.Approved ? kind : "decl")}_{Ids.New()}",
            ParentReference = parent,
            SettlementSlot = slot,
            CardLast4 = last4,
            At = clock.GetUtcNow(),
        };

    private static ProviderResult ToResult(SandboxLedgerEntry e) => new(e.Approved, e.Result, e.Reference, e.Message);

    private static bool PassesLuhn(string digits)
    {
        if (digits.Length is < 12 or > 19)
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1 && (d *= 2) > 9)
            {
                d -= 9;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
