using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.CoCreation;

/// <summary>
/// The co-creation part of the demo marketplace: ideas at every stage — fresh, trending, in a campaign, funded and in
/// production, on sale with royalties for its author (demo@dots.local). Runs after the core demo, through the public
/// services (real holds, captures and orders in the sandbox), and only while the module's tables are empty.
/// </summary>
internal sealed class CoCreationDemoSeed(
    DotsDbContext db, UserManager<AppUser> users, CatalogService catalog, IdeaService ideas, CampaignService campaigns, CampaignSettlement settlement,
    CheckoutService checkout, TimeProvider clock, ILogger<CoCreationDemoSeed> logger) : IDemoSeedContributor
{
    private const string Card = "4242424242424242";

    private static readonly AddressDto Address = new("Kim Ji-won", "152 Teheran-ro", "12F", "Seoul", "06236", "010-1234-5678", 37.5006, 127.0364);

    public async Task SeedAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Set<Idea>().AnyAsync(ct))
        {
            return;
        }
        var demo = await users.FindByEmailAsync("demo@dots.local");
        if (demo is null)
        {
            logger.LogInformation("No demo customer; the co-creation demo is skipped");
            return;
        }
        progress?.Report("Co-creation: ideas, campaigns and royalties");
        var customers = new List<AppUser>();
        for (var i = 1; i <= 20; i++)
        {
            if (await users.FindByEmailAsync($"customer{i}@dots.local") is { } c)
            {
                customers.Add(c);
            }
        }
        var now = clock.GetUtcNow();

        // Fresh ideas: a few hours old, hardly any votes yet.
        var fresh = new[]
        {
            ("Stackable glass lunch boxes with bamboo lids", "Oven-safe glass, lids that seal, and a size that fits a Korean lunch: rice, soup and three banchan.", "kitchen", 28000m),
            ("Hanji desk lamp with a dimmer", "A small mulberry-paper lamp whose warmth you can turn down at night.", "crafts", 65000m),
            ("Kids' raincoat that folds into its own pocket", "Bright, reflective, and small enough for a school bag.", "kids", 32000m),
        };
        var freshIds = new List<string>();
        for (var i = 0; i < fresh.Length; i++)
        {
            var author = customers[(i + 5) % customers.Count];
            var idea = await SubmitAsync(author, fresh[i], ct);
            await AgeAsync(idea.Id, now.AddHours(-3 - i * 2), ct);
            freshIds.Add(idea.Id);
            await VoteAsync(idea.Id, customers.Skip(i).Take(i), now.AddHours(-1), ct);
        }

        // Trending: many recent votes and a lively thread.
        var trending = new[]
        {
            ("Foldable laptop stand that fits in a sleeve", "Aluminium, six heights, folds flat to 5 mm. Made for cafés and small desks.", "home", 39000m),
            ("Refillable cushion compact with a metal case", "Keep the case, buy only the refill: less plastic, same glow.", "beauty", 24000m),
            ("Insulated hiking bottle with a tea strainer", "Hot barley tea on Bukhansan, loose leaves kept out of your mouth.", "sports", 29000m),
        };
        for (var i = 0; i < trending.Length; i++)
        {
            var author = customers[(i + 10) % customers.Count];
            var idea = await SubmitAsync(author, trending[i], ct);
            await AgeAsync(idea.Id, now.AddDays(-2 - i), ct);
            await VoteAsync(idea.Id, customers.Take(14 - i * 3), now.AddHours(-6 - i * 4), ct);
            await CommentAsync(idea.Id, customers[1], "Yes please! I would buy two.", ct);
            await CommentAsync(idea.Id, customers[2], "Could it come in a darker colour?", ct);
        }

        // In a campaign: Maru Home proposed, the author accepted, backers are pledging.
        var inCampaign = await SubmitAsync(demo, ("Linen laundry hamper that folds flat", "Natural linen on a collapsible frame, with a lid and handles. Folds to 4 cm when not in use.", "home", 45000m), ct);
        await AgeAsync(inCampaign.Id, now.AddDays(-9), ct);
        await VoteAsync(inCampaign.Id, customers.Take(12), now.AddDays(-4), ct);
        var open = await StartAsync(inCampaign.Id, demo, "maru-home", 42000m, goal: 10, now.AddDays(10), ct);
        if (open is not null)
        {
            await PledgeAsync(open, customers.Take(4), ct);
        }

        // Funded and in production at Hanji Craft House.
        var funded = await SubmitAsync(customers[3], ("Hanji notebook with a lay-flat binding", "Handmade mulberry-paper pages, a binding that opens flat for writing and sketching.", "books", 18000m), ct);
        await AgeAsync(funded.Id, now.AddDays(-20), ct);
        await VoteAsync(funded.Id, customers.Take(9), now.AddDays(-15), ct);
        var making = await StartAsync(funded.Id, customers[3], "hanji-craft", 16000m, goal: 3, now.AddDays(12), ct);
        if (making is not null)
        {
            await PledgeAsync(making, customers.Skip(4).Take(4), ct);
            var maker = await MakerAsync("hanji-craft");
            await settlement.CloseAsync(making, maker!.Id, false, ct);
            await campaigns.PostUpdateAsync(making, maker.Id, new PostUpdateRequest("design", "Final cover design chosen: indigo and natural.", null, null), ct);
            await campaigns.PostUpdateAsync(making, maker.Id, new PostUpdateRequest("sample", "The first sample binds flat and survives fountain pens.", null, null), ct);
        }

        // On sale, with royalties for demo@dots.local: funded, shipped, then sold like any product.
        var onSale = await SubmitAsync(demo, ("Stone pot with a wooden trivet lid", "A small dolsot whose lid turns into a trivet, so it goes straight from the stove to the table.", "kitchen", 36000m), ct);
        await AgeAsync(onSale.Id, now.AddDays(-40), ct);
        await VoteAsync(onSale.Id, customers.Take(16), now.AddDays(-30), ct);
        var sold = await StartAsync(onSale.Id, demo, "bap-kitchen", 34000m, goal: 3, now.AddDays(5), ct);
        if (sold is not null)
        {
            await PledgeAsync(sold, customers.Skip(8).Take(4), ct);
            var maker = await MakerAsync("bap-kitchen");
            await settlement.CloseAsync(sold, maker!.Id, false, ct);
            foreach (var (stage, text) in new[] { ("design", "Lid shape fixed."), ("sample", "Samples survived 200 heat cycles."), ("mass-production", "Firing the first 200 pots."), ("quality-check", "Every pot checked for cracks."), ("shipped", "All pre-orders are on their way!") })
            {
                await campaigns.PostUpdateAsync(sold, maker.Id, new PostUpdateRequest(stage, text, null, stage == "shipped" ? 30 : null), ct);
            }
            var campaign = await campaigns.GetAsync(sold, ct);
            foreach (var buyer in customers.Skip(12).Take(3))
            {
                await checkout.PlaceOrderAsync(buyer.Id, new PlaceOrderRequest([new OrderItemRequest(campaign.VariantId, 1)], Address, new PaymentRequest("card", Card)), null, ct);
            }
        }
        logger.LogInformation("Co-creation demo seeded: {Fresh} fresh ideas and one idea at every later stage", freshIds.Count);
    }

    private async Task<IdeaDto> SubmitAsync(AppUser author, (string Title, string Description, string Category, decimal Price) idea, CancellationToken ct) =>
        await ideas.SubmitAsync(author.Id, Name(author), new SubmitIdeaRequest(idea.Title, idea.Description, idea.Category, new MoneyDto(idea.Price, "KRW")), ct);

    private static string Name(AppUser user) => (user.Email ?? "someone").Split('@')[0];

    /// <summary>Backdates an idea (the demo's own rows) so the board's "new" and "trending" orders have something to show.</summary>
    private async Task AgeAsync(string ideaId, DateTimeOffset at, CancellationToken ct)
    {
        var idea = await db.Set<Idea>().FirstAsync(i => i.Id == ideaId, ct);
        db.Entry(idea).Property(i => i.CreatedAt).CurrentValue = at;
        idea.UpdatedAt = at;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task VoteAsync(string ideaId, IEnumerable<AppUser> voters, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var voter in voters)
        {
            await ideas.VoteAsync(ideaId, voter.Id, ct);
        }
        await db.Set<IdeaVote>().Where(v => v.IdeaId == ideaId).ExecuteUpdateAsync(u => u.SetProperty(v => v.At, at), ct);
    }

    private Task CommentAsync(string ideaId, AppUser user, string body, CancellationToken ct) =>
        ideas.CommentAsync(ideaId, user.Id, Name(user), new CommentRequest(body, null), ct);

    private async Task<AppUser?> MakerAsync(string shopSlug) => await users.FindByEmailAsync($"{shopSlug}@dots.local");

    private async Task<string?> StartAsync(string ideaId, AppUser author, string shopSlug, decimal unitPrice, int goal, DateTimeOffset deadline, CancellationToken ct)
    {
        var maker = await MakerAsync(shopSlug);
        if (maker is null)
        {
            return null;
        }
        var shop = (await catalog.ShopsOwnedByAsync(maker.Id, ct)).FirstOrDefault();
        if (shop is null)
        {
            return null;
        }
        var proposal = await campaigns.ProposeAsync(ideaId, maker.Id, new ProposeRequest(shop.Id, new MoneyDto(unitPrice, shop.Currency), goal, 30, "We can make this in our own workshop."), ct);
        return (await campaigns.AcceptAsync(ideaId, proposal.Id, author.Id, new AcceptProposalRequest(goal, deadline), ct)).CampaignId;
    }

    private async Task PledgeAsync(string campaignId, IEnumerable<AppUser> backers, CancellationToken ct)
    {
        var i = 0;
        foreach (var backer in backers)
        {
            await campaigns.PledgeAsync(campaignId, backer.Id, new PledgeRequest(1 + i++ % 2, Address, new PaymentRequest("card", Card)), ct);
        }
    }
}
