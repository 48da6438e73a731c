using System.Text.Json;
using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.CoCreation;

/// <summary>
/// Settles a campaign exactly once (docs/decisions/0015-co-creation-campaigns.md):
/// <list type="number">
/// <item><b>Claim.</b> One conditional UPDATE moves the campaign from Open to Funded or Failed — decided in that same
/// statement from its pledged units — so of any number of closers (the maker, an operator, the deadline job on any
/// instance) exactly one wins, and no pledge can be counted after the decision.</item>
/// <item><b>Lease.</b> A worker takes the campaign's settlement with a compare-and-set lease; a second worker finds it
/// taken and leaves. A worker that dies leaves a lease that runs out; the next job run takes over.</item>
/// <item><b>Per-pledge progress.</b> Each pledge moves Authorized → Captured → Ordered (funded) or Authorized → Voided
/// (failed), each step a conditional update recorded after its effect. Payments derives its provider keys from
/// <c>pledge:{id}</c> and reconciles open calls first, so a capture repeated after a crash is made once; the order's id
/// was fixed when the pledge was made, so a repeated order write finds the first.</item>
/// <item><b>Done.</b> When no pledge is left in between, <c>SettledAt</c> is set (conditionally) with the
/// <see cref="CampaignSettled"/> event in the same transaction.</item>
/// </list>
/// </summary>
public sealed class CampaignSettlement(
    DotsDbContext db, PaymentService payments, CheckoutService checkout, CatalogService catalog, IEventPublisher events, TimeProvider clock,
    IOptions<CoCreationOptions> options, ILogger<CampaignSettlement> logger)
{
    private const int Batch = 200;
    private readonly CoCreationOptions _options = options.Value;

    private IQueryable<Campaign> Campaigns => db.Set<Campaign>().AsNoTracking();

    /// <summary>
    /// Closes now (the maker, or an operator): claims and settles. Closing a campaign that is already closed changes
    /// nothing and returns it (a settlement left unfinished is carried on). 403 for anyone else.
    /// </summary>
    public async Task<CampaignDto> CloseAsync(string campaignId, string userId, bool isOperator, CancellationToken ct)
    {
        var campaign = await Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw CampaignService.CampaignNotFound(campaignId);
        if (!isOperator && campaign.MakerId != userId)
        {
            throw new ForbiddenException("Only the maker or an operator can close the campaign.");
        }
        await ClaimAsync(campaignId, deadlineOnly: false, ct);
        try
        {
            await SettleAsync(campaignId, CancellationToken.None);
        }
        catch (Exception e) when (e is PaymentProviderUnavailableException)
        {
            // The campaign is closed; what is left is finished by the settlement job (and is safe to repeat).
            logger.LogWarning(e, "Settlement of campaign {CampaignId} stopped; the job will resume it", campaignId);
        }
        return await CampaignAsync(campaignId, ct);
    }

    private async Task<CampaignDto> CampaignAsync(string campaignId, CancellationToken ct)
    {
        var c = await Campaigns.FirstAsync(x => x.Id == campaignId, ct);
        var updates = await db.Set<ProductionUpdate>().AsNoTracking().Where(u => u.CampaignId == campaignId).ToListAsync(ct);
        return CampaignService.ToDto(c, updates);
    }

    /// <summary>
    /// The compare-and-set claim: Open → Funded when pledged ≥ goal, else Failed, in one statement. True for the one
    /// caller that made the transition. With <paramref name="deadlineOnly"/>, only a campaign whose deadline has passed.
    /// </summary>
    public async Task<bool> ClaimAsync(string campaignId, bool deadlineOnly, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var query = db.Set<Campaign>().Where(c => c.Id == campaignId && c.Status == CampaignStatus.Open);
        if (deadlineOnly)
        {
            query = query.Where(c => c.Deadline <= now);
        }
        var claimed = await query.ExecuteUpdateAsync(u => u
            .SetProperty(c => c.Status, c => c.PledgedUnits >= c.GoalUnits ? CampaignStatus.Funded : CampaignStatus.Failed)
            .SetProperty(c => c.ClosedAt, now), ct) == 1;
        if (claimed)
        {
            logger.LogInformation("Campaign {CampaignId} closed", campaignId);
        }
        return claimed;
    }

    /// <summary>
    /// Works through a claimed campaign's pledges. Returns null when another worker holds the campaign (or it is not
    /// claimed, or already settled). A provider outage stops the run (the exception propagates after the lease is
    /// released); everything done so far is recorded and the next run carries on from there.
    /// </summary>
    public async Task<SettlementResult?> SettleAsync(string campaignId, CancellationToken ct)
    {
        var worker = Ids.New();
        if (!await TakeLeaseAsync(campaignId, worker, ct))
        {
            return null;
        }
        try
        {
            return await SettleLeasedAsync(campaignId, worker, ct);
        }
        finally
        {
            await db.Set<Campaign>().Where(c => c.Id == campaignId && c.SettlementLockedBy == worker)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.SettlementLockedBy, (string?)null).SetProperty(c => c.SettlementLockedUntil, (DateTimeOffset?)null), CancellationToken.None);
        }
    }

    private async Task<bool> TakeLeaseAsync(string campaignId, string worker, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + _options.SettlementLease;
        return await db.Set<Campaign>()
            .Where(c => c.Id == campaignId && c.ClosedAt != null && c.SettledAt == null
                && (c.SettlementLockedUntil == null || c.SettlementLockedUntil < now || c.SettlementLockedBy == worker))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.SettlementLockedBy, worker).SetProperty(c => c.SettlementLockedUntil, until), ct) == 1;
    }

    private async Task<SettlementResult> SettleLeasedAsync(string campaignId, string worker, CancellationToken ct)
    {
        var campaign = await Campaigns.FirstAsync(c => c.Id == campaignId, ct);
        var funded = campaign.Status != CampaignStatus.Failed;
        if (funded && campaign.VariantId is null)
        {
            campaign = await EnsureProductAsync(campaign, ct);
        }
        int captured = 0, ordered = 0, voided = 0, rejected = 0, lapsed = 0;
        var lastId = "";
        while (true)
        {
            var batch = await db.Set<Pledge>().AsNoTracking()
                .Where(p => p.CampaignId == campaignId && string.Compare(p.Id, lastId) > 0
                    && (p.Status == PledgeStatus.Pending || p.Status == PledgeStatus.Authorized || p.Status == PledgeStatus.Captured))
                .OrderBy(p => p.Id).Take(Batch).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }
            foreach (var pledge in batch)
            {
                switch (await SettlePledgeAsync(campaign, pledge, funded, ct))
                {
                    case PledgeStatus.Ordered: ordered++; captured++; break;
                    case PledgeStatus.Voided: voided++; break;
                    case PledgeStatus.Rejected: rejected++; break;
                    case PledgeStatus.Lapsed: lapsed++; break;
                }
            }
            lastId = batch[^1].Id;
            if (!await TakeLeaseAsync(campaignId, worker, ct))
            {
                throw new InvalidOperationException($"Lost the settlement lease of campaign {campaignId}.");
            }
        }
        var remaining = await db.Set<Pledge>().CountAsync(p => p.CampaignId == campaignId
            && (p.Status == PledgeStatus.Pending || p.Status == PledgeStatus.Authorized || p.Status == PledgeStatus.Captured), ct);
        var completed = remaining == 0 && await CompleteAsync(campaign, ct);
        return new SettlementResult(campaignId, campaign.Status.ToString(), completed, captured, ordered, voided, rejected, lapsed, remaining);
    }

    /// <summary>The funded product: a catalog product of the maker's shop, born from the idea (idempotent per idea and shop).</summary>
    private async Task<Campaign> EnsureProductAsync(Campaign campaign, CancellationToken ct)
    {
        var idea = await db.Set<Idea>().AsNoTracking().FirstAsync(i => i.Id == campaign.IdeaId, ct);
        var product = await catalog.CreateProductFromIdeaAsync(campaign.ShopId, campaign.MakerId, new CreateProductRequest(
                idea.Title, idea.Description, idea.Category, ["co-created"],
                [new VariantRequest("IDEA-" + campaign.Id[^10..].ToUpperInvariant(), [], MoneyDto.Of(campaign.UnitPrice, campaign.Currency), 0)], Publish: true),
            new ProductOriginDto(idea.Id, idea.AuthorName), ct);
        var variantId = product.Variants[0].Id;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Set<Campaign>().Where(c => c.Id == campaign.Id && c.VariantId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.ProductId, product.Id).SetProperty(c => c.VariantId, variantId), ct);
            if (!await db.Set<CoCreatedProduct>().AnyAsync(p => p.ProductId == product.Id, ct))
            {
                db.Set<CoCreatedProduct>().Add(new CoCreatedProduct { ProductId = product.Id, IdeaId = idea.Id, CampaignId = campaign.Id, AuthorId = idea.AuthorId, RoyaltyRate = campaign.RoyaltyRate });
                await db.SaveChangesAsync(ct);
            }
            await db.Set<Idea>().Where(i => i.Id == idea.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.ProductId, product.Id), ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return await Campaigns.FirstAsync(c => c.Id == campaign.Id, ct);
    }

    private async Task<PledgeStatus> SettlePledgeAsync(Campaign campaign, Pledge pledge, bool funded, CancellationToken ct)
    {
        var purpose = CampaignService.PaymentPurpose(pledge.Id);
        var status = pledge.Status;
        if (status == PledgeStatus.Pending)
        {
            // Never counted: its request is still authorizing (it will find the campaign closed) or died mid-way.
            // Refuse it so it can never be counted, and release whatever hold it got.
            await MoveAsync(pledge.Id, PledgeStatus.Pending, PledgeStatus.Rejected, "The campaign closed first.", ct);
            await TryVoidAsync(purpose, ct);
            return PledgeStatus.Rejected;
        }
        if (!funded)
        {
            var intent = await payments.VoidAsync(purpose, ct);
            var end = intent.Status is "Voided" or "Expired" or "Failed" or "RequiresAuthorization" ? PledgeStatus.Voided : PledgeStatus.Lapsed;
            await MoveAsync(pledge.Id, PledgeStatus.Authorized, end, null, ct);
            return end;
        }
        if (status == PledgeStatus.Authorized)
        {
            try
            {
                await payments.CaptureAsync(purpose, null, ct);
            }
            catch (Exception e) when (e is ConflictException or PaymentDeclinedException or NotFoundException)
            {
                // The hold expired or the provider refused it: this backer's units are not paid, so no order.
                logger.LogWarning("Capture of pledge {PledgeId} refused: {Reason}", pledge.Id, e.Message);
                await MoveAsync(pledge.Id, PledgeStatus.Authorized, PledgeStatus.Lapsed, e.Message, ct);
                return PledgeStatus.Lapsed;
            }
            await MoveAsync(pledge.Id, PledgeStatus.Authorized, PledgeStatus.Captured, null, ct);
        }
        var address = JsonSerializer.Deserialize<AddressDto>(pledge.AddressJson)!;
        await checkout.PlacePrepaidOrderAsync(new PrepaidOrderRequest(pledge.OrderId, pledge.BackerId, campaign.VariantId!, pledge.Quantity,
            MoneyDto.Of(campaign.UnitPrice, campaign.Currency), address, purpose), ct);
        await MoveAsync(pledge.Id, PledgeStatus.Captured, PledgeStatus.Ordered, null, ct);
        return PledgeStatus.Ordered;
    }

    private Task<int> MoveAsync(string pledgeId, PledgeStatus from, PledgeStatus to, string? error, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var message = error is { Length: > 500 } ? error[..500] : error;
        return db.Set<Pledge>().Where(p => p.Id == pledgeId && p.Status == from)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, to).SetProperty(p => p.Error, message).SetProperty(p => p.UpdatedAt, now), ct);
    }

    private async Task TryVoidAsync(string purpose, CancellationToken ct)
    {
        if (await payments.GetAsync(purpose, ct) is null)
        {
            return;
        }
        try
        {
            await payments.VoidAsync(purpose, ct);
        }
        catch (ConflictException e)
        {
            logger.LogWarning("Releasing {Purpose} refused: {Reason}", purpose, e.Message);
        }
    }

    private async Task<bool> CompleteAsync(Campaign campaign, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var backers = await db.Set<Pledge>().AsNoTracking()
            .Where(p => p.CampaignId == campaign.Id && (p.Status == PledgeStatus.Ordered || p.Status == PledgeStatus.Voided || p.Status == PledgeStatus.Lapsed))
            .Select(p => p.BackerId).Distinct().ToListAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var done = await db.Set<Campaign>().Where(c => c.Id == campaign.Id && c.SettledAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.SettledAt, now), ct) == 1;
        if (!done)
        {
            return false;
        }
        var funded = campaign.Status != CampaignStatus.Failed;
        await db.Set<Idea>().Where(i => i.Id == campaign.IdeaId).ExecuteUpdateAsync(u => u
            .SetProperty(i => i.Status, funded ? IdeaStatus.InProduction : IdeaStatus.Open)
            .SetProperty(i => i.UpdatedAt, now), ct);
        if (!funded)
        {
            // The idea may find another maker: its proposals open again.
            await db.Set<Proposal>().Where(p => p.IdeaId == campaign.IdeaId).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProposalStatus.Open), ct);
        }
        events.Publish(db, new CampaignSettled(campaign.Id, campaign.IdeaId, campaign.AuthorId, campaign.MakerId, funded ? "Funded" : "Failed",
            campaign.PledgedUnits, campaign.GoalUnits, backers, campaign.ProductId, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Campaign {CampaignId} settled: {Outcome}", campaign.Id, funded ? "Funded" : "Failed");
        return true;
    }

    /// <summary>
    /// A campaign's books (operators and the benchmark): pledged units, ordered pledges and units, and how many pledge
    /// payments Payments recorded as captured — equal to the ordered pledges when nothing was lost or doubled.
    /// </summary>
    public async Task<CampaignSettlementStats> StatsAsync(string campaignId, CancellationToken ct)
    {
        var campaign = await Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw CampaignService.CampaignNotFound(campaignId);
        var pledges = await db.Set<Pledge>().AsNoTracking().Where(p => p.CampaignId == campaignId).Select(p => new { p.Id, p.Status, p.Quantity }).ToListAsync(ct);
        var captures = 0;
        foreach (var chunk in pledges.Select(p => CampaignService.PaymentPurpose(p.Id)).Chunk(500))
        {
            var intents = await payments.GetManyAsync(chunk, ct);
            captures += intents.Values.Sum(i => i.Payments.Count(x => x.Kind == "capture"));
        }
        var ordered = pledges.Where(p => p.Status == PledgeStatus.Ordered).ToList();
        return new CampaignSettlementStats(campaign.PledgedUnits, pledges.Count, ordered.Count, ordered.Sum(p => p.Quantity), captures);
    }

    /// <summary>
    /// The job's pass: closes every open campaign whose deadline has passed, then settles every closed campaign whose
    /// settlement is unfinished and not held by a live worker. Returns the campaigns it finished.
    /// </summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await Campaigns.Where(c => c.Status == CampaignStatus.Open && c.Deadline <= now).OrderBy(c => c.Id).Select(c => c.Id).Take(100).ToListAsync(ct);
        foreach (var id in due)
        {
            await ClaimAsync(id, deadlineOnly: true, ct);
        }
        var unsettled = await Campaigns.Where(c => c.ClosedAt != null && c.SettledAt == null && (c.SettlementLockedUntil == null || c.SettlementLockedUntil < now))
            .OrderBy(c => c.ClosedAt).Select(c => c.Id).Take(20).ToListAsync(ct);
        var finished = 0;
        foreach (var id in unsettled)
        {
            try
            {
                if (await SettleAsync(id, ct) is { Completed: true })
                {
                    finished++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Settlement of campaign {CampaignId} stopped; the next run resumes it", id);
            }
        }
        return finished;
    }
}
