using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Personalization;

/// <summary>The demo's first model version, trained on the demo's order history, so the storefront is personal from the first run.</summary>
internal sealed class PersonalizationDemo(DotsDbContext db, ModelTrainer trainer) : IDemoSeedContributor
{
    public async Task SeedAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Set<ModelVersion>().AnyAsync(ct))
        {
            return;
        }
        var result = await trainer.TrainAsync(ct);
        progress?.Report($"Trained recommendation model v{result.Number}: {result.Users} customers, {result.Items} products, holdout Recall@20 {result.HoldoutRecall:F3} (popularity {result.PopularityRecall:F3})");
    }
}
