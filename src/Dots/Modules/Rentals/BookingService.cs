using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Http;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Rentals;

/// <summary>
/// Bookings of rental units. A booking claims one row per (unit, day) for its days and the buffer after them; the
/// table's primary key makes a second claim of the same unit-day fail on both databases, so two customers can never
/// hold one unit on one day, however they race. The claim is committed before any money moves (a 409 charges
/// nothing); rent and deposit are then held through Payments (<c>rental:{id}:rent</c>, <c>rental:{id}:deposit</c>),
/// the rent is captured at hand-over, and the return settles the deposit exactly once.
/// </summary>
public sealed class BookingService(DotsDbContext db, RentalService rentals, Dots.Modules.Stores.StoreService stores, PaymentService payments, Idempotency idempotency, TimeProvider clock, IOptions<RentalsOptions> options, ILogger<BookingService> logger)
{
    private readonly RentalsOptions _options = options.Value;

    private IQueryable<RentalBooking> Bookings => db.Set<RentalBooking>();

    public static string RentPurpose(string bookingId) => $"rental:{bookingId}:rent";

    public static string DepositPurpose(string bookingId) => $"rental:{bookingId}:deposit";

    /// <summary>The idempotency scope of a rental's bookings, shared by <c>POST /api/rentals/{id}/bookings</c> and the web form.</summary>
    public static string IdempotencyScope(string rentalId) => "rb:" + rentalId;

    /// <summary>
    /// The web booking form's submit: the same idempotency store as <c>POST /api/rentals/{id}/bookings</c>, keyed by the
    /// form's hidden key, so a double submit (or racing submits, or a reload of the POST) books once and holds the card
    /// once; a second submit waits for the first and gets its booking. A stored error comes back as the exception it was.
    /// </summary>
    public async Task<BookingDto> BookOnceAsync(string rentalId, string customerId, string formKey, CreateBookingRequest request, CancellationToken ct)
    {
        for (var wait = 0; ; wait++)
        {
            try
            {
                var response = await idempotency.ExecuteAsync(customerId, IdempotencyScope(rentalId), "web:" + formKey, request, $"/rentals/{rentalId}",
                    async () =>
                    {
                        var booking = await BookAsync(rentalId, customerId, request, CancellationToken.None);
                        return (StatusCodes.Status201Created, booking, $"/api/bookings/{booking.Id}");
                    },
                    async bookingId => await ResumeAsync(bookingId, customerId, request) is { } booking
                        ? (StatusCodes.Status201Created, booking, $"/api/bookings/{booking.Id}") : null,
                    ct);
                return response.Status < 400
                    ? System.Text.Json.JsonSerializer.Deserialize<BookingDto>(response.Body, System.Text.Json.JsonSerializerOptions.Web)!
                    : throw Idempotency.ProblemOf(response);
            }
            catch (ConflictException e) when (e.Extensions.ContainsKey(Idempotency.InProgress) && wait < 60)
            {
                db.ChangeTracker.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }

    public async Task<BookingDto> BookAsync(string rentalId, string customerId, CreateBookingRequest request, CancellationToken ct)
    {
        var item = await rentals.LoadAsync(rentalId, ct);
        var today = rentals.Today(item.TimeZone);
        var v = new Validation();
        var a = request.ShippingAddress;
        v.Require(a is not null, "shippingAddress", "The shipping address is required.");
        if (a is not null)
        {
            v.RequireText(a.Name, "shippingAddress.name", 100).RequireText(a.Line1, "shippingAddress.line1", 200).RequireText(a.City, "shippingAddress.city", 100)
                .RequireText(a.PostalCode, "shippingAddress.postalCode", 20).RequireText(a.Phone, "shippingAddress.phone", 30)
                .Require((a.Line2 ?? "").Length <= 200, "shippingAddress.line2", "At most 200 characters.");
        }
        var digits = "";
        v.Require(request.Payment is not null && (request.Payment.Method ?? "card") == "card" && CardNumbers.TryNormalize(request.Payment.CardNumber, out digits),
            "payment", "A valid card number is required.");
        v.ThrowIfInvalid();
        var (from, to) = rentals.ValidateRange(item, request.From, request.To, today, _options.BookAheadDays);
        var quote = RentalService.Quote(item, to.DayNumber - from.DayNumber + 1);

        var booking = await ClaimAsync(item, customerId, from, to, quote, a!, ct);
        return await HoldAndConfirmAsync(item, booking, customerId, digits);
    }

    /// <summary>
    /// Finishes a booking whose first try stopped after its claim committed (the idempotency lease ran out, or the
    /// process died): the holds are placed again — Payments authorises once per purpose, so a hold already placed is
    /// not placed twice — and the booking confirmed. Null when there is nothing to resume (run the booking afresh).
    /// </summary>
    public async Task<BookingDto?> ResumeAsync(string bookingId, string customerId, CreateBookingRequest request)
    {
        var booking = await Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bookingId && b.CustomerId == customerId);
        if (booking is null)
        {
            return null;
        }
        switch (booking.Status)
        {
            case BookingStatus.Pending:
                if (!CardNumbers.TryNormalize(request.Payment?.CardNumber, out var digits))
                {
                    throw new RequestValidationException("payment", "A valid card number is required.");
                }
                return await HoldAndConfirmAsync(await rentals.LoadAsync(booking.ItemId, CancellationToken.None), booking, customerId, digits);
            case BookingStatus.Failed:
                throw Declined();
            default:
                return await GetAsync(bookingId, customerId, CancellationToken.None);
        }
    }

    private async Task<BookingDto> HoldAndConfirmAsync(RentalItem item, RentalBooking booking, string customerId, string digits)
    {
        // Money moves only after the claim is committed, outside any transaction.
        var holdFor = RentalService.EndOfDay(booking.To, item.TimeZone) + _options.DepositHoldAfterEnd - clock.GetUtcNow();
        var card = new PaymentCard(digits);
        try
        {
            await payments.AuthorizeAsync(RentPurpose(booking.Id), customerId, new Money(booking.Rent, booking.Currency), card, holdFor, CancellationToken.None);
            if (booking.Deposit > 0)
            {
                await payments.AuthorizeAsync(DepositPurpose(booking.Id), customerId, new Money(booking.Deposit, booking.Currency), card, holdFor, CancellationToken.None);
            }
        }
        catch (ConflictException e) when (e.Extensions.ContainsKey(PaymentService.BusyKey))
        {
            // Another call is placing this booking's holds right now (a concurrent resume, or the first try still
            // running): Payments let it, not us, move the money. It decides the booking; wait for its outcome. (Any
            // other 409 — a voided hold, another amount — will not change by waiting: the booking fails below.)
            logger.LogInformation("Holds for booking {BookingId} are being placed by another call ({Reason}); waiting for its outcome", booking.Id, e.Message);
            return await OutcomeAsync(booking.Id, customerId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogInformation("Holds for booking {BookingId} failed ({Reason}); releasing its claim", booking.Id, e.Message);
            if (!await ReleaseAfterFailureAsync(booking.Id))
            {
                return await GetAsync(booking.Id, customerId, CancellationToken.None); // confirmed meanwhile by another call
            }
            throw;
        }
        var confirmed = await db.Set<RentalBooking>().Where(b => b.Id == booking.Id && b.Status == BookingStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Confirmed).SetProperty(b => b.UpdatedAt, clock.GetUtcNow()), CancellationToken.None);
        if (confirmed == 0 && await Bookings.AsNoTracking().AnyAsync(b => b.Id == booking.Id && b.Status == BookingStatus.Failed))
        {
            // Another call failed the booking (compare-and-set) while these holds were placed: they belong to nothing.
            await ReleaseAfterFailureAsync(booking.Id);
            throw Declined();
        }
        return await GetAsync(booking.Id, customerId, CancellationToken.None);
    }

    private static PaymentDeclinedException Declined() => new("The card was declined; nothing is held.");

    /// <summary>
    /// The outcome another call is deciding for a Pending booking: the booking once it is confirmed (or further), 402 once
    /// it failed. A booking still Pending after a while (the other call died) is a 503: the client's retry takes the claim
    /// over and resumes it.
    /// </summary>
    private async Task<BookingDto> OutcomeAsync(string bookingId, string customerId)
    {
        var until = clock.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await Bookings.AsNoTracking().Where(b => b.Id == bookingId).Select(b => b.Status).FirstAsync(CancellationToken.None);
            if (status == BookingStatus.Failed)
            {
                throw Declined();
            }
            if (status != BookingStatus.Pending)
            {
                return await GetAsync(bookingId, customerId, CancellationToken.None);
            }
            if (clock.GetUtcNow() > until)
            {
                throw new ServiceUnavailableException("The booking's payment is still being placed; retry in a moment.", TimeSpan.FromSeconds(2));
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock);
        }
    }

    /// <summary>
    /// Claims a unit free on every day from <paramref name="from"/> to <paramref name="to"/> plus the buffer: tries the
    /// units that look free, one insert of all its unit-days each; a unit another booking claimed meanwhile fails on
    /// the key and the next is tried. No unit left is 409.
    /// </summary>
    private async Task<RentalBooking> ClaimAsync(RentalItem item, string customerId, DateOnly from, DateOnly to, QuoteDto quote, BookingAddressDto a, CancellationToken ct)
    {
        var until = to.AddDays(item.BufferDays);
        // A day before the new booking also matters: the buffer of an earlier booking is claimed as its own days.
        var inService = item.Units.Where(u => u.Status == RentalUnitStatus.Available).OrderBy(u => u.Label, StringComparer.Ordinal).ThenBy(u => u.Id, StringComparer.Ordinal).ToList();
        var ids = inService.Select(u => u.Id).ToList();
        var busy = (await db.Set<RentalUnitDay>().AsNoTracking().Where(d => ids.Contains(d.UnitId) && d.Day >= from && d.Day <= until)
            .Select(d => d.UnitId).Distinct().ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow();
        foreach (var unit in inService.Where(u => !busy.Contains(u.Id)))
        {
            var booking = new RentalBooking
            {
                Id = Ids.New(),
                ItemId = item.Id,
                ShopId = item.ShopId,
                UnitId = unit.Id,
                CustomerId = customerId,
                From = from,
                To = to,
                Currency = item.Currency,
                Rent = quote.Rent.Amount,
                Deposit = item.Deposit,
                Status = BookingStatus.Pending,
                AddressName = a.Name!.Trim(),
                AddressLine1 = a.Line1!.Trim(),
                AddressLine2 = string.IsNullOrWhiteSpace(a.Line2) ? null : a.Line2.Trim(),
                AddressCity = a.City!.Trim(),
                AddressPostalCode = a.PostalCode!.Trim(),
                AddressPhone = a.Phone!.Trim(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Set<RentalBooking>().Add(booking);
            for (var d = from; d <= until; d = d.AddDays(1))
            {
                db.Set<RentalUnitDay>().Add(new RentalUnitDay { UnitId = unit.Id, Day = d, BookingId = booking.Id });
            }
            db.Set<RentalUnitEvent>().Add(new RentalUnitEvent
            {
                Id = Ids.New(), UnitId = unit.Id, Kind = "booked", BookingId = booking.Id, Note = $"{from:yyyy-MM-dd} – {to:yyyy-MM-dd}", ActorId = customerId, At = now,
            });
            try
            {
                // The claim records the booking on the idempotency key in the same commit: from here on money may
                // follow, so a retry that takes the key over resumes this booking instead of booking again.
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                await idempotency.AttachAsync(booking.Id, ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                return booking;
            }
            catch (DbUpdateException)
            {
                // Another booking claimed one of these unit-days first; nothing of ours was written.
                db.ChangeTracker.Clear();
            }
        }
        throw new ConflictException($"No unit of '{item.Title}' is free for every day from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}.",
            new Dictionary<string, object?> { ["from"] = from.ToString("yyyy-MM-dd"), ["to"] = to.ToString("yyyy-MM-dd") });
    }

    private async Task<bool> ReleaseAfterFailureAsync(string bookingId)
    {
        // Compare-and-set first: a booking another call confirmed meanwhile keeps its unit and its holds. Once Failed,
        // every release (this one, a racing one) only finishes the same work: voids are idempotent, the days' delete too.
        await db.Set<RentalBooking>().Where(b => b.Id == bookingId && b.Status == BookingStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Failed).SetProperty(b => b.UpdatedAt, clock.GetUtcNow()), CancellationToken.None);
        if (!await Bookings.AsNoTracking().AnyAsync(b => b.Id == bookingId && b.Status == BookingStatus.Failed, CancellationToken.None))
        {
            return false;
        }
        foreach (var purpose in new[] { RentPurpose(bookingId), DepositPurpose(bookingId) })
        {
            try
            {
                if (await payments.GetAsync(purpose, CancellationToken.None) is not null)
                {
                    await payments.VoidAsync(purpose, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is ConflictException or NotFoundException or PaymentProviderUnavailableException or PaymentDeclinedException)
            {
                // One left open expires with its hold (a refused void is also retried through Payments' outbox).
                logger.LogWarning("Releasing {Purpose} of failed booking {BookingId}: {Reason}", purpose, bookingId, e.Message);
            }
        }
        await db.Set<RentalUnitDay>().Where(d => d.BookingId == bookingId).ExecuteDeleteAsync(CancellationToken.None);
        return true;
    }

    /// <summary>The booking for its customer, or for the shop's staff; 404 for anyone else.</summary>
    public async Task<BookingDto> GetAsync(string bookingId, string userId, CancellationToken ct)
    {
        var booking = await Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bookingId, ct) ?? throw NotFound(bookingId);
        if (booking.CustomerId != userId)
        {
            try
            {
                await rentals.RequireDeskAsync(booking.ItemId, booking.ShopId, userId, ct);
            }
            catch (ForbiddenException)
            {
                throw NotFound(bookingId);
            }
        }
        return (await ToDtosAsync([booking], ct))[0];
    }

    public async Task<Paged<BookingDto>> MineAsync(string customerId, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Normalize(page, pageSize);
        var query = Bookings.AsNoTracking().Where(b => b.CustomerId == customerId && b.Status != BookingStatus.Failed && b.Status != BookingStatus.Pending);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new Paged<BookingDto>(await ToDtosAsync(rows, ct), total, p, size);
    }

    /// <summary>The shop's bookings for its staff, by start date (hand-overs and returns to do).</summary>
    public async Task<Paged<BookingDto>> ShopBookingsAsync(string shopId, string userId, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        await rentals.RequireStaffAsync(shopId, userId, ct);
        var (p, size) = Paging.Normalize(page, pageSize);
        var query = Bookings.AsNoTracking().Where(b => b.ShopId == shopId && b.Status != BookingStatus.Failed && b.Status != BookingStatus.Pending);
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<BookingStatus>(status, ignoreCase: true, out var s))
            {
                throw new RequestValidationException("status", "Unknown status.");
            }
            query = query.Where(b => b.Status == s);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(b => b.From).ThenBy(b => b.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new Paged<BookingDto>(await ToDtosAsync(rows, ct), total, p, size);
    }

    /// <summary>
    /// A store's rentals desk: the bookings of the rentals handed out from that store, by start date (the shop's owner or
    /// that store's staff — staff of another store get 403, as for its pickup queue).
    /// </summary>
    public async Task<Paged<BookingDto>> LocationBookingsAsync(string locationId, string userId, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        await stores.RequireOwnerOrStaffAsync(locationId, userId, ct);
        var (p, size) = Paging.Normalize(page, pageSize);
        var items = await rentals.ItemsAtAsync(locationId, ct);
        var query = Bookings.AsNoTracking().Where(b => items.Contains(b.ItemId) && b.Status != BookingStatus.Failed && b.Status != BookingStatus.Pending);
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<BookingStatus>(status, ignoreCase: true, out var s))
            {
                throw new RequestValidationException("status", "Unknown status.");
            }
            query = query.Where(b => b.Status == s);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(b => b.From).ThenBy(b => b.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new Paged<BookingDto>(await ToDtosAsync(rows, ct), total, p, size);
    }

    /// <summary>A unit's page: its bookings, inspections, repairs (owner or staff).</summary>
    public Task<UnitHistoryDto> UnitHistoryAsync(string rentalId, string unitId, string userId, CancellationToken ct) =>
        rentals.UnitHistoryAsync(rentalId, unitId, userId, this, ct);

    internal async Task<IReadOnlyList<BookingDto>> ForUnitAsync(string unitId, CancellationToken ct)
    {
        var rows = await Bookings.AsNoTracking().Where(b => b.UnitId == unitId && b.Status != BookingStatus.Failed && b.Status != BookingStatus.Pending)
            .OrderByDescending(b => b.From).Take(100).ToListAsync(ct);
        return await ToDtosAsync(rows, ct);
    }

    /// <summary>Hand-over (owner or staff): captures the rent, once. Handing over again returns the booking unchanged.</summary>
    public async Task<BookingDto> PickUpAsync(string bookingId, string userId, CancellationToken ct)
    {
        var booking = await RequireForStaffAsync(bookingId, userId, ct);
        if (booking.Status is not (BookingStatus.Confirmed or BookingStatus.PickedUp))
        {
            throw new ConflictException($"The booking is {booking.Status}; only a confirmed booking can be handed over.");
        }
        await payments.CaptureAsync(RentPurpose(booking.Id), null, CancellationToken.None);
        var now = clock.GetUtcNow();
        var moved = await Bookings.Where(b => b.Id == booking.Id && b.Status == BookingStatus.Confirmed)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.PickedUp).SetProperty(b => b.PickedUpAt, now).SetProperty(b => b.UpdatedAt, now), CancellationToken.None);
        if (moved == 1)
        {
            db.Set<RentalUnitEvent>().Add(new RentalUnitEvent { Id = Ids.New(), UnitId = booking.UnitId, Kind = "picked-up", BookingId = booking.Id, Note = "Handed over", ActorId = userId, At = now });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return await GetAsync(bookingId, userId, CancellationToken.None);
    }

    /// <summary>
    /// The return with its inspection (owner or staff). The charges (late days by rule, damage) are fixed in the same
    /// update that claims the return, so racing or repeated returns settle the deposit once: the kept part is captured
    /// from the hold (the rest released by the provider), or the whole hold is voided when nothing is kept. A retry of a
    /// return that stopped halfway resumes from the recorded charges; a finished return is answered unchanged.
    /// </summary>
    public async Task<BookingDto> ReturnAsync(string bookingId, string userId, ReturnBookingRequest request, CancellationToken ct)
    {
        var booking = await RequireForStaffAsync(bookingId, userId, ct);
        if (booking.Status == BookingStatus.Returned)
        {
            return await GetAsync(bookingId, userId, ct);
        }
        if (booking.Status is not (BookingStatus.Confirmed or BookingStatus.PickedUp or BookingStatus.Returning))
        {
            throw new ConflictException($"The booking is {booking.Status}; it cannot be returned.");
        }
        var item = await rentals.LoadAsync(booking.ItemId, ct);
        if (booking.Status != BookingStatus.Returning)
        {
            var v = new Validation();
            v.RequireText(request.Condition, "condition", 100).Require((request.Notes ?? "").Length <= 2000, "notes", "At most 2000 characters.");
            var damage = request.DamageCharge?.Amount ?? 0m;
            if (request.DamageCharge is { } d)
            {
                v.Require(d.Currency == booking.Currency, "damageCharge", $"The charge must be in {booking.Currency}.")
                    .Require(d.Amount >= 0, "damageCharge", "The charge must not be negative.")
                    .Require(d.Amount <= 1_000_000_000m, "damageCharge", "The charge is too large.")
                    .Require(Math.Round(d.Amount, Currencies.MinorDigits(booking.Currency)) == d.Amount, "damageCharge", $"More decimals than {booking.Currency} allows.");
            }
            v.ThrowIfInvalid();
            var now = clock.GetUtcNow();
            var returnedOn = RentalService.LocalDate(now, item.TimeZone);
            var settle = RentalPricing.Settle(booking.To, returnedOn, item.PricePerDay, booking.Deposit, damage, _options.LateDayFactor, booking.Currency);
            var condition = request.Condition!.Trim();
            var notes = (request.Notes ?? "").Trim();
            var claimed = await Bookings.Where(b => b.Id == booking.Id && (b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.PickedUp))
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Returning)
                    .SetProperty(b => b.ReturnedAt, now).SetProperty(b => b.ReturnedOn, returnedOn).SetProperty(b => b.UpdatedAt, now)
                    .SetProperty(b => b.LateDays, settle.LateDays).SetProperty(b => b.LateFee, settle.LateFee).SetProperty(b => b.DamageCharge, settle.Damage)
                    .SetProperty(b => b.DepositCharged, settle.DepositCharged).SetProperty(b => b.Outstanding, settle.Outstanding)
                    .SetProperty(b => b.ReturnCondition, condition).SetProperty(b => b.ReturnNotes, notes), ct);
            if (claimed == 1)
            {
                db.Set<RentalUnitEvent>().Add(new RentalUnitEvent
                {
                    Id = Ids.New(), UnitId = booking.UnitId, Kind = "inspection", BookingId = booking.Id, Condition = condition,
                    Note = notes, Amount = settle.Damage > 0 ? settle.Damage : null, ActorId = userId, At = now,
                });
                var unit = await db.Set<RentalUnit>().FirstAsync(u => u.Id == booking.UnitId, ct);
                unit.Condition = condition;
                if (request.SendToRepair == true && unit.Status == RentalUnitStatus.Available)
                {
                    unit.Status = RentalUnitStatus.InRepair;
                    db.Set<RentalUnitEvent>().Add(new RentalUnitEvent
                    {
                        Id = Ids.New(), UnitId = booking.UnitId, Kind = "repair", BookingId = booking.Id, Condition = condition, Note = "Sent to repair after the return", ActorId = userId, At = now.AddTicks(1),
                    });
                }
                await db.SaveChangesAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                await ReclaimDaysAsync(booking, returnedOn, item.BufferDays);
            }
        }
        await SettleAsync(booking.Id);
        return await GetAsync(bookingId, userId, CancellationToken.None);
    }

    /// <summary>
    /// After a return the unit is taken only until the return day plus its buffer: later claimed days are freed (an
    /// early return), and a late return holds the days it ran over where no one else has them.
    /// </summary>
    private async Task ReclaimDaysAsync(RentalBooking booking, DateOnly returnedOn, int bufferDays)
    {
        var until = returnedOn.AddDays(bufferDays);
        await db.Set<RentalUnitDay>().Where(d => d.BookingId == booking.Id && d.Day > until).ExecuteDeleteAsync(CancellationToken.None);
        var start = booking.To.AddDays(bufferDays + 1);
        if (until < start)
        {
            return;
        }
        var taken = (await db.Set<RentalUnitDay>().AsNoTracking().Where(d => d.UnitId == booking.UnitId && d.Day >= start && d.Day <= until).Select(d => d.Day).ToListAsync()).ToHashSet();
        for (var d = start; d <= until; d = d.AddDays(1))
        {
            if (!taken.Contains(d))
            {
                db.Set<RentalUnitDay>().Add(new RentalUnitDay { UnitId = booking.UnitId, Day = d, BookingId = booking.Id });
            }
        }
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // A booking took one of those days meanwhile; the late days were only a courtesy hold.
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>Moves the money of a recorded return: rent captured (if the hand-over was not recorded), deposit kept part captured or all voided.</summary>
    private async Task SettleAsync(string bookingId)
    {
        var booking = await Bookings.AsNoTracking().FirstAsync(b => b.Id == bookingId);
        if (booking.Status != BookingStatus.Returning)
        {
            return;
        }
        await payments.CaptureAsync(RentPurpose(booking.Id), null, CancellationToken.None);
        if (booking.Deposit > 0)
        {
            if (booking.DepositCharged > 0)
            {
                await payments.CaptureAsync(DepositPurpose(booking.Id), new Money(booking.DepositCharged, booking.Currency), CancellationToken.None);
            }
            else
            {
                await payments.VoidAsync(DepositPurpose(booking.Id), CancellationToken.None);
            }
        }
        var now = clock.GetUtcNow();
        await Bookings.Where(b => b.Id == booking.Id && b.Status == BookingStatus.Returning)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Returned).SetProperty(b => b.DepositRefunded, booking.Deposit - booking.DepositCharged)
                .SetProperty(b => b.UpdatedAt, now), CancellationToken.None);
    }

    /// <summary>Cancels a booking before hand-over (its customer or the shop's staff): both holds voided, the unit's days freed.</summary>
    public async Task<BookingDto> CancelAsync(string bookingId, string userId, CancellationToken ct)
    {
        var booking = await Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bookingId, ct) ?? throw NotFound(bookingId);
        if (booking.CustomerId != userId)
        {
            await GetAsync(bookingId, userId, ct); // 404 for strangers
            await rentals.RequireStaffAsync(booking.ShopId, userId, ct); // 403 for a store's desk staff: cancelling is the shop's
        }
        if (booking.Status == BookingStatus.Cancelled)
        {
            await VoidBothAsync(booking.Id);
            return await GetAsync(bookingId, userId, ct);
        }
        if (booking.Status != BookingStatus.Confirmed)
        {
            throw new ConflictException($"The booking is {booking.Status}; only a booking not yet handed over can be cancelled.");
        }
        var now = clock.GetUtcNow();
        var moved = await Bookings.Where(b => b.Id == booking.Id && b.Status == BookingStatus.Confirmed)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Cancelled).SetProperty(b => b.UpdatedAt, now), ct);
        if (moved == 1)
        {
            await db.Set<RentalUnitDay>().Where(d => d.BookingId == booking.Id).ExecuteDeleteAsync(CancellationToken.None);
            db.Set<RentalUnitEvent>().Add(new RentalUnitEvent { Id = Ids.New(), UnitId = booking.UnitId, Kind = "cancelled", BookingId = booking.Id, Note = "Booking cancelled", ActorId = userId, At = now });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        await VoidBothAsync(booking.Id);
        return await GetAsync(bookingId, userId, CancellationToken.None);
    }

    private async Task VoidBothAsync(string bookingId)
    {
        await payments.VoidAsync(RentPurpose(bookingId), CancellationToken.None);
        if (await payments.GetAsync(DepositPurpose(bookingId), CancellationToken.None) is not null)
        {
            await payments.VoidAsync(DepositPurpose(bookingId), CancellationToken.None);
        }
    }

    private async Task<RentalBooking> RequireForStaffAsync(string bookingId, string userId, CancellationToken ct)
    {
        var booking = await Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bookingId, ct) ?? throw NotFound(bookingId);
        try
        {
            await rentals.RequireDeskAsync(booking.ItemId, booking.ShopId, userId, ct);
        }
        catch (ForbiddenException) when (booking.CustomerId != userId)
        {
            throw NotFound(bookingId);
        }
        return booking;
    }

    private async Task<IReadOnlyList<BookingDto>> ToDtosAsync(IReadOnlyList<RentalBooking> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var itemIds = rows.Select(r => r.ItemId).Distinct().ToList();
        var items = await db.Set<RentalItem>().AsNoTracking().Where(i => itemIds.Contains(i.Id)).Select(i => new { i.Id, i.Title }).ToDictionaryAsync(i => i.Id, i => i.Title, ct);
        var unitIds = rows.Select(r => r.UnitId).Distinct().ToList();
        var units = await db.Set<RentalUnit>().AsNoTracking().Where(u => unitIds.Contains(u.Id)).Select(u => new { u.Id, u.Label }).ToDictionaryAsync(u => u.Id, u => u.Label, ct);
        var purposes = rows.SelectMany(r => new[] { RentPurpose(r.Id), DepositPurpose(r.Id) }).ToList();
        var intents = await payments.GetManyAsync(purposes, ct);
        return rows.Select(b =>
        {
            var lines = new List<BookingPaymentLineDto>();
            foreach (var (purpose, label) in new[] { (RentPurpose(b.Id), "rent"), (DepositPurpose(b.Id), "deposit") })
            {
                if (intents.TryGetValue(purpose, out var intent))
                {
                    lines.AddRange(intent.Payments.Select(p => new BookingPaymentLineDto(p.Kind, label, p.Amount, p.At, p.Reference)));
                }
            }
            var charges = new List<ChargeDto>();
            var returned = b.Status is BookingStatus.Returning or BookingStatus.Returned;
            if (returned && b.LateFee > 0)
            {
                charges.Add(new ChargeDto("late", $"{b.LateDays} late day(s)", MoneyDto.Of(b.LateFee, b.Currency)));
            }
            if (returned && b.DamageCharge > 0)
            {
                charges.Add(new ChargeDto("damage", string.IsNullOrWhiteSpace(b.ReturnNotes) ? "Damage" : b.ReturnNotes!, MoneyDto.Of(b.DamageCharge, b.Currency)));
            }
            return new BookingDto(b.Id, b.ItemId, b.ShopId, items.GetValueOrDefault(b.ItemId) ?? "", b.UnitId, units.GetValueOrDefault(b.UnitId) ?? "",
                b.From, b.To, b.To.DayNumber - b.From.DayNumber + 1, MoneyDto.Of(b.Rent, b.Currency), MoneyDto.Of(b.Deposit, b.Currency),
                b.Status.ToString(), b.CreatedAt, b.PickedUpAt, b.ReturnedAt, b.ReturnedOn, charges,
                b.Status == BookingStatus.Returned ? MoneyDto.Of(b.DepositRefunded, b.Currency) : null,
                returned ? MoneyDto.Of(b.Outstanding, b.Currency) : null, b.ReturnCondition, b.ReturnNotes,
                new BookingAddressDto(b.AddressName, b.AddressLine1, b.AddressLine2, b.AddressCity, b.AddressPostalCode, b.AddressPhone, null, null),
                lines.OrderBy(l => l.At).ToList());
        }).ToList();
    }

    private static NotFoundException NotFound(string id) => new($"No booking with id '{id}'.");
}
