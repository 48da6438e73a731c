using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Stores;

/// <summary>
/// Stock transfers between two locations of one shop, with the units in transit in between (ADR 0020). Catalog's
/// variant stock is what can be sold, so it is the sum over the locations and <em>excludes</em> units in transit:
/// sending takes the units out of the source (a store's row with a conditional <c>UPDATE … WHERE Stock ≥ q</c>, the
/// online centre through Catalog's total) and out of Catalog's total in one transaction; receiving puts them into the
/// destination and back into the total; cancelling puts them back into the source. Each step moves the transfer's
/// status with a conditional update in the same transaction as its stock, so however often it is clicked or raced, it
/// happens once. Every move is a row of the stores' audit trail.
/// </summary>
public sealed class TransferService(DotsDbContext db, StoreService stores, StockService stock, TimeProvider clock)
{
    private IQueryable<StockTransfer> Transfers => db.Set<StockTransfer>();

    /// <summary>Sends units from <paramref name="fromLocationId"/> (owner or that store's staff); 409 when it holds too few.</summary>
    public async Task<TransferDto> SendAsync(string fromLocationId, string userId, CreateTransferRequest request, CancellationToken ct)
    {
        var from = await stores.LoadAsync(fromLocationId, ct);
        await stores.RequireOwnerOrStaffAsync(from, userId, ct);
        new Validation().RequireText(request.ToLocationId, "toLocationId", 32).RequireText(request.VariantId, "variantId", 32)
            .Require(request.Quantity is >= 1 and <= 100_000, "quantity", "The quantity must be between 1 and 100,000.")
            .Require((request.Note ?? "").Length <= 300, "note", "At most 300 characters.").ThrowIfInvalid();
        var to = await stores.Locations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == request.ToLocationId, ct);
        if (to is null || to.ShopId != from.ShopId)
        {
            throw new RequestValidationException("toLocationId", "The destination must be another location of the same shop.");
        }
        if (to.Id == from.Id)
        {
            throw new RequestValidationException("toLocationId", "The destination must differ from the source.");
        }
        var variantId = request.VariantId!.Trim();
        var variant = (await stock.GetVariantsAsync([variantId], ct)).GetValueOrDefault(variantId);
        if (variant is null || variant.ShopId != from.ShopId)
        {
            throw new RequestValidationException("variantId", "No such variant in this shop.");
        }
        var quantity = request.Quantity!.Value;
        var now = clock.GetUtcNow();
        var transfer = new StockTransfer
        {
            Id = Ids.New(), ShopId = from.ShopId, FromLocationId = from.Id, ToLocationId = to.Id, VariantId = variantId, Quantity = quantity,
            Status = TransferStatus.InTransit, Note = (request.Note ?? "").Trim(), SentBy = userId, SentAt = now,
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await TakeAsync(from, variantId, quantity, ct);
            db.Set<StockTransfer>().Add(transfer);
            Audit(from.Id, variantId, "transfer-out", userId, $"transfer {transfer.Id} to {to.Name}: -{quantity} (in transit)", now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return await GetAsync(transfer.Id, ct);
    }

    /// <summary>The destination takes the units in (owner or the destination's staff); once — a repeat answers the same.</summary>
    public Task<TransferDto> ReceiveAsync(string transferId, string userId, CancellationToken ct) => CloseAsync(transferId, userId, TransferStatus.Received, ct);

    /// <summary>The units go back to the source (owner or the source's staff); only while in transit.</summary>
    public Task<TransferDto> CancelAsync(string transferId, string userId, CancellationToken ct) => CloseAsync(transferId, userId, TransferStatus.Cancelled, ct);

    /// <summary>A location's transfers out and in (owner or that store's staff), the ones in transit first.</summary>
    public async Task<LocationTransfersDto> OfLocationAsync(string locationId, string userId, CancellationToken ct)
    {
        var location = await stores.LoadAsync(locationId, ct);
        await stores.RequireOwnerOrStaffAsync(location, userId, ct);
        var rows = await Transfers.AsNoTracking().Where(t => t.FromLocationId == locationId || t.ToLocationId == locationId)
            .OrderByDescending(t => t.SentAt).Take(200).ToListAsync(ct);
        var dtos = await ToDtosAsync(rows, ct);
        var ordered = dtos.OrderBy(t => t.Status == nameof(TransferStatus.InTransit) ? 0 : 1).ThenByDescending(t => t.SentAt).ToList();
        var outgoing = ordered.Where(t => t.FromLocationId == locationId).ToList();
        var incoming = ordered.Where(t => t.ToLocationId == locationId).ToList();
        return new LocationTransfersDto(outgoing, incoming,
            outgoing.Where(t => t.Status == nameof(TransferStatus.InTransit)).Sum(t => t.Quantity),
            incoming.Where(t => t.Status == nameof(TransferStatus.InTransit)).Sum(t => t.Quantity));
    }

    /// <summary>One transfer, for the owner or the staff of either end; 404 for anyone else.</summary>
    public async Task<TransferDto> GetForAsync(string transferId, string userId, CancellationToken ct)
    {
        var t = await LoadAsync(transferId, ct);
        await RequireEitherEndAsync(t, userId, ct);
        return await GetAsync(transferId, ct);
    }

    private async Task<TransferDto> CloseAsync(string transferId, string userId, TransferStatus target, CancellationToken ct)
    {
        var t = await LoadAsync(transferId, ct);
        var at = await stores.LoadAsync(target == TransferStatus.Received ? t.ToLocationId : t.FromLocationId, ct);
        try
        {
            await stores.RequireOwnerOrStaffAsync(at, userId, ct);
        }
        catch (ForbiddenException)
        {
            // Staff of the other end may see the transfer but not do this; anyone else does not learn it exists.
            await RequireEitherEndAsync(t, userId, ct);
            throw;
        }
        if (t.Status == target)
        {
            return await GetAsync(transferId, ct);
        }
        if (t.Status != TransferStatus.InTransit)
        {
            throw new ConflictException($"The transfer is already {t.Status}.");
        }
        var now = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var moved = await Transfers.Where(x => x.Id == transferId && x.Status == TransferStatus.InTransit)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, target).SetProperty(x => x.ClosedBy, userId).SetProperty(x => x.ClosedAt, now), ct);
            if (moved == 0)
            {
                // Another click or the other end won the race; answer with what it did (or 409 when it did the opposite).
                await tx.RollbackAsync(ct);
                var current = await GetAsync(transferId, ct);
                return current.Status == target.ToString() ? current : throw new ConflictException($"The transfer is already {current.Status}.");
            }
            await PutAsync(at, t.VariantId, t.Quantity, now, ct);
            var other = await stores.LoadAsync(target == TransferStatus.Received ? t.FromLocationId : t.ToLocationId, ct);
            Audit(at.Id, t.VariantId, target == TransferStatus.Received ? "transfer-in" : "transfer-back", userId,
                target == TransferStatus.Received ? $"transfer {t.Id} from {other.Name}: +{t.Quantity}" : $"transfer {t.Id} to {other.Name} cancelled: +{t.Quantity}", now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return await GetAsync(transferId, ct);
    }

    /// <summary>
    /// Takes units out of a location for the road: a store's row (never below zero) and Catalog's total. The online
    /// centre's share is the total minus the stores', so its take is conditional in two parts within this transaction:
    /// Catalog's conditional decrement first — which also holds the variant's row lock (on SQLite, the write gate) until
    /// the commit, so racing takes queue — and then the centre's share is read again under that lock; a share gone
    /// below zero refuses the send and the rollback puts the total back. No interleaving of sends can leave the centre
    /// negative.
    /// </summary>
    private async Task TakeAsync(StoreLocation from, string variantId, int quantity, CancellationToken ct)
    {
        if (!from.IsOnlineCentre)
        {
            var taken = await db.Set<LocationStock>().Where(s => s.LocationId == from.Id && s.VariantId == variantId && s.Stock >= quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock - quantity).SetProperty(x => x.UpdatedAt, clock.GetUtcNow()), ct);
            if (taken == 0)
            {
                var left = await db.Set<LocationStock>().AsNoTracking().Where(s => s.LocationId == from.Id && s.VariantId == variantId).Select(s => (int?)s.Stock).FirstOrDefaultAsync(ct) ?? 0;
                throw new ConflictException($"Only {left} of that item at {from.Name}.", new Dictionary<string, object?> { ["available"] = left });
            }
        }
        if (!await stock.AdjustAsync(variantId, -quantity, ct))
        {
            if (from.IsOnlineCentre)
            {
                throw await CentreShortAsync(from, variantId, 0, ct);
            }
            throw new ConflictException("Units of this variant are being sold right now; try again.");
        }
        if (from.IsOnlineCentre)
        {
            // Read after the decrement, under its row lock: what the centre holds now that these units left.
            var inStores = await db.Set<LocationStock>().Where(s => s.VariantId == variantId).SumAsync(s => (int?)s.Stock, ct) ?? 0;
            var total = (await stock.GetVariantsAsync([variantId], ct))[variantId].Stock;
            if (total - inStores < 0)
            {
                throw await CentreShortAsync(from, variantId, quantity, ct);
            }
        }
    }

    /// <summary>The centre's 409: what it holds (<paramref name="takenHere"/> units this transaction took are not its to lose).</summary>
    private async Task<ConflictException> CentreShortAsync(StoreLocation from, string variantId, int takenHere, CancellationToken ct)
    {
        var inStores = await db.Set<LocationStock>().Where(s => s.VariantId == variantId).SumAsync(s => (int?)s.Stock, ct) ?? 0;
        var total = (await stock.GetVariantsAsync([variantId], ct))[variantId].Stock + takenHere;
        var available = Math.Max(0, total - inStores);
        return new ConflictException($"Only {available} of that item at {from.Name}.", new Dictionary<string, object?> { ["available"] = available });
    }

    /// <summary>Puts units into a location: a store's row (created when missing) and Catalog's total.</summary>
    private async Task PutAsync(StoreLocation at, string variantId, int quantity, DateTimeOffset now, CancellationToken ct)
    {
        if (!at.IsOnlineCentre)
        {
            var added = await db.Set<LocationStock>().Where(s => s.LocationId == at.Id && s.VariantId == variantId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock + quantity).SetProperty(x => x.UpdatedAt, now), ct);
            if (added == 0)
            {
                db.Set<LocationStock>().Add(new LocationStock { LocationId = at.Id, VariantId = variantId, ShopId = at.ShopId, Stock = quantity, UpdatedAt = now });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another transfer created the row at this very moment: nothing of this one committed; retry.
                    db.ChangeTracker.Clear();
                    throw new ConflictException("The store's stock changed meanwhile; try again.");
                }
            }
        }
        await stock.AdjustAsync(variantId, quantity, ct);
    }

    private void Audit(string locationId, string variantId, string kind, string userId, string note, DateTimeOffset now) =>
        db.Set<StockMovement>().Add(new StockMovement { Id = Ids.New(), LocationId = locationId, VariantId = variantId, Before = -1, After = -1, Kind = kind, ActorId = userId, Note = note, At = now });

    private async Task<StockTransfer> LoadAsync(string transferId, CancellationToken ct) =>
        await Transfers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == transferId, ct) ?? throw new NotFoundException($"No transfer '{transferId}'.");

    private async Task RequireEitherEndAsync(StockTransfer t, string userId, CancellationToken ct)
    {
        foreach (var id in new[] { t.FromLocationId, t.ToLocationId })
        {
            try
            {
                await stores.RequireOwnerOrStaffAsync(await stores.LoadAsync(id, ct), userId, ct);
                return;
            }
            catch (ForbiddenException)
            {
            }
        }
        throw new NotFoundException($"No transfer '{t.Id}'.");
    }

    private async Task<TransferDto> GetAsync(string transferId, CancellationToken ct) =>
        (await ToDtosAsync([await LoadAsync(transferId, ct)], ct))[0];

    private async Task<IReadOnlyList<TransferDto>> ToDtosAsync(IReadOnlyList<StockTransfer> rows, CancellationToken ct)
    {
        var ids = rows.SelectMany(r => new[] { r.FromLocationId, r.ToLocationId }).Distinct().ToList();
        var names = await stores.Locations.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        return rows.Select(t => new TransferDto(t.Id, t.ShopId, t.FromLocationId, names.GetValueOrDefault(t.FromLocationId) ?? "", t.ToLocationId,
            names.GetValueOrDefault(t.ToLocationId) ?? "", t.VariantId, t.Quantity, t.Status.ToString(), t.Note, t.SentAt, t.ClosedAt)).ToList();
    }
}
