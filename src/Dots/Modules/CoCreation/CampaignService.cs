using Dots.Infrastructure.Http;
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
/// Makers' proposals, the author's acceptance, the all-or-nothing campaign and its pledges, and production updates.
/// A pledge's payment is a Payments hold (<c>pledge:{id}</c>), authorized outside any transaction; the units count only
/// when a conditional update finds the campaign still open, so a pledge racing the close is either in (and captured
/// by the settlement) or refused with 409 and its hold released. Settlement: <see cref="CampaignSettlement"/>.
/// </summary>
public sealed class CampaignService(
    DotsDbContext db, CatalogService catalog, PaymentService payments, IdeaService ideas, IEventPublisher events, TimeProvider clock,
    IOptions<CoCreationOptions> options, ILogger<CampaignService> logger, IServiceProvider services)
{
    public static readonly string[] Stages = ["design", "sample", "mass-production", "quality-check", "shipped"];
    private readonly CoCreationOptions _options = options.Value;

    private IQueryable<Campaign> Campaigns => db.Set<Campaign>().AsNoTracking();

    public static string PaymentPurpose(string pledgeId) => "pledge:" + pledgeId;

    /// <summary>A maker, as the owner of <c>shopId</c>, offers to produce an open idea (403 for a shop that is not theirs).</summary>
    public async Task<ProposalDto> ProposeAsync(string ideaId, string userId, ProposeRequest request, CancellationToken ct)
    {
        var idea = await db.Set<Idea>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == ideaId && !i.Hidden, ct) ?? throw IdeaService.IdeaNotFound(ideaId);
        var v = new Validation();
        v.RequireText(request.ShopId, "shopId", 32)
            .Require(request.MinimumUnits is >= 1 and <= 1_000_000, "minimumUnits", "The minimum units must be between 1 and 1,000,000.")
            .Require(request.LeadTimeDays is >= 1 and <= 365, "leadTimeDays", "The lead time must be between 1 and 365 days.")
            .Require((request.Note?.Length ?? 0) <= 2000, "note", "The note must be at most 2000 characters.");
        if (request.UnitPrice is null)
        {
            v.Add("unitPrice", "The unit price is required.");
        }
        v.ThrowIfInvalid();
        var shop = await catalog.RequireOwnedShopAsync(request.ShopId!, userId, ct);
        new Validation()
            .Require(request.UnitPrice!.Amount > 0 && request.UnitPrice.Amount <= 1_000_000_000m, "unitPrice.amount", "The unit price must be more than 0 and at most 1,000,000,000.")
            .Require(request.UnitPrice.Currency == shop.Currency, "unitPrice.currency", $"The shop sells in {shop.Currency}.")
            .Require(Currencies.FitsMinorUnit(request.UnitPrice.Amount, shop.Currency), "unitPrice.amount", "The amount does not fit the currency's minor unit.")
            .ThrowIfInvalid();
        if (idea.Status != IdeaStatus.Open)
        {
            throw new ConflictException("The idea already has a campaign; proposals are closed.");
        }
        var now = clock.GetUtcNow();
        var proposal = new Proposal
        {
            Id = Ids.New(), IdeaId = ideaId, ShopId = shop.Id, ShopName = shop.Name, MakerId = userId, UnitPrice = request.UnitPrice.Amount, Currency = shop.Currency,
            MinimumUnits = request.MinimumUnits!.Value, LeadTimeDays = request.LeadTimeDays!.Value, Note = request.Note?.Trim() ?? "", Status = ProposalStatus.Open, CreatedAt = now,
        };
        db.Set<Proposal>().Add(proposal);
        events.Publish(db, new ProposalReceived(ideaId, idea.Title, idea.AuthorId, proposal.Id, shop.Id, userId, MoneyDto.Of(proposal.UnitPrice, proposal.Currency), now));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return IdeaService.ToDto(proposal);
    }

    /// <summary>
    /// The idea's author accepts one proposal and starts the campaign (goal units, deadline). The idea is claimed with a
    /// conditional update (Open → InCampaign), so two accepts at once start one campaign; the loser gets 409.
    /// </summary>
    public async Task<AcceptedDto> AcceptAsync(string ideaId, string proposalId, string userId, AcceptProposalRequest request, CancellationToken ct)
    {
        var idea = await db.Set<Idea>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == ideaId && !i.Hidden, ct) ?? throw IdeaService.IdeaNotFound(ideaId);
        var proposal = await db.Set<Proposal>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == proposalId && p.IdeaId == ideaId, ct)
            ?? throw new NotFoundException($"No proposal with id '{proposalId}' for this idea.");
        if (idea.AuthorId != userId)
        {
            throw new ForbiddenException("Only the idea's author can accept a proposal.");
        }
        var now = clock.GetUtcNow();
        new Validation()
            .Require(request.GoalUnits is >= 1 and <= 1_000_000, "goalUnits", "The goal must be between 1 and 1,000,000 units.")
            .Require(request.GoalUnits is null || request.GoalUnits >= proposal.MinimumUnits, "goalUnits", $"The maker needs at least {proposal.MinimumUnits} units.")
            .Require(request.Deadline is not null && request.Deadline > now, "deadline", "The deadline must be in the future.")
            .Require(request.Deadline is null || request.Deadline <= now + _options.MaxCampaignLength, "deadline",
                $"The deadline must be at most {_options.MaxCampaignLength.TotalDays:0} days away (a pledge's card hold must outlive it).")
            .ThrowIfInvalid();
        var campaign = new Campaign
        {
            Id = Ids.New(), IdeaId = ideaId, ProposalId = proposalId, ShopId = proposal.ShopId, ShopName = proposal.ShopName, MakerId = proposal.MakerId,
            AuthorId = idea.AuthorId, Title = idea.Title, UnitPrice = proposal.UnitPrice, Currency = proposal.Currency, GoalUnits = request.GoalUnits!.Value,
            Deadline = request.Deadline!.Value.ToUniversalTime(), Status = CampaignStatus.Open, RoyaltyRate = _options.RoyaltyRate, CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Set<Idea>().Where(i => i.Id == ideaId && i.Status == IdeaStatus.Open)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, IdeaStatus.InCampaign).SetProperty(i => i.CampaignId, campaign.Id).SetProperty(i => i.UpdatedAt, now), ct);
        if (claimed == 0)
        {
            throw new ConflictException("The idea already has a campaign.");
        }
        await db.Set<Proposal>().Where(p => p.IdeaId == ideaId).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status,
            p => p.Id == proposalId ? ProposalStatus.Accepted : ProposalStatus.Declined), ct);
        db.Set<Campaign>().Add(campaign);
        var followers = await ideas.FollowerIdsAsync(ideaId, ct);
        events.Publish(db, new CampaignStarted(campaign.Id, ideaId, idea.AuthorId, campaign.ShopId, campaign.MakerId, campaign.GoalUnits,
            MoneyDto.Of(campaign.UnitPrice, campaign.Currency), campaign.Deadline, followers, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new AcceptedDto(campaign.Id);
    }

    public async Task<CampaignDto> GetAsync(string campaignId, CancellationToken ct)
    {
        var c = await Campaigns.FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw CampaignNotFound(campaignId);
        var updates = await db.Set<ProductionUpdate>().AsNoTracking().Where(u => u.CampaignId == campaignId).ToListAsync(ct);
        return ToDto(c, updates);
    }

    internal static CampaignDto ToDto(Campaign c, List<ProductionUpdate> updates) => new(
        c.Id, c.IdeaId, c.Title, c.ShopId, c.ShopName, c.MakerId, c.AuthorId, c.Status.ToString(), c.GoalUnits, c.PledgedUnits, c.Backers, c.Deadline,
        MoneyDto.Of(c.UnitPrice, c.Currency), c.CreatedAt, c.ClosedAt, c.SettledAt, c.SettledAt is not null, c.ProductId, c.VariantId,
        updates.OrderBy(u => u.At).ThenBy(u => u.Id, StringComparer.Ordinal).Select(u => new ProductionUpdateDto(u.Id, u.Stage, u.Text, u.PhotoUrl, u.At)).ToList());

    /// <summary>Campaigns of a shop's owner (the maker's console), newest first.</summary>
    public async Task<IReadOnlyList<CampaignDto>> CampaignsOfMakerAsync(string userId, CancellationToken ct) =>
        (await Campaigns.Where(c => c.MakerId == userId).OrderByDescending(c => c.CreatedAt).Take(50).ToListAsync(ct)).Select(c => ToDto(c, [])).ToList();

    /// <summary>Campaigns still open, closing soonest first (the board's "back it now" strip and recommendations).</summary>
    public async Task<IReadOnlyList<CampaignDto>> OpenCampaignsAsync(int limit, CancellationToken ct) =>
        (await Campaigns.Where(c => c.Status == CampaignStatus.Open).OrderBy(c => c.Deadline).Take(Math.Clamp(limit, 1, 100)).ToListAsync(ct)).Select(c => ToDto(c, [])).ToList();

    /// <summary>
    /// The web pledge form's path: the same idempotency store as <c>POST /api/campaigns/{id}/pledges</c>, keyed by the
    /// form (a hidden key rendered with it), so a double submit holds the card once; a second submit waits for the first.
    /// A submit after a provider outage (503) resumes the same pledge.
    /// </summary>
    public async Task<PledgeDto> PledgeOnceAsync(string campaignId, string userId, string formKey, PledgeRequest request, CancellationToken ct)
    {
        var idempotency = services.GetRequiredService<Idempotency>();
        var response = await idempotency.ExecuteFormAsync(userId, "pledges:" + campaignId, formKey, request, "/ideas",
            () => PledgeAnswerAsync(campaignId, userId, request, CancellationToken.None),
            pledgeId => ResumePledgeAsync(pledgeId, userId, request, CancellationToken.None), ct);
        return idempotency.Read<PledgeDto>(response);
    }

    /// <summary>A new pledge as an idempotent answer (201 and where to look).</summary>
    public async Task<(int Status, PledgeDto Body, string? Location)> PledgeAnswerAsync(string campaignId, string userId, PledgeRequest request, CancellationToken ct)
    {
        var pledge = await PledgeAsync(campaignId, userId, request, ct);
        return (StatusCodes.Status201Created, pledge, $"/api/campaigns/{campaignId}");
    }

    /// <summary>
    /// A backer pledges: (1) the pledge is written Pending — and, under an <c>Idempotency-Key</c>, attached to its claim
    /// in the same commit; (2) the hold is placed outside any transaction, for long enough to outlive the deadline and
    /// the settlement grace; (3) one transaction counts the units with a conditional update on the campaign (still
    /// Open, deadline not passed) and marks the pledge Authorized. When (3) finds the campaign closed, the hold is
    /// released and the answer is 409: never counted and not captured. When the provider does not answer in (2), the
    /// answer is 503 (Retry-After) and the pledge stays Pending: a retry with the same key resumes it
    /// (<see cref="ResumePledgeAsync"/>), and one nobody retries is resolved by the settlement job
    /// (<see cref="ResolveStalePledgesAsync"/>).
    /// </summary>
    public async Task<PledgeDto> PledgeAsync(string campaignId, string userId, PledgeRequest request, CancellationToken ct)
    {
        var campaign = await Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw CampaignNotFound(campaignId);
        var card = ValidatePledge(request);
        var now = clock.GetUtcNow();
        if (campaign.Status != CampaignStatus.Open || campaign.Deadline <= now)
        {
            throw new ConflictException("The campaign is closed; it takes no more pledges.");
        }
        var pledge = new Pledge
        {
            Id = Ids.New(), CampaignId = campaignId, BackerId = userId, Quantity = request.Quantity!.Value, Amount = campaign.UnitPrice * request.Quantity.Value,
            Currency = campaign.Currency, AddressJson = JsonSerializer.Serialize(request.ShippingAddress), OrderId = Ids.New(), Status = PledgeStatus.Pending,
            CreatedAt = now, UpdatedAt = now,
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Set<Pledge>().Add(pledge);
            await db.SaveChangesAsync(ct);
            // From this commit on a hold may follow: a retry with the same key resumes this pledge, never starts a second.
            await services.GetRequiredService<Idempotency>().AttachAsync(pledge.Id, ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return await HoldAndCountAsync(pledge, campaign, card, userId);
    }

    /// <summary>
    /// A retry (same <c>Idempotency-Key</c>) of a pledge whose first try did not finish — the provider did not answer,
    /// or the process died: a pledge that counted is answered as it is; a Pending one places (or finds, through
    /// Payments' reconciliation) its hold and is counted, or refused if the campaign closed meanwhile.
    /// </summary>
    public async Task<(int Status, PledgeDto Body, string? Location)?> ResumePledgeAsync(string pledgeId, string userId, PledgeRequest request, CancellationToken ct)
    {
        var pledge = await db.Set<Pledge>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == pledgeId && p.BackerId == userId, ct);
        if (pledge is null)
        {
            return null;
        }
        switch (pledge.Status)
        {
            case PledgeStatus.Rejected:
                throw new ConflictException(pledge.Error ?? "The pledge was refused.");
            case not PledgeStatus.Pending:
                return (StatusCodes.Status201Created, await PledgeAsync(pledge.Id, userId, ct), $"/api/campaigns/{pledge.CampaignId}");
        }
        var card = ValidatePledge(request);
        var campaign = await Campaigns.FirstAsync(c => c.Id == pledge.CampaignId, ct);
        var counted = await HoldAndCountAsync(pledge, campaign, card, userId);
        return (StatusCodes.Status201Created, counted, $"/api/campaigns/{pledge.CampaignId}");
    }

    private string ValidatePledge(PledgeRequest request)
    {
        var v = new Validation();
        v.Require(request.Quantity is >= 1, "quantity", "The quantity must be at least 1.")
            .Require(request.Quantity is null || request.Quantity <= _options.MaxUnitsPerPledge, "quantity", $"The quantity must be at most {_options.MaxUnitsPerPledge}.");
        ValidateAddress(v, request.ShippingAddress);
        var card = ValidateCard(v, request.Payment);
        v.ThrowIfInvalid();
        return card!;
    }

    /// <summary>Steps (2) and (3) of <see cref="PledgeAsync"/> for a Pending pledge; money calls never inside a transaction.</summary>
    private async Task<PledgeDto> HoldAndCountAsync(Pledge pledge, Campaign campaign, string card, string userId)
    {
        var purpose = PaymentPurpose(pledge.Id);
        var now = clock.GetUtcNow();
        if (campaign.Status != CampaignStatus.Open || campaign.Deadline <= now)
        {
            await AbandonAsync(pledge.Id, "The campaign closed first.");
            throw new ConflictException("The campaign closed before the pledge was counted; any card hold was released.");
        }
        var holdFor = campaign.Deadline - now + _options.SettlementGrace;
        try
        {
            // A resumed pledge: Payments reconciles the earlier attempt first, so the card is never held twice.
            await payments.AuthorizeAsync(purpose, userId, new Money(pledge.Amount, pledge.Currency), new PaymentCard(card), holdFor, CancellationToken.None);
        }
        catch (Exception e) when (e is PaymentDeclinedException or ConflictException or RequestValidationException)
        {
            await db.Set<Pledge>().Where(p => p.Id == pledge.Id && p.Status == PledgeStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PledgeStatus.Rejected).SetProperty(p => p.Error, Truncate(e.Message)).SetProperty(p => p.UpdatedAt, clock.GetUtcNow()), CancellationToken.None);
            throw;
        }
        if (!await TryCountAsync(pledge, campaign))
        {
            // The campaign closed while the card was being authorized (or the pledge was refused meanwhile): release the hold.
            await AbandonAsync(pledge.Id, "The campaign closed first.");
            throw new ConflictException("The campaign closed before the pledge was counted; the card hold was released.");
        }
        return await PledgeAsync(pledge.Id, userId, CancellationToken.None);
    }

    /// <summary>
    /// Counts a Pending pledge whose hold is placed: one transaction, conditional on the campaign being open and the
    /// pledge still Pending. True when it counted now or was counted already (by a racing retry or the stale resolver).
    /// </summary>
    private async Task<bool> TryCountAsync(Pledge pledge, Campaign campaign)
    {
        var at = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            var open = await db.Set<Campaign>().Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Open && c.Deadline > at)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.PledgedUnits, c => c.PledgedUnits + pledge.Quantity).SetProperty(c => c.Backers, c => c.Backers + 1), CancellationToken.None);
            var mine = open == 0 ? 0 : await db.Set<Pledge>().Where(p => p.Id == pledge.Id && p.Status == PledgeStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PledgeStatus.Authorized).SetProperty(p => p.UpdatedAt, at), CancellationToken.None);
            if (open == 1 && mine == 1)
            {
                var pledged = await Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.PledgedUnits).FirstAsync(CancellationToken.None);
                events.Publish(db, new PledgePlaced(campaign.Id, pledge.Id, pledge.BackerId, pledge.Quantity, MoneyDto.Of(pledge.Amount, pledge.Currency), pledged, campaign.GoalUnits, at));
                await db.SaveChangesAsync(CancellationToken.None);
                await tx.CommitAsync(CancellationToken.None);
                return true;
            }
        }
        db.ChangeTracker.Clear();
        var now = await db.Set<Pledge>().AsNoTracking().Where(p => p.Id == pledge.Id).Select(p => p.Status).FirstAsync(CancellationToken.None);
        return now is not (PledgeStatus.Pending or PledgeStatus.Rejected);
    }

    /// <summary>Refuses a Pending pledge for good and releases whatever hold it got (the hold expires by itself if the release fails now).</summary>
    private async Task AbandonAsync(string pledgeId, string reason)
    {
        await db.Set<Pledge>().Where(p => p.Id == pledgeId && p.Status == PledgeStatus.Pending)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PledgeStatus.Rejected).SetProperty(p => p.Error, reason).SetProperty(p => p.UpdatedAt, clock.GetUtcNow()), CancellationToken.None);
        if (await db.Set<Pledge>().AsNoTracking().AnyAsync(p => p.Id == pledgeId && p.Status != PledgeStatus.Rejected, CancellationToken.None))
        {
            return; // counted meanwhile by someone else: its hold is the campaign's now
        }
        try
        {
            await payments.VoidAsync(PaymentPurpose(pledgeId), CancellationToken.None);
        }
        catch (Exception e) when (e is PaymentProviderUnavailableException or ConflictException or NotFoundException)
        {
            logger.LogWarning(e, "Releasing the hold of refused pledge {PledgeId} failed", pledgeId);
        }
    }

    /// <summary>
    /// Resolves pledges left Pending longer than <paramref name="olderThan"/> (a provider outage nobody retried, a
    /// crash): Payments reconciles the hold with the provider; a placed hold is counted while the campaign is open,
    /// anything else is refused and its hold released. A pledge whose hold is still unknown (the provider still does
    /// not answer) waits for the next run. Run by the settlement job every minute. Returns how many were resolved.
    /// </summary>
    public async Task<int> ResolveStalePledgesAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var before = clock.GetUtcNow() - olderThan;
        var stale = await db.Set<Pledge>().AsNoTracking().Where(p => p.Status == PledgeStatus.Pending && p.UpdatedAt <= before)
            .OrderBy(p => p.UpdatedAt).Take(100).ToListAsync(ct);
        var resolved = 0;
        foreach (var pledge in stale)
        {
            var purpose = PaymentPurpose(pledge.Id);
            PaymentIntentDto? intent;
            try
            {
                intent = await payments.GetAsync(purpose, ct);
                if (intent is not null && intent.Attempts.Any(a => a.Status is "Pending" or "Unknown"))
                {
                    var reconciled = await payments.ReconcileAsync(purpose, ct);
                    if (reconciled.StillUnknown > 0)
                    {
                        continue;
                    }
                    intent = reconciled.Intent;
                }
            }
            catch (PaymentProviderUnavailableException e)
            {
                logger.LogInformation(e, "Pledge {PledgeId} stays pending: the provider still does not answer", pledge.Id);
                continue;
            }
            var campaign = await Campaigns.FirstAsync(c => c.Id == pledge.CampaignId, ct);
            if (intent?.Status == "Authorized" && await TryCountAsync(pledge, campaign))
            {
                resolved++;
                continue;
            }
            await AbandonAsync(pledge.Id, intent?.Status == "Authorized" ? "The campaign closed first." : "The payment provider did not confirm the card hold.");
            resolved++;
        }
        return resolved;
    }

    /// <summary>A pledge for its backer (404 for anyone else).</summary>
    public async Task<PledgeDto> PledgeAsync(string pledgeId, string userId, CancellationToken ct)
    {
        var pledge = await db.Set<Pledge>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == pledgeId && p.BackerId == userId, ct)
            ?? throw new NotFoundException($"No pledge with id '{pledgeId}'.");
        var intent = await payments.GetAsync(PaymentPurpose(pledge.Id), ct);
        return ToDto(pledge, intent);
    }

    /// <summary>The caller's pledges that counted (a declined or too-late pledge never did), newest first.</summary>
    public async Task<IReadOnlyList<PledgeDto>> MyPledgesAsync(string userId, string? campaignId, CancellationToken ct)
    {
        var query = db.Set<Pledge>().AsNoTracking().Where(p => p.BackerId == userId && p.Status != PledgeStatus.Pending && p.Status != PledgeStatus.Rejected);
        if (campaignId is not null)
        {
            query = query.Where(p => p.CampaignId == campaignId);
        }
        var pledges = await query.OrderByDescending(p => p.CreatedAt).Take(100).ToListAsync(ct);
        var intents = await payments.GetManyAsync(pledges.Select(p => PaymentPurpose(p.Id)).ToList(), ct);
        return pledges.Select(p => ToDto(p, intents.GetValueOrDefault(PaymentPurpose(p.Id)))).ToList();
    }

    private static PledgeDto ToDto(Pledge p, PaymentIntentDto? intent) => new(
        p.Id, p.CampaignId, p.Quantity, MoneyDto.Of(p.Amount, p.Currency), p.Status.ToString(), p.Status == PledgeStatus.Ordered ? p.OrderId : null, p.CreatedAt,
        intent?.Payments ?? []);

    /// <summary>
    /// The maker posts a production update (design, sample, mass-production, quality-check, shipped) on a funded campaign;
    /// the first moves it to InProduction, <c>shipped</c> to Delivered and — with <c>stock</c> — puts the product on sale.
    /// </summary>
    public async Task<CampaignDto> PostUpdateAsync(string campaignId, string userId, PostUpdateRequest request, CancellationToken ct)
    {
        var campaign = await Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw CampaignNotFound(campaignId);
        if (campaign.MakerId != userId)
        {
            throw new ForbiddenException("Only the maker posts production updates.");
        }
        var stage = request.Stage?.Trim().ToLowerInvariant();
        new Validation()
            .Require(stage is not null && Stages.Contains(stage), "stage", "The stage must be design, sample, mass-production, quality-check or shipped.")
            .RequireText(request.Text, "text", 2000)
            .Require((request.PhotoUrl?.Length ?? 0) <= 500, "photoUrl", "The photo address must be at most 500 characters.")
            .Require(request.PhotoUrl is null || Uri.TryCreate(request.PhotoUrl, UriKind.RelativeOrAbsolute, out _), "photoUrl", "The photo address is not valid.")
            .Require(request.Stock is null or (>= 0 and <= 1_000_000), "stock", "The stock must be between 0 and 1,000,000.")
            .ThrowIfInvalid();
        if (campaign.Status is not (CampaignStatus.Funded or CampaignStatus.InProduction or CampaignStatus.Delivered) || campaign.SettledAt is null)
        {
            throw new ConflictException("Production updates start once the campaign is funded and settled.");
        }
        var now = clock.GetUtcNow();
        var update = new ProductionUpdate { Id = Ids.New(), CampaignId = campaignId, Stage = stage!, Text = request.Text!.Trim(), PhotoUrl = request.PhotoUrl, At = now };
        var next = stage == "shipped" ? CampaignStatus.Delivered : campaign.Status == CampaignStatus.Delivered ? CampaignStatus.Delivered : CampaignStatus.InProduction;
        var backers = await db.Set<Pledge>().AsNoTracking().Where(p => p.CampaignId == campaignId && p.Status == PledgeStatus.Ordered).Select(p => p.BackerId).Distinct().ToListAsync(ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Set<ProductionUpdate>().Add(update);
            await db.Set<Campaign>().Where(c => c.Id == campaignId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, next), ct);
            await db.Set<Idea>().Where(i => i.Id == campaign.IdeaId)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, next == CampaignStatus.Delivered ? IdeaStatus.OnSale : IdeaStatus.InProduction).SetProperty(i => i.UpdatedAt, now), ct);
            events.Publish(db, new ProductionUpdatePosted(campaignId, campaign.IdeaId, update.Id, update.Stage, update.Text, backers, now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        if (request.Stock is { } stock && campaign.ProductId is not null && campaign.VariantId is not null)
        {
            await catalog.SetStockAsync(campaign.ProductId, campaign.VariantId, userId, new UpdateStockRequest(stock), ct);
        }
        return await GetAsync(campaignId, ct);
    }

    private static void ValidateAddress(Validation v, AddressDto? a)
    {
        if (a is null)
        {
            v.Add("shippingAddress", "The shipping address is required.");
            return;
        }
        v.RequireText(a.Name, "shippingAddress.name", 100, "recipient's name")
            .RequireText(a.Line1, "shippingAddress.line1", 200, "address line")
            .Require((a.Line2?.Length ?? 0) <= 200, "shippingAddress.line2", "The second address line must be at most 200 characters.")
            .RequireText(a.City, "shippingAddress.city", 100, "city")
            .RequireText(a.PostalCode, "shippingAddress.postalCode", 20, "postal code")
            .RequireText(a.Phone, "shippingAddress.phone", 30, "phone number");
    }

    private static string? ValidateCard(Validation v, PaymentRequest? p)
    {
        if (p is null)
        {
            v.Add("payment", "The payment is required.");
            return null;
        }
        if (!string.Equals(p.Method, "card", StringComparison.OrdinalIgnoreCase))
        {
            v.Add("payment.method", "The payment method must be 'card'.");
            return null;
        }
        var digits = new string((p.CardNumber ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
        {
            v.Add("payment.cardNumber", "The card number is not valid.");
            return null;
        }
        return digits;
    }

    private static string? Truncate(string? text) => text is { Length: > 500 } ? text[..500] : text;

    internal static NotFoundException CampaignNotFound(string id) => new($"No campaign with id '{id}'.");
}
