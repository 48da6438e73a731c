using Dots.Infrastructure.Events;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Payments;

/// <summary>
/// The Payments module's front door for other modules: one payment intent per purpose (<c>order:{id}</c>,
/// <c>pledge:{id}</c>, <c>deposit:{id}</c>), authorized, captured, voided or refunded through the provider.
/// Every provider call is preceded by a committed attempt row and followed by its outcome; the provider key is
/// derived from the intent and the step (<c>{intentId}:capture:1</c>), never from a client's Idempotency-Key, so
/// repeating a call repeats the same key and the provider moves money once. No provider call runs inside a
/// database transaction. See docs/decisions/0011-payments-module.md.
/// </summary>
public sealed class PaymentService(DotsDbContext db, IPaymentProvider provider, IEventPublisher events, TimeProvider clock, IOptions<PaymentsOptions> options, ILogger<PaymentService> logger)
{
    private readonly IEventPublisher _events = events;

    /// <summary>The label of the void that ends an expired hold.</summary>
    private const string ExpiryLabel = "hold-expired";

    private readonly DotsDbContext _db = db;
    private readonly IPaymentProvider _provider = provider;
    private readonly TimeProvider _clock = clock;
    private readonly PaymentsOptions _options = options.Value;
    private readonly ILogger<PaymentService> _logger = logger;

    private IQueryable<PaymentIntent> Intents => _db.Set<PaymentIntent>().AsNoTracking();

    private IQueryable<PaymentAttempt> Attempts => _db.Set<PaymentAttempt>().AsNoTracking();

    /// <summary>
    /// Places a hold: authorizes <paramref name="amount"/> on the card until <paramref name="holdFor"/> (default
    /// <c>Payments:DefaultHoldDuration</c>) has passed. Calling it again for an authorized purpose returns the intent
    /// unchanged. A decline throws <see cref="PaymentDeclinedException"/> (402) and leaves the intent Failed, from
    /// which a new card may be tried.
    /// </summary>
    public async Task<PaymentIntentDto> AuthorizeAsync(string purpose, string payerId, Money amount, PaymentCard card, TimeSpan? holdFor, CancellationToken ct)
    {
        ValidateAmount(amount, "amount");
        var v = new Validation();
        v.RequireText(purpose, "purpose", 100).RequireText(payerId, "payerId", 450).Require(card is not null && !string.IsNullOrWhiteSpace(card.Number), "card", "The card is required.")
            .Require(holdFor is null || holdFor > TimeSpan.Zero, "holdFor", "The hold must last longer than zero.");
        v.ThrowIfInvalid();

        var intent = await EnsureIntentAsync(purpose, payerId, amount, ct);
        intent = await ResolveOpenAsync(intent, PaymentOperation.Authorize, null, ct);
        switch (intent.Status)
        {
            case PaymentIntentStatus.Authorized or PaymentIntentStatus.Captured or PaymentIntentStatus.PartiallyRefunded or PaymentIntentStatus.Refunded:
                return await GetRequiredAsync(purpose, ct);
            case PaymentIntentStatus.Voided or PaymentIntentStatus.Expired:
                throw new ConflictException($"The payment for {purpose} was {intent.Status.ToString().ToLowerInvariant()}; start a new one.");
        }

        var holdUntil = _clock.GetUtcNow() + (holdFor ?? _options.DefaultHoldDuration);
        var attempt = await StartAttemptAsync(intent, PaymentOperation.Authorize, amount, null, ct,
            i => i.SetProperty(x => x.HoldExpiresAt, holdUntil));
        await CallAsync(attempt, () => _provider.AuthorizeAsync(attempt.ProviderKey, card!, amount, CancellationToken.None));
        return await GetRequiredAsync(purpose, ct);
    }

    /// <summary>
    /// Captures an authorized hold, all of it or <paramref name="amount"/> of it; the rest of the hold is released
    /// (as providers do). Capturing a captured intent again returns it unchanged: a purpose is captured once.
    /// </summary>
    public async Task<PaymentIntentDto> CaptureAsync(string purpose, Money? amount, CancellationToken ct)
    {
        var intent = await FindAsync(purpose, ct);
        intent = await ResolveOpenAsync(intent, PaymentOperation.Capture, null, ct);
        if (intent.Status is PaymentIntentStatus.Captured or PaymentIntentStatus.PartiallyRefunded or PaymentIntentStatus.Refunded)
        {
            return await GetRequiredAsync(purpose, ct);
        }
        if (intent.Status != PaymentIntentStatus.Authorized)
        {
            throw new ConflictException($"The payment for {purpose} is {intent.Status}; only an authorized payment can be captured.");
        }
        if (intent.HoldExpiresAt is { } expires && expires <= _clock.GetUtcNow())
        {
            throw new ConflictException($"The hold for {purpose} expired at {expires:O}; it can no longer be captured.");
        }
        var capture = amount ?? new Money(intent.Amount, intent.Currency);
        ValidateAmount(capture, "amount");
        if (capture.Currency != intent.Currency || capture.Amount > intent.Amount)
        {
            throw new RequestValidationException("amount", $"The capture must be in {intent.Currency} and at most the authorized {intent.Amount}.");
        }
        var attempt = await StartAttemptAsync(intent, PaymentOperation.Capture, capture, null, ct);
        await CallAsync(attempt, () => _provider.CaptureAsync(attempt.ProviderKey, intent.AuthorizationReference!, capture, CancellationToken.None));
        return await GetRequiredAsync(purpose, ct);
    }

    /// <summary>Releases an authorized hold. Voiding a voided (or never authorized) payment returns it unchanged.</summary>
    public Task<PaymentIntentDto> VoidAsync(string purpose, CancellationToken ct) => VoidAsync(purpose, null, ct);

    /// <summary>
    /// Refunds part or all of what was captured. <paramref name="refundId"/> (default: the reason) names the refund:
    /// the same refund asked for twice is made once; different refunds add up to at most the captured amount.
    /// </summary>
    public async Task<PaymentIntentDto> RefundAsync(string purpose, Money amount, string reason, CancellationToken ct, string? refundId = null)
    {
        ValidateAmount(amount, "amount");
        var label = refundId ?? reason;
        new Validation().RequireText(label, refundId is null ? "reason" : "refundId", 200).ThrowIfInvalid();
        var intent = await FindAsync(purpose, ct);
        intent = await ResolveOpenAsync(intent, PaymentOperation.Refund, label, ct);
        var done = await Attempts.AnyAsync(a => a.IntentId == intent.Id && a.Operation == PaymentOperation.Refund && a.Label == label && a.Status == PaymentAttemptStatus.Succeeded, ct);
        if (done)
        {
            return await GetRequiredAsync(purpose, ct);
        }
        if (intent.Status is not (PaymentIntentStatus.Captured or PaymentIntentStatus.PartiallyRefunded))
        {
            throw new ConflictException($"The payment for {purpose} is {intent.Status}; only a captured payment can be refunded.");
        }
        if (amount.Currency != intent.Currency || amount.Amount > intent.CapturedAmount - intent.RefundedAmount)
        {
            throw new RequestValidationException("amount", $"The refund must be in {intent.Currency} and at most the {intent.CapturedAmount - intent.RefundedAmount} not yet refunded.");
        }
        var attempt = await StartAttemptAsync(intent, PaymentOperation.Refund, amount, label, ct);
        await CallAsync(attempt, () => _provider.RefundAsync(attempt.ProviderKey, intent.AuthorizationReference!, amount, CancellationToken.None));
        return await GetRequiredAsync(purpose, ct);
    }

    /// <summary>
    /// A normal order's payment: authorize and capture at once. A capture the provider refuses releases the hold and
    /// throws like a decline, so the buyer is never left with money held for nothing.
    /// </summary>
    public async Task<PaymentIntentDto> PayAsync(string purpose, string payerId, Money amount, PaymentCard card, CancellationToken ct)
    {
        if (await TryPayNewAsync(purpose, payerId, amount, card, ct) is { } paid)
        {
            return paid;
        }
        await AuthorizeAsync(purpose, payerId, amount, card, null, ct);
        try
        {
            return await CaptureAsync(purpose, null, ct);
        }
        catch (Exception e) when (e is PaymentDeclinedException || e is ConflictException c && c.Extensions.ContainsKey("providerResult"))
        {
            // Only a refusal by the provider releases the hold; a race with another call for this purpose does not.
            _logger.LogWarning("Capture of {Purpose} refused ({Reason}); releasing the hold", purpose, e.Message);
            await ReleaseAfterRefusedCaptureAsync(purpose);
            throw;
        }
    }

    /// <summary>
    /// Voids the hold of a payment whose capture the provider refused. The caller's answer stays the capture's refusal:
    /// a void the provider refuses too is recorded, retried through the outbox (<see cref="PaymentReleaseRefused"/>)
    /// and listed for operators until released, so it is not the buyer's problem. A void that got no answer still
    /// throws (503: the caller's retry resumes and reconciles it).
    /// </summary>
    private async Task ReleaseAfterRefusedCaptureAsync(string purpose)
    {
        try
        {
            await VoidAsync(purpose, CancellationToken.None);
        }
        catch (Exception e) when (e is PaymentDeclinedException || e is ConflictException c && c.Extensions.ContainsKey("providerResult"))
        {
            _logger.LogWarning("The provider refused to release the hold of {Purpose} ({Reason}); its release is retried through the outbox", purpose, e.Message);
        }
    }

    /// <summary>
    /// <see cref="PayAsync"/> for a purpose never paid before (every checkout), writing exactly the rows and states the
    /// general path writes — intent and authorize attempt committed before the provider hears of it, each answer
    /// recorded with a compare-and-set on the intent's version — but from what this call already holds, without
    /// reading anything back: the intent and its first attempt in one commit, the authorization's answer and the
    /// capture attempt in the next, the capture's answer in the last (about 8 round trips instead of 30). Null when the
    /// purpose already has an intent, or when anything moved under it: the general path then takes over from the
    /// recorded state, as it would after a crash.
    /// </summary>
    private async Task<PaymentIntentDto?> TryPayNewAsync(string purpose, string payerId, Money amount, PaymentCard card, CancellationToken ct)
    {
        ValidateAmount(amount, "amount");
        var v = new Validation();
        v.RequireText(purpose, "purpose", 100).RequireText(payerId, "payerId", 450).Require(card is not null && !string.IsNullOrWhiteSpace(card.Number), "card", "The card is required.");
        v.ThrowIfInvalid();
        if (_db.Database.CurrentTransaction is not null)
        {
            return null; // never inside a caller's transaction: the general path says so the way it always has
        }
        var now = Microseconds(_clock.GetUtcNow());
        var intent = new PaymentIntent
        {
            Id = Ids.New(), Purpose = purpose, PayerId = payerId, Amount = amount.Amount, Currency = amount.Currency,
            Status = PaymentIntentStatus.RequiresAuthorization, CreatedAt = now, UpdatedAt = now, Version = 1,
            HoldExpiresAt = now + _options.DefaultHoldDuration,
        };
        var authorize = NewAttempt(intent, PaymentOperation.Authorize, "authorize:1", amount, now);
        var intentEntry = _db.Set<PaymentIntent>().Add(intent);
        var authorizeEntry = _db.Set<PaymentAttempt>().Add(authorize);
        try
        {
            await _db.SaveChangesAsync(ct); // one transaction: the intent exists only with its pending attempt
        }
        catch (DbUpdateException)
        {
            return null; // the purpose has an intent already: the general path resumes it
        }
        finally
        {
            intentEntry.State = EntityState.Detached;
            authorizeEntry.State = EntityState.Detached;
        }

        await CallAsync(authorize, () => _provider.AuthorizeAsync(authorize.ProviderKey, card!, amount, CancellationToken.None), recorded: false);
        // CallAsync returned: approved (a refusal was recorded and thrown by it), not yet recorded.
        var authorization = authorize.ProviderReference!;
        var capture = NewAttempt(intent, PaymentOperation.Capture, "capture:1", amount, Microseconds(_clock.GetUtcNow()));
        if (!await RecordAsync(intent, authorize, i => i with { Status = PaymentIntentStatus.Authorized, AuthorizationReference = authorization }, versions: 2, capture))
        {
            await CompleteAsync(authorize.Id, new ProviderResult(true, ProviderResults.Approved, authorization, null), null);
            return null;
        }

        try
        {
            await CallAsync(capture, () => _provider.CaptureAsync(capture.ProviderKey, authorization, amount, CancellationToken.None), recorded: false);
        }
        catch (Exception e) when (e is PaymentDeclinedException || e is ConflictException c && c.Extensions.ContainsKey("providerResult"))
        {
            // As in PayAsync: a capture the provider refused releases the hold.
            _logger.LogWarning("Capture of {Purpose} refused ({Reason}); releasing the hold", purpose, e.Message);
            await ReleaseAfterRefusedCaptureAsync(purpose);
            throw;
        }
        if (!await RecordAsync(intent, capture, i => i with { Status = PaymentIntentStatus.Captured, CapturedAmount = amount.Amount, HoldExpiresAt = null }, versions: 1, next: null))
        {
            await CompleteAsync(capture.Id, new ProviderResult(true, ProviderResults.Approved, capture.ProviderReference!, null), null);
            return null;
        }
        return ToDto(intent, [authorize, capture]);
    }

    /// <summary>
    /// <see cref="PayAsync"/> for many purposes never paid before at once — a flash sale's batch of checkouts — with the
    /// rows, states and provider keys of <see cref="TryPayNewAsync"/>, but each step taken for the whole batch: the
    /// intents with their authorize attempts in one commit, the authorizations in one provider batch, their answers
    /// with the capture attempts in one commit (a compare-and-set on each intent's version), the captures in one
    /// provider batch, their answers in one commit. Each outcome is the payment (captured), the exception the purpose
    /// would have thrown alone (a decline: 402; a refused capture, its hold released: 409; no answer from the
    /// provider: 503), or neither: then the caller pays that purpose with <see cref="PayAsync"/>, which resumes from
    /// what was recorded, as after a crash. Nothing here runs inside a caller's transaction or with a caller's token.
    /// </summary>
    public async Task<IReadOnlyList<PaymentOutcome>> PayManyNewAsync(IReadOnlyList<PaymentOrder> orders)
    {
        var ct = CancellationToken.None; // many buyers' money: no one client's hang-up abandons it
        var outcomes = new PaymentOutcome[orders.Count];
        Array.Fill(outcomes, PaymentOutcome.Resume);
        if (orders.Count == 0 || _db.Database.CurrentTransaction is not null)
        {
            return outcomes;
        }
        var now = Microseconds(_clock.GetUtcNow());
        var batch = new List<(int Index, PaymentOrder Order, PaymentIntent Intent, PaymentAttempt Attempt)>();
        for (var i = 0; i < orders.Count; i++)
        {
            var o = orders[i];
            var v = new Validation();
            v.RequireText(o.Purpose, "purpose", 100).RequireText(o.PayerId, "payerId", 450).Require(o.Card is not null && !string.IsNullOrWhiteSpace(o.Card.Number), "card", "The card is required.");
            if (!v.IsValid || o.Amount is null || o.Amount.Amount <= 0 || !Currencies.IsKnown(o.Amount.Currency) || !Currencies.FitsMinorUnit(o.Amount.Amount, o.Amount.Currency))
            {
                continue; // PayAsync says what is wrong with it
            }
            var intent = new PaymentIntent
            {
                Id = Ids.New(), Purpose = o.Purpose, PayerId = o.PayerId, Amount = o.Amount.Amount, Currency = o.Amount.Currency,
                Status = PaymentIntentStatus.RequiresAuthorization, CreatedAt = now, UpdatedAt = now, Version = 1,
                HoldExpiresAt = now + _options.DefaultHoldDuration,
            };
            batch.Add((i, o, intent, NewAttempt(intent, PaymentOperation.Authorize, "authorize:1", o.Amount, now)));
        }
        if (batch.Count == 0)
        {
            return outcomes;
        }
        // Every intent exists only with its pending attempt, before the provider hears of any; a purpose that has an
        // intent already fails the write, and each then goes the general way, which resumes what exists.
        if (!await InsertNewAsync(batch.Select(b => (b.Intent, b.Attempt)).ToList()))
        {
            return outcomes;
        }

        var authorized = await CallManyAsync(batch.Select(b => (b.Index, b.Attempt)).ToList(), outcomes,
            () => _provider.AuthorizeManyAsync(batch.Select(b => new AuthorizeCall(b.Attempt.ProviderKey, b.Order.Card, b.Order.Amount)).ToList(), CancellationToken.None));
        var approved = batch.Where(b => authorized.Contains(b.Index)).ToList();
        if (approved.Count == 0)
        {
            return outcomes;
        }
        var captureAt = Microseconds(_clock.GetUtcNow());
        var captures = approved.ToDictionary(b => b.Index, b => NewAttempt(b.Intent, PaymentOperation.Capture, "capture:1", b.Order.Amount, captureAt));
        if (!await RecordManyAsync(approved.Select(b => (b.Intent, b.Attempt, (PaymentAttempt?)captures[b.Index])).ToList(),
                i => i with { Status = PaymentIntentStatus.Authorized }, versions: 2))
        {
            // Something moved under the batch (a resume got there first): record each answer the careful way and let
            // each purpose go the general way from there.
            foreach (var b in approved)
            {
                await CompleteAsync(b.Attempt.Id, new ProviderResult(true, ProviderResults.Approved, b.Attempt.ProviderReference!, null), null);
            }
            return outcomes;
        }

        var captured = await CallManyAsync(approved.Select(b => (b.Index, captures[b.Index])).ToList(), outcomes,
            () => _provider.CaptureManyAsync(approved.Select(b => new CaptureCall(captures[b.Index].ProviderKey, b.Intent.AuthorizationReference!, b.Order.Amount)).ToList(),
                CancellationToken.None));
        foreach (var b in approved.Where(b => !captured.Contains(b.Index) && RefusedByProvider(outcomes[b.Index].Error)))
        {
            // As in PayAsync: a capture the provider refused releases the hold.
            _logger.LogWarning("Capture of {Purpose} refused ({Reason}); releasing the hold", b.Order.Purpose, outcomes[b.Index].Error!.Message);
            try
            {
                await ReleaseAfterRefusedCaptureAsync(b.Order.Purpose);
            }
            catch (Exception e)
            {
                outcomes[b.Index] = new PaymentOutcome(null, e);
            }
        }
        var done = approved.Where(b => captured.Contains(b.Index)).ToList();
        if (done.Count == 0)
        {
            return outcomes;
        }
        if (!await RecordManyAsync(done.Select(b => (b.Intent, captures[b.Index], (PaymentAttempt?)null)).ToList(),
                i => i with { Status = PaymentIntentStatus.Captured, HoldExpiresAt = null }, versions: 1))
        {
            foreach (var b in done)
            {
                await CompleteAsync(captures[b.Index].Id, new ProviderResult(true, ProviderResults.Approved, captures[b.Index].ProviderReference!, null), null);
            }
            return outcomes;
        }
        foreach (var b in done)
        {
            outcomes[b.Index] = new PaymentOutcome(ToDto(b.Intent, [b.Attempt, captures[b.Index]]), null);
        }
        return outcomes;
    }

    /// <summary>
    /// Writes new intents with their first attempts in one commit; false, with nothing written, when a purpose has an
    /// intent already. On PostgreSQL one multi-row statement (both tables), instead of EF's statement per row.
    /// </summary>
    private async Task<bool> InsertNewAsync(List<(PaymentIntent Intent, PaymentAttempt Attempt)> rows)
    {
        var ct = CancellationToken.None;
        if (_db.Provider != DatabaseProvider.Postgres)
        {
            _db.Set<PaymentIntent>().AddRange(rows.Select(b => b.Intent));
            _db.Set<PaymentAttempt>().AddRange(rows.Select(b => b.Attempt));
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
                _db.ChangeTracker.Clear();
            }
        }
        const NpgsqlTypes.NpgsqlDbType texts = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
        const NpgsqlTypes.NpgsqlDbType times = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz;
        await using var command = new Npgsql.NpgsqlCommand(
            """
            WITH i AS (
                INSERT INTO "PaymentIntents" ("Id", "Purpose", "PayerId", "Amount", "Currency", "CapturedAmount", "RefundedAmount", "Status",
                    "AuthorizationReference", "HoldExpiresAt", "CreatedAt", "UpdatedAt", "Version")
                SELECT * FROM unnest(@i_ids, @i_purposes, @i_payers, @i_amounts, @i_currencies, @i_captured, @i_refunded, @i_statuses,
                    @i_auths, @i_holds, @i_created, @i_updated, @i_versions)
                RETURNING 1)
            INSERT INTO "PaymentAttempts" ("Id", "IntentId", "Operation", "Step", "Label", "Amount", "Currency", "ProviderKey", "Status",
                "ProviderReference", "Error", "StartedAt", "FinishedAt")
            SELECT * FROM unnest(@a_ids, @a_intents, @a_operations, @a_steps, @a_labels, @a_amounts, @a_currencies, @a_keys, @a_statuses,
                @a_references, @a_errors, @a_started, @a_finished)
            """, (Npgsql.NpgsqlConnection)_db.Database.GetDbConnection());
        var p = command.Parameters;
        var intents = rows.Select(r => r.Intent).ToList();
        var attempts = rows.Select(r => r.Attempt).ToList();
        p.AddWithValue("i_ids", intents.Select(i => i.Id).ToArray());
        p.AddWithValue("i_purposes", intents.Select(i => i.Purpose).ToArray());
        p.AddWithValue("i_payers", intents.Select(i => i.PayerId).ToArray());
        p.AddWithValue("i_amounts", intents.Select(i => i.Amount).ToArray());
        p.AddWithValue("i_currencies", intents.Select(i => i.Currency).ToArray());
        p.AddWithValue("i_captured", intents.Select(i => i.CapturedAmount).ToArray());
        p.AddWithValue("i_refunded", intents.Select(i => i.RefundedAmount).ToArray());
        p.AddWithValue("i_statuses", intents.Select(i => i.Status.ToString()).ToArray());
        p.AddWithValue("i_auths", texts, intents.Select(i => i.AuthorizationReference).ToArray());
        p.AddWithValue("i_holds", times, intents.Select(i => i.HoldExpiresAt).ToArray());
        p.AddWithValue("i_created", intents.Select(i => i.CreatedAt).ToArray());
        p.AddWithValue("i_updated", intents.Select(i => i.UpdatedAt).ToArray());
        p.AddWithValue("i_versions", intents.Select(i => i.Version).ToArray());
        p.AddWithValue("a_ids", attempts.Select(a => a.Id).ToArray());
        p.AddWithValue("a_intents", attempts.Select(a => a.IntentId).ToArray());
        p.AddWithValue("a_operations", attempts.Select(a => a.Operation.ToString()).ToArray());
        p.AddWithValue("a_steps", attempts.Select(a => a.Step).ToArray());
        p.AddWithValue("a_labels", texts, attempts.Select(a => a.Label).ToArray());
        p.AddWithValue("a_amounts", attempts.Select(a => a.Amount).ToArray());
        p.AddWithValue("a_currencies", attempts.Select(a => a.Currency).ToArray());
        p.AddWithValue("a_keys", attempts.Select(a => a.ProviderKey).ToArray());
        p.AddWithValue("a_statuses", attempts.Select(a => a.Status.ToString()).ToArray());
        p.AddWithValue("a_references", texts, attempts.Select(a => a.ProviderReference).ToArray());
        p.AddWithValue("a_errors", texts, attempts.Select(a => a.Error).ToArray());
        p.AddWithValue("a_started", attempts.Select(a => a.StartedAt).ToArray());
        p.AddWithValue("a_finished", times, attempts.Select(a => a.FinishedAt).ToArray());
        try
        {
            await _db.Database.OpenConnectionAsync(ct);
            using var watched = _db.Watch("payment intents");
            await command.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A refusal by the provider (a decline, or an operation it refused), not a race or an unanswered call.</summary>
    private static bool RefusedByProvider(Exception? e) => e is PaymentDeclinedException || e is ConflictException c && c.Extensions.ContainsKey("providerResult");

    /// <summary>
    /// One provider batch: records every refusal and every unanswered call as its single call would (Declined or
    /// Unknown, with the exception in the outcome), keeps each approval's reference on its attempt, and returns the
    /// indexes approved (their answers not yet recorded).
    /// </summary>
    private async Task<HashSet<int>> CallManyAsync(List<(int Index, PaymentAttempt Attempt)> calls, PaymentOutcome[] outcomes, Func<Task<IReadOnlyList<ProviderOutcome>>> batch)
    {
        IReadOnlyList<ProviderOutcome> answers;
        try
        {
            answers = await batch();
        }
        catch (Exception e)
        {
            answers = calls.Select(_ => new ProviderOutcome(null, e)).ToList();
        }
        var approved = new HashSet<int>();
        for (var k = 0; k < calls.Count; k++)
        {
            var (index, attempt) = calls[k];
            var answer = k < answers.Count ? answers[k] : new ProviderOutcome(null, new InvalidOperationException("The provider's batch answered fewer calls than it was given."));
            try
            {
                await CallAsync(attempt, () => answer.Result is { } r ? Task.FromResult(r) : Task.FromException<ProviderResult>(answer.Error!), recorded: false);
                approved.Add(index);
            }
            catch (Exception e)
            {
                outcomes[index] = new PaymentOutcome(null, e);
            }
        }
        return approved;
    }

    /// <summary>
    /// <see cref="RecordAsync"/> for a batch, in one commit: each intent's new state under a compare-and-set on its
    /// version (the version is a concurrency token: one intent that moved fails the whole batch, which then wrote
    /// nothing), its attempt closed with the provider's reference, and its next attempt written Pending. The
    /// authorization's reference comes from the attempt. Updates the intents and attempts in memory; false when anything moved.
    /// </summary>
    private async Task<bool> RecordManyAsync(List<(PaymentIntent Intent, PaymentAttempt Attempt, PaymentAttempt? Next)> rows, Func<IntentState, IntentState> change, int versions)
    {
        var ct = CancellationToken.None; // money has moved: the record of it must be written even if the client hung up
        var now = Microseconds(_clock.GetUtcNow());
        var states = new List<IntentState>();
        // In one order (by id), so two batches that could ever share an intent lock in the same order.
        rows = rows.OrderBy(r => r.Intent.Id, StringComparer.Ordinal).ToList();
        foreach (var (intent, attempt, next) in rows)
        {
            var state = change(new IntentState(intent.Status, intent.CapturedAmount, intent.RefundedAmount, intent.AuthorizationReference, intent.HoldExpiresAt));
            if (attempt.Operation == PaymentOperation.Authorize)
            {
                state = state with { AuthorizationReference = attempt.ProviderReference };
            }
            else if (attempt.Operation == PaymentOperation.Capture)
            {
                state = state with { CapturedAmount = attempt.Amount };
            }
            states.Add(state);
        }
        if (_db.Provider == DatabaseProvider.Postgres)
        {
            if (!await RecordManyOnPostgresAsync(rows, states, versions, now))
            {
                return false;
            }
        }
        else
        {
            for (var k = 0; k < rows.Count; k++)
            {
                var (intent, attempt, next) = rows[k];
                var state = states[k];
                var stub = new PaymentIntent
                {
                    Id = intent.Id, Purpose = intent.Purpose, PayerId = intent.PayerId, Currency = intent.Currency, Amount = intent.Amount, Version = intent.Version,
                    Status = intent.Status, CapturedAmount = intent.CapturedAmount, AuthorizationReference = intent.AuthorizationReference,
                    HoldExpiresAt = intent.HoldExpiresAt, UpdatedAt = intent.UpdatedAt, CreatedAt = intent.CreatedAt,
                };
                _db.Set<PaymentIntent>().Attach(stub);
                stub.Status = state.Status;
                stub.CapturedAmount = state.CapturedAmount;
                stub.AuthorizationReference = state.AuthorizationReference;
                stub.HoldExpiresAt = state.HoldExpiresAt;
                stub.Version = intent.Version + versions;
                stub.UpdatedAt = now;
                var closed = _db.Set<PaymentAttempt>().Attach(new PaymentAttempt
                {
                    Id = attempt.Id, IntentId = attempt.IntentId, Operation = attempt.Operation, Step = attempt.Step, Amount = attempt.Amount,
                    Currency = attempt.Currency, ProviderKey = attempt.ProviderKey, Status = attempt.Status, StartedAt = attempt.StartedAt,
                });
                closed.Entity.Status = PaymentAttemptStatus.Succeeded;
                closed.Entity.ProviderReference = attempt.ProviderReference;
                closed.Entity.FinishedAt = now;
                closed.Property(a => a.Status).IsModified = true;
                closed.Property(a => a.ProviderReference).IsModified = true;
                closed.Property(a => a.FinishedAt).IsModified = true;
                if (next is not null)
                {
                    _db.Set<PaymentAttempt>().Add(next);
                }
            }
            try
            {
                await _db.SaveChangesAsync(ct); // one transaction, one batch of statements
            }
            catch (DbUpdateException e)
            {
                _logger.LogDebug(e, "A batch of {Count} payment records found an intent that moved", rows.Count);
                return false;
            }
            finally
            {
                _db.ChangeTracker.Clear();
            }
        }
        for (var k = 0; k < rows.Count; k++)
        {
            var (intent, attempt, _) = rows[k];
            intent.Status = states[k].Status;
            intent.CapturedAmount = states[k].CapturedAmount;
            intent.AuthorizationReference = states[k].AuthorizationReference;
            intent.HoldExpiresAt = states[k].HoldExpiresAt;
            intent.Version += versions;
            intent.UpdatedAt = now;
            attempt.Status = PaymentAttemptStatus.Succeeded;
            attempt.FinishedAt = now;
        }
        return true;
    }

    /// <summary>
    /// Times as either database gives them back (PostgreSQL keeps microseconds, SQLite's binary form 100 µs), so the
    /// fast path's answer equals what a read returns.
    /// </summary>
    private static DateTimeOffset Microseconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % 1000, t.Offset);

    /// <summary>
    /// <see cref="RecordManyAsync"/> on PostgreSQL: the whole batch's record in one statement — the intents' compare-and-set
    /// on their versions, the attempts closed, the next attempts written Pending — in one transaction that commits only
    /// when every intent was still at the version read (else it rolls back, as the general path's concurrency check does).
    /// The per-row statements EF would send (three per buyer, each tracked and built on the client) were a tenth of the
    /// checkout's CPU in a flash sale. The joins with <c>unnest</c> are also restricted by <c>Id = ANY(…)</c>, so rows are
    /// found through the primary key whatever join the planner picks (a plan made while the tables were small would
    /// otherwise scan them on every batch as they grow).
    /// </summary>
    private async Task<bool> RecordManyOnPostgresAsync(
        List<(PaymentIntent Intent, PaymentAttempt Attempt, PaymentAttempt? Next)> rows, List<IntentState> states, int versions, DateTimeOffset now)
    {
        var ct = CancellationToken.None;
        var next = rows.Where(r => r.Next is not null).Select(r => r.Next!).ToList();
        await using var tx = await _db.Database.BeginTransactionAsync(ct);
        await _db.Database.UseGenericPlansAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            """
            WITH i AS (
                UPDATE "PaymentIntents" AS p
                SET "Status" = u.status, "CapturedAmount" = u.captured, "AuthorizationReference" = u.auth, "HoldExpiresAt" = u.hold,
                    "Version" = u.version + @versions, "UpdatedAt" = @now
                FROM unnest(@ids, @read_versions, @statuses, @captured, @auths, @holds) AS u(id, version, status, captured, auth, hold)
                WHERE p."Id" = u.id AND p."Version" = u.version AND p."Id" = ANY(@ids)
                RETURNING 1),
            a AS (
                UPDATE "PaymentAttempts" AS t SET "Status" = @succeeded, "ProviderReference" = u.reference, "FinishedAt" = @now
                FROM unnest(@attempts, @references) AS u(id, reference)
                WHERE t."Id" = u.id AND t."Id" = ANY(@attempts)
                RETURNING 1),
            n AS (
                INSERT INTO "PaymentAttempts" ("Id", "IntentId", "Operation", "Step", "Amount", "Currency", "ProviderKey", "Status", "StartedAt")
                SELECT * FROM unnest(@next_ids, @next_intents, @next_operations, @next_steps, @next_amounts, @next_currencies, @next_keys, @next_statuses, @next_started)
                RETURNING 1)
            SELECT (SELECT count(*) FROM i)::int, (SELECT count(*) FROM a)::int, (SELECT count(*) FROM n)::int
            """, (Npgsql.NpgsqlConnection)_db.Database.GetDbConnection());
        var p = command.Parameters;
        p.AddWithValue("versions", versions);
        p.AddWithValue("now", now);
        p.AddWithValue("succeeded", nameof(PaymentAttemptStatus.Succeeded));
        p.AddWithValue("ids", rows.Select(r => r.Intent.Id).ToArray());
        p.AddWithValue("read_versions", rows.Select(r => r.Intent.Version).ToArray());
        p.AddWithValue("statuses", states.Select(x => x.Status.ToString()).ToArray());
        p.AddWithValue("captured", states.Select(x => x.CapturedAmount).ToArray());
        p.AddWithValue("auths", states.Select(x => x.AuthorizationReference).ToArray());
        p.AddWithValue("holds", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz, states.Select(x => x.HoldExpiresAt).ToArray());
        p.AddWithValue("attempts", rows.Select(r => r.Attempt.Id).ToArray());
        p.AddWithValue("references", rows.Select(r => r.Attempt.ProviderReference).ToArray());
        p.AddWithValue("next_ids", next.Select(a => a.Id).ToArray());
        p.AddWithValue("next_intents", next.Select(a => a.IntentId).ToArray());
        p.AddWithValue("next_operations", next.Select(a => a.Operation.ToString()).ToArray());
        p.AddWithValue("next_steps", next.Select(a => a.Step).ToArray());
        p.AddWithValue("next_amounts", next.Select(a => a.Amount).ToArray());
        p.AddWithValue("next_currencies", next.Select(a => a.Currency).ToArray());
        p.AddWithValue("next_keys", next.Select(a => a.ProviderKey).ToArray());
        p.AddWithValue("next_statuses", next.Select(a => a.Status.ToString()).ToArray());
        p.AddWithValue("next_started", next.Select(a => a.StartedAt).ToArray());
        int intents, attempts, inserted;
        try
        {
            using var watched = _db.Watch("payment record");
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (intents, attempts, inserted) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            // A next attempt exists already: a concurrent resume got there first.
            _logger.LogDebug(e, "A batch of {Count} payment records found an attempt that was written meanwhile", rows.Count);
            await tx.RollbackAsync(ct);
            return false;
        }
        if (intents != rows.Count || attempts != rows.Count || inserted != next.Count)
        {
            _logger.LogDebug("A batch of {Count} payment records found an intent that moved ({Intents} at the version read)", rows.Count, intents);
            await tx.RollbackAsync(ct);
            return false;
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private static PaymentAttempt NewAttempt(PaymentIntent intent, PaymentOperation operation, string step, Money amount, DateTimeOffset now) => new()
    {
        Id = Ids.New(), IntentId = intent.Id, Operation = operation, Step = step, Amount = amount.Amount, Currency = amount.Currency,
        ProviderKey = $"{intent.Id}:{step}", Status = PaymentAttemptStatus.Pending, StartedAt = now,
    };

    /// <summary>
    /// The fast path's record of an approved call, in one short transaction: the intent's new state as a compare-and-set
    /// on its version (advanced by <paramref name="versions"/>: one for the answer, one more when <paramref name="next"/>
    /// starts the following attempt, as the general path counts), the attempt closed, and <paramref name="next"/> written
    /// Pending before its provider call. Updates <paramref name="intent"/> and <paramref name="attempt"/> in memory.
    /// False, with nothing written, when the intent moved (a concurrent resume recorded it first).
    /// </summary>
    private async Task<bool> RecordAsync(PaymentIntent intent, PaymentAttempt attempt, Func<IntentState, IntentState> change, int versions, PaymentAttempt? next)
    {
        var ct = CancellationToken.None; // money has moved: the record of it must be written even if the client hung up
        var now = Microseconds(_clock.GetUtcNow());
        var state = change(new IntentState(intent.Status, intent.CapturedAmount, intent.RefundedAmount, intent.AuthorizationReference, intent.HoldExpiresAt));
        var version = intent.Version;
        await using var tx = await _db.Database.BeginTransactionAsync(ct);
        var updated = await _db.Set<PaymentIntent>().Where(i => i.Id == intent.Id && i.Version == version)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, state.Status).SetProperty(i => i.CapturedAmount, state.CapturedAmount)
                .SetProperty(i => i.AuthorizationReference, state.AuthorizationReference).SetProperty(i => i.HoldExpiresAt, state.HoldExpiresAt)
                .SetProperty(i => i.Version, version + versions).SetProperty(i => i.UpdatedAt, now), ct);
        if (updated == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        // The intent's row lock (the compare-and-set above) makes this the only writer of its attempts.
        var entry = _db.Set<PaymentAttempt>().Attach(attempt);
        attempt.Status = PaymentAttemptStatus.Succeeded;
        attempt.FinishedAt = now;
        entry.Property(a => a.Status).IsModified = true;
        entry.Property(a => a.ProviderReference).IsModified = true;
        entry.Property(a => a.FinishedAt).IsModified = true;
        var added = next is null ? null : _db.Set<PaymentAttempt>().Add(next);
        try
        {
            await _db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            entry.State = EntityState.Detached;
            if (added is not null)
            {
                added.State = EntityState.Detached;
            }
        }
        intent.Status = state.Status;
        intent.CapturedAmount = state.CapturedAmount;
        intent.AuthorizationReference = state.AuthorizationReference;
        intent.HoldExpiresAt = state.HoldExpiresAt;
        intent.Version = version + versions;
        intent.UpdatedAt = now;
        return true;
    }

    /// <summary>The intent for a purpose with its attempts, or null when there is none.</summary>
    public async Task<PaymentIntentDto?> GetAsync(string purpose, CancellationToken ct)
    {
        var intent = await Intents.FirstOrDefaultAsync(i => i.Purpose == purpose, ct);
        return intent is null ? null : await ToDtoAsync(intent, ct);
    }

    /// <summary>The intents of many purposes at once (an order list), keyed by purpose; purposes without one are left out.</summary>
    public async Task<IReadOnlyDictionary<string, PaymentIntentDto>> GetManyAsync(IReadOnlyCollection<string> purposes, CancellationToken ct)
    {
        var intents = await Intents.Where(i => purposes.Contains(i.Purpose)).ToListAsync(ct);
        var ids = intents.Select(i => i.Id).ToList();
        var attempts = (await Attempts.Where(a => ids.Contains(a.IntentId)).ToListAsync(ct)).ToLookup(a => a.IntentId);
        return intents.ToDictionary(i => i.Purpose, i => ToDto(i, attempts[i.Id].ToList()), StringComparer.Ordinal);
    }

    /// <summary>The intent by id for its payer; null for anyone else, so a caller answers 404 and reveals nothing.</summary>
    public async Task<PaymentIntentDto?> GetForPayerAsync(string intentId, string payerId, CancellationToken ct)
    {
        var intent = await Intents.FirstOrDefaultAsync(i => i.Id == intentId && i.PayerId == payerId, ct);
        return intent is null ? null : await ToDtoAsync(intent, ct);
    }

    /// <summary>
    /// Resolves attempts left Pending (a crash mid-call) or Unknown (a timeout, an error after the call) by asking the
    /// provider what it did under their keys: a recorded movement is booked as it happened; no record means the
    /// provider did not act, and the attempt is Failed (a retry of the operation re-sends the same key).
    /// </summary>
    public async Task<ReconcileResultDto> ReconcileAsync(string purpose, CancellationToken ct)
    {
        var intent = await FindAsync(purpose, ct);
        var open = await Attempts.Where(a => a.IntentId == intent.Id && (a.Status == PaymentAttemptStatus.Pending || a.Status == PaymentAttemptStatus.Unknown))
            .OrderBy(a => a.Id).ToListAsync(ct);
        var resolved = 0;
        foreach (var attempt in open)
        {
            if (await ReconcileAttemptAsync(attempt, markMissingFailed: true, ct))
            {
                resolved++;
            }
        }
        return new ReconcileResultDto(purpose, resolved, open.Count - resolved, await GetRequiredAsync(purpose, ct));
    }

    /// <summary>For the background job: reconciles attempts open for longer than <c>Payments:ReconcileAfter</c>.</summary>
    public async Task<int> ReconcileStaleAsync(DateTimeOffset now, CancellationToken ct)
    {
        var before = now - _options.ReconcileAfter;
        var stale = await Attempts.Where(a => (a.Status == PaymentAttemptStatus.Pending || a.Status == PaymentAttemptStatus.Unknown) && a.StartedAt < before)
            .OrderBy(a => a.StartedAt).Take(200).ToListAsync(ct);
        var resolved = 0;
        foreach (var attempt in stale)
        {
            try
            {
                if (await ReconcileAttemptAsync(attempt, markMissingFailed: true, ct))
                {
                    resolved++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Reconciling payment attempt {AttemptId} failed; will retry", attempt.Id);
            }
        }
        return resolved;
    }

    /// <summary>Voids every hold whose expiry has passed (status Expired); returns how many. Safe on many instances.</summary>
    public async Task<int> ExpireHoldsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var expired = await Intents.Where(i => i.Status == PaymentIntentStatus.Authorized && i.HoldExpiresAt != null && i.HoldExpiresAt <= now)
            .OrderBy(i => i.HoldExpiresAt).Select(i => i.Purpose).Take(200).ToListAsync(ct);
        var count = 0;
        foreach (var purpose in expired)
        {
            try
            {
                var result = await VoidAsync(purpose, ExpiryLabel, ct);
                if (result.Status == nameof(PaymentIntentStatus.Expired))
                {
                    count++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Releasing the expired hold of {Purpose} failed; will retry", purpose);
            }
        }
        return count;
    }

    /// <summary>The label of the voids that retry a hold the provider refused to release.</summary>
    internal const string ReleaseRetryLabel = "release-retry";

    /// <summary>
    /// Tries again to release a hold the provider refused to void (<see cref="PaymentReleaseRefused"/>): true when the
    /// hold is gone (voided, expired, or it was captured meanwhile — then it is the payer's purpose to refund, not a
    /// hold); throws while the provider still refuses or does not answer, so the outbox retries it with backoff.
    /// </summary>
    internal async Task<bool> RetryReleaseAsync(string purpose, CancellationToken ct)
    {
        var intent = await FindAsync(purpose, ct);
        intent = await ResolveOpenAsync(intent, PaymentOperation.Void, ReleaseRetryLabel, ct);
        if (intent.Status != PaymentIntentStatus.Authorized)
        {
            return true;
        }
        var result = await VoidAsync(purpose, ReleaseRetryLabel, ct);
        return result.Status != nameof(PaymentIntentStatus.Authorized);
    }

    /// <summary>
    /// For operators: money the provider refused to move back — holds still placed after a refused void, captures whose
    /// refund was refused and has not succeeded since — oldest first. Each stays listed until it is settled (the outbox
    /// and the hold-expiry job keep retrying the voids; a refused refund is retried by its owner's handler).
    /// </summary>
    public async Task<IReadOnlyList<PaymentAttentionDto>> NeedingAttentionAsync(CancellationToken ct)
    {
        var refused = await Attempts.Where(a => a.Status == PaymentAttemptStatus.Declined
                && (a.Operation == PaymentOperation.Void || a.Operation == PaymentOperation.Refund))
            .Join(Intents.Where(i => i.Status == PaymentIntentStatus.Authorized || i.Status == PaymentIntentStatus.Captured
                || i.Status == PaymentIntentStatus.PartiallyRefunded), a => a.IntentId, i => i.Id, (a, i) => new { Attempt = a, Intent = i })
            .ToListAsync(ct);
        var ids = refused.Select(r => r.Intent.Id).Distinct().ToList();
        var refunded = (await Attempts.Where(a => ids.Contains(a.IntentId) && a.Operation == PaymentOperation.Refund && a.Status == PaymentAttemptStatus.Succeeded)
            .Select(a => new { a.IntentId, a.Label }).ToListAsync(ct)).Select(a => (a.IntentId, a.Label)).ToHashSet();
        return refused
            .Where(r => r.Attempt.Operation == PaymentOperation.Void
                ? r.Intent.Status == PaymentIntentStatus.Authorized
                : !refunded.Contains((r.Intent.Id, r.Attempt.Label)))
            .GroupBy(r => (r.Intent.Id, r.Attempt.Operation))
            .Select(g =>
            {
                var first = g.MinBy(r => r.Attempt.StartedAt)!;
                var last = g.MaxBy(r => r.Attempt.StartedAt)!;
                return new PaymentAttentionDto(first.Intent.Id, first.Intent.Purpose, first.Intent.Status.ToString(), Kind(g.Key.Operation),
                    MoneyDto.Of(first.Intent.Amount, first.Intent.Currency), g.Count(), last.Attempt.Error, first.Attempt.StartedAt, last.Attempt.StartedAt);
            })
            .OrderBy(a => a.Since).ToList();
    }

    private async Task<PaymentIntentDto> VoidAsync(string purpose, string? label, CancellationToken ct)
    {
        var intent = await FindAsync(purpose, ct);
        intent = await ResolveOpenAsync(intent, PaymentOperation.Void, label, ct);
        switch (intent.Status)
        {
            case PaymentIntentStatus.Voided or PaymentIntentStatus.Expired or PaymentIntentStatus.RequiresAuthorization or PaymentIntentStatus.Failed:
                return await GetRequiredAsync(purpose, ct);
            case PaymentIntentStatus.Captured or PaymentIntentStatus.PartiallyRefunded or PaymentIntentStatus.Refunded:
                throw new ConflictException($"The payment for {purpose} was captured; refund it instead of voiding.");
        }
        var attempt = await StartAttemptAsync(intent, PaymentOperation.Void, new Money(intent.Amount, intent.Currency), label, ct);
        await CallAsync(attempt, () => _provider.VoidAsync(attempt.ProviderKey, intent.AuthorizationReference!, CancellationToken.None));
        return await GetRequiredAsync(purpose, ct);
    }

    /// <summary>
    /// The extension a 409 carries when another call is moving this payment right now (a race, not a refusal): the
    /// caller may wait for that call's outcome or retry in a moment; any other 409 will not change by waiting.
    /// </summary>
    public const string BusyKey = "paymentBusy";

    private static ConflictException Busy(string purpose) => new(
        $"The payment for {purpose} is being changed by another request; retry in a moment.", new Dictionary<string, object?> { [BusyKey] = true });

    private async Task<PaymentIntent> EnsureIntentAsync(string purpose, string payerId, Money amount, CancellationToken ct)
    {
        var intent = await Intents.FirstOrDefaultAsync(i => i.Purpose == purpose, ct);
        if (intent is null)
        {
            var now = _clock.GetUtcNow();
            var created = new PaymentIntent
            {
                Id = Ids.New(), Purpose = purpose, PayerId = payerId, Amount = amount.Amount, Currency = amount.Currency,
                Status = PaymentIntentStatus.RequiresAuthorization, CreatedAt = now, UpdatedAt = now,
            };
            if (await TryInsertAsync(created, ct))
            {
                return created;
            }
            // Another call created the intent for this purpose first: carry on with theirs.
            intent = await Intents.FirstAsync(i => i.Purpose == purpose, ct);
        }
        if (intent.PayerId != payerId || intent.Amount != amount.Amount || intent.Currency != amount.Currency)
        {
            throw new ConflictException($"A payment for {purpose} already exists with a different payer or amount.");
        }
        return intent;
    }

    private async Task<PaymentIntent> FindAsync(string purpose, CancellationToken ct) =>
        await Intents.FirstOrDefaultAsync(i => i.Purpose == purpose, ct) ?? throw new NotFoundException($"No payment for {purpose}.");

    /// <summary>
    /// Before an operation: resolves its open attempts (and any other open one, which could change the intent's state)
    /// so a retried call finds out what its first try did instead of trying again blind.
    /// </summary>
    private async Task<PaymentIntent> ResolveOpenAsync(PaymentIntent intent, PaymentOperation operation, string? label, CancellationToken ct)
    {
        var open = await Attempts.Where(a => a.IntentId == intent.Id && (a.Status == PaymentAttemptStatus.Pending || a.Status == PaymentAttemptStatus.Unknown))
            .OrderBy(a => a.Id).ToListAsync(ct);
        foreach (var attempt in open)
        {
            // Not found at the provider: leave it for the re-send below (same operation) or for reconciliation.
            await ReconcileAttemptAsync(attempt, markMissingFailed: attempt.Operation == operation && attempt.Label == label, ct);
        }
        return await Intents.FirstAsync(i => i.Id == intent.Id, ct);
    }

    /// <summary>True when the attempt is settled afterwards.</summary>
    private async Task<bool> ReconcileAttemptAsync(PaymentAttempt attempt, bool markMissingFailed, CancellationToken ct)
    {
        ProviderResult? found;
        try
        {
            found = await _provider.LookupAsync(attempt.ProviderKey, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Looking up {ProviderKey} at the provider failed", attempt.ProviderKey);
            return false;
        }
        if (found is not null)
        {
            await CompleteAsync(attempt.Id, found, null);
            return true;
        }
        if (markMissingFailed)
        {
            await CompleteAsync(attempt.Id, null, "The provider has no record of this call; it did not act.");
            return true;
        }
        return false;
    }

    /// <summary>
    /// Writes and commits the attempt before the provider hears of it. A step whose last try did not reach a result
    /// (Failed: the provider never acted) is re-sent under the same key; after a decline the next try is a new step.
    /// </summary>
    private async Task<PaymentAttempt> StartAttemptAsync(
        PaymentIntent intent, PaymentOperation operation, Money amount, string? label, CancellationToken ct,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<PaymentIntent>>? alsoSet = null)
    {
        var name = operation.ToString().ToLowerInvariant();
        var previous = await Attempts.Where(a => a.IntentId == intent.Id && a.Operation == operation).ToListAsync(ct);
        // This very step still open means another call is at the provider with it right now (it opened after this
        // call's ResolveOpenAsync looked), or its outcome is still unknown: a second step now could move the money twice.
        if (previous.Any(a => a.Label == label && a.Status == PaymentAttemptStatus.Unknown))
        {
            throw new PaymentProviderUnavailableException(
                $"The payment provider has not confirmed the last {name} for {intent.Purpose}; it is being checked. Retry in a moment.", null);
        }
        if (previous.Any(a => a.Label == label && a.Status == PaymentAttemptStatus.Pending))
        {
            throw Busy(intent.Purpose);
        }
        var retry = previous.Where(a => a.Label == label && a.Status == PaymentAttemptStatus.Failed).OrderByDescending(a => a.Id).FirstOrDefault();
        var now = _clock.GetUtcNow();
        await using var tx = await _db.Database.BeginTransactionAsync(ct);
        // Compare-and-set on the version: if the intent moved since it was read, this call lost a race.
        var claimed = await _db.Set<PaymentIntent>().Where(i => i.Id == intent.Id && i.Version == intent.Version)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(i => i.Version, intent.Version + 1).SetProperty(i => i.UpdatedAt, now);
                alsoSet?.Invoke(s);
            }, ct);
        if (claimed == 0)
        {
            throw Busy(intent.Purpose);
        }
        PaymentAttempt attempt;
        if (retry is not null && retry.Amount == amount.Amount)
        {
            await _db.Set<PaymentAttempt>().Where(a => a.Id == retry.Id && a.Status == PaymentAttemptStatus.Failed)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, PaymentAttemptStatus.Pending).SetProperty(a => a.Error, (string?)null).SetProperty(a => a.FinishedAt, (DateTimeOffset?)null), ct);
            attempt = retry;
        }
        else
        {
            var step = $"{name}:{previous.Count + 1}";
            attempt = new PaymentAttempt
            {
                Id = Ids.New(), IntentId = intent.Id, Operation = operation, Step = step, Label = label, Amount = amount.Amount, Currency = amount.Currency,
                ProviderKey = $"{intent.Id}:{step}", Status = PaymentAttemptStatus.Pending, StartedAt = now,
            };
            if (!await TryInsertAsync(attempt, ct))
            {
                throw Busy(intent.Purpose);
            }
        }
        await tx.CommitAsync(ct);
        return attempt;
    }

    /// <summary>Calls the provider (never inside a transaction), then records what came of it and throws for refusals.</summary>
    private async Task CallAsync(PaymentAttempt attempt, Func<Task<ProviderResult>> call, bool recorded = true)
    {
        ProviderResult result;
        try
        {
            result = await call();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "The provider call {ProviderKey} failed; its outcome is unknown until reconciled", attempt.ProviderKey);
            await MarkUnknownAsync(attempt.Id, e.Message);
            throw new PaymentProviderUnavailableException(
                $"The payment provider did not confirm the {attempt.Operation.ToString().ToLowerInvariant()}; it is being checked. Retry in a moment.", e);
        }
        if (!recorded && result.Approved)
        {
            // The fast path records an approval itself, with the next attempt, in one transaction.
            attempt.ProviderReference = result.Reference;
            return;
        }
        await CompleteAsync(attempt.Id, result, null);
        if (!result.Approved)
        {
            var message = result.Message ?? $"The payment provider refused: {result.Result}.";
            if (result.IsIssuerDecline)
            {
                throw new PaymentDeclinedException(message);
            }
            throw new ConflictException(message, new Dictionary<string, object?> { ["providerResult"] = result.Result });
        }
    }

    private async Task MarkUnknownAsync(string attemptId, string error) =>
        await _db.Set<PaymentAttempt>().Where(a => a.Id == attemptId && a.Status == PaymentAttemptStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, PaymentAttemptStatus.Unknown).SetProperty(a => a.Error, Truncate(error)), CancellationToken.None);

    /// <summary>
    /// Records the provider's answer (or, with <paramref name="result"/> null, that it never acted) on the attempt and
    /// the intent in one short transaction. Only an open attempt is completed, so two reconcilers book a result once.
    /// </summary>
    private async Task CompleteAsync(string attemptId, ProviderResult? result, string? failure)
    {
        var ct = CancellationToken.None; // money has moved or not: the record of it must be written either way
        for (var round = 0; round < 5; round++)
        {
            var now = _clock.GetUtcNow();
            await using var tx = await _db.Database.BeginTransactionAsync(ct);
            var attempt = await Attempts.FirstAsync(a => a.Id == attemptId, ct);
            var status = result is null ? PaymentAttemptStatus.Failed : result.Approved ? PaymentAttemptStatus.Succeeded : PaymentAttemptStatus.Declined;
            var answered = result is not null;
            var error = result is null ? failure : result.Approved ? null : $"{result.Result}: {result.Message}";
            // Rows are locked in one order on every path — the intent, then its attempt (as StartAttemptAsync does) —
            // so racing calls for one purpose wait for each other instead of deadlocking.
            var intent = await Intents.FirstAsync(i => i.Id == attempt.IntentId, ct);
            var next = Next(intent, attempt, result);
            var updated = await _db.Set<PaymentIntent>().Where(i => i.Id == intent.Id && i.Version == intent.Version)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, next.Status).SetProperty(i => i.CapturedAmount, next.CapturedAmount)
                    .SetProperty(i => i.RefundedAmount, next.RefundedAmount).SetProperty(i => i.AuthorizationReference, next.AuthorizationReference)
                    .SetProperty(i => i.HoldExpiresAt, next.HoldExpiresAt).SetProperty(i => i.Version, intent.Version + 1).SetProperty(i => i.UpdatedAt, now), ct);
            if (updated == 0)
            {
                await tx.RollbackAsync(ct); // the intent moved under us: read it again
                continue;
            }
            // A provider's answer also overrides an earlier "no record" (Failed): the call may have landed after the lookup.
            var closed = await _db.Set<PaymentAttempt>()
                .Where(a => a.Id == attemptId && (a.Status == PaymentAttemptStatus.Pending || a.Status == PaymentAttemptStatus.Unknown
                    || (answered && a.Status == PaymentAttemptStatus.Failed)))
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.ProviderReference, result == null ? null : result.Reference)
                    .SetProperty(a => a.Error, Truncate(error)).SetProperty(a => a.FinishedAt, now), ct);
            if (closed == 0)
            {
                await tx.RollbackAsync(ct);
                return; // someone else recorded it
            }
            if (result is { Approved: false } && attempt.Operation == PaymentOperation.Void && attempt.Label is null)
            {
                // The provider refused to release a hold (the first plain void only: the retries and the expiry job's
                // voids carry labels, so a refusal starts one retry chain, not one per retry). Written with the record,
                // so the retry through the outbox (RefusedReleaseRetry) cannot be lost to a crash.
                _events.Publish(_db, new PaymentReleaseRefused(intent.Id, intent.Purpose, intent.PayerId, MoneyDto.Of(intent.Amount, intent.Currency),
                    Truncate(error) ?? result.Result, now));
                await _db.SaveChangesAsync(ct);
            }
            if (result is { Approved: true } && attempt.Operation == PaymentOperation.Refund)
            {
                // Written in the same transaction as the refund's record: other modules learn of it at least once.
                _events.Publish(_db, new PaymentRefunded(intent.Id, intent.Purpose, intent.PayerId, MoneyDto.Of(attempt.Amount, attempt.Currency),
                    MoneyDto.Of(next.RefundedAmount, intent.Currency), now));
                await _db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
            if (result is { Approved: true })
            {
                _logger.LogInformation("Payment {Purpose}: {Operation} {Amount} {Currency} succeeded", intent.Purpose, attempt.Operation, attempt.Amount, attempt.Currency);
            }
            return;
        }
        throw new ConflictException("The payment changed too often while its result was recorded; reconcile it.", new Dictionary<string, object?> { [BusyKey] = true });
    }

    private sealed record IntentState(PaymentIntentStatus Status, decimal CapturedAmount, decimal RefundedAmount, string? AuthorizationReference, DateTimeOffset? HoldExpiresAt);

    private static IntentState Next(PaymentIntent i, PaymentAttempt a, ProviderResult? result)
    {
        var state = new IntentState(i.Status, i.CapturedAmount, i.RefundedAmount, i.AuthorizationReference, i.HoldExpiresAt);
        if (result is null)
        {
            return state;
        }
        if (!result.Approved)
        {
            return a.Operation == PaymentOperation.Authorize && i.Status is PaymentIntentStatus.RequiresAuthorization or PaymentIntentStatus.Failed
                ? state with { Status = PaymentIntentStatus.Failed }
                : state;
        }
        return a.Operation switch
        {
            PaymentOperation.Authorize => state with { Status = PaymentIntentStatus.Authorized, AuthorizationReference = result.Reference },
            PaymentOperation.Capture => state with { Status = PaymentIntentStatus.Captured, CapturedAmount = a.Amount, HoldExpiresAt = null },
            PaymentOperation.Void => state with { Status = a.Label == ExpiryLabel ? PaymentIntentStatus.Expired : PaymentIntentStatus.Voided, HoldExpiresAt = null },
            _ => state with
            {
                RefundedAmount = i.RefundedAmount + a.Amount,
                Status = i.RefundedAmount + a.Amount >= i.CapturedAmount ? PaymentIntentStatus.Refunded : PaymentIntentStatus.PartiallyRefunded,
            },
        };
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
            // The module's rows never stay tracked in a DbContext it shares with its caller.
            entry.State = EntityState.Detached;
        }
    }

    private async Task<PaymentIntentDto> GetRequiredAsync(string purpose, CancellationToken ct) =>
        await GetAsync(purpose, ct) ?? throw new NotFoundException($"No payment for {purpose}.");

    private async Task<PaymentIntentDto> ToDtoAsync(PaymentIntent i, CancellationToken ct) =>
        ToDto(i, await Attempts.Where(a => a.IntentId == i.Id).ToListAsync(ct));

    private static PaymentIntentDto ToDto(PaymentIntent i, List<PaymentAttempt> attempts)
    {
        attempts = attempts.OrderBy(a => a.StartedAt).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        return new PaymentIntentDto(
            i.Id, i.Purpose, i.PayerId, i.Status.ToString(), MoneyDto.Of(i.Amount, i.Currency), MoneyDto.Of(i.CapturedAmount, i.Currency),
            MoneyDto.Of(i.RefundedAmount, i.Currency), i.HoldExpiresAt, i.CreatedAt, i.UpdatedAt,
            attempts.Where(a => a.Status == PaymentAttemptStatus.Succeeded)
                .Select(a => new PaymentTransactionDto(Kind(a.Operation), MoneyDto.Of(a.Amount, a.Currency), a.FinishedAt ?? a.StartedAt, a.ProviderReference)).ToList(),
            attempts.Select(a => new PaymentAttemptDto(a.Id, Kind(a.Operation), a.Step, MoneyDto.Of(a.Amount, a.Currency), a.Status.ToString(), a.ProviderKey,
                a.ProviderReference, a.Error, a.StartedAt, a.FinishedAt)).ToList());
    }

    private static string Kind(PaymentOperation operation) => operation.ToString().ToLowerInvariant();

    private static void ValidateAmount(Money? amount, string field)
    {
        if (amount is null || amount.Amount <= 0 || !Currencies.IsKnown(amount.Currency) || !Currencies.FitsMinorUnit(amount.Amount, amount.Currency))
        {
            throw new RequestValidationException(field, "The amount must be more than zero, in a known currency, and fit its minor unit.");
        }
    }

    private static string? Truncate(string? text) => text is { Length: > 500 } ? text[..500] : text;
}
