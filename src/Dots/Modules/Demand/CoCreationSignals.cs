using Dots.Infrastructure.Events;
using Dots.Modules.CoCreation;

namespace Dots.Modules.Demand;

// Co-creation's signals (ADR 0017): votes and pledges say what people want made before it exists. They carry the idea's
// category (read through CoCreation's public services) so "many votes, few products" shows per category.

internal sealed class IdeaVotedSignal(ServerSignals signals, IdeaService ideas) : IEventHandler<IdeaVoted>
{
    public async Task HandleAsync(IdeaVoted e, CancellationToken ct)
    {
        var idea = await ideas.GetAsync(e.IdeaId, null, isOperator: true, ct);
        await signals.RecordAsync(
            [new ServerSignal(DemandEventTypes.Vote, $"vote:{e.IdeaId}:{e.VoterId}:{e.At.ToUnixTimeMilliseconds()}", e.At,
                Category: idea.Category, Quantity: e.Withdrawn ? -1 : 1, UserId: e.VoterId)], ct);
    }
}

internal sealed class PledgePlacedSignal(ServerSignals signals, CampaignService campaigns, IdeaService ideas) : IEventHandler<PledgePlaced>
{
    public async Task HandleAsync(PledgePlaced e, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(e.CampaignId, ct);
        var idea = await ideas.GetAsync(campaign.IdeaId, null, isOperator: true, ct);
        await signals.RecordAsync(
            [new ServerSignal(DemandEventTypes.Pledge, $"pledge:{e.PledgeId}", e.At, ShopId: campaign.ShopId, Category: idea.Category,
                Quantity: e.Quantity, Amount: e.Amount.Amount, Currency: e.Amount.Currency, UserId: e.BackerId)], ct);
    }
}

internal sealed class CampaignSettledSignal(ServerSignals signals, CampaignService campaigns, IdeaService ideas) : IEventHandler<CampaignSettled>
{
    public async Task HandleAsync(CampaignSettled e, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(e.CampaignId, ct);
        var idea = await ideas.GetAsync(e.IdeaId, null, isOperator: true, ct);
        // Quantity: the units pledged when the campaign closed; the outcome is in the dedupe key's tail for the record.
        await signals.RecordAsync(
            [new ServerSignal(DemandEventTypes.Campaign, $"campaign:{e.CampaignId}:{e.Outcome}", e.At, ShopId: campaign.ShopId,
                ProductId: e.ProductId, Category: idea.Category, Quantity: e.PledgedUnits)], ct);
    }
}
