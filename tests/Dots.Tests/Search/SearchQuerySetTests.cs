using Dots.Cli;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Search;

public sealed class DemoPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Seed:Demo"] = "true" };
}

/// <summary>The labelled query set (the bench's) on the demo marketplace, on the provider under test: quality, not speed.</summary>
public sealed class SearchQuerySetTests(DemoPlatform platform) : IClassFixture<DemoPlatform>
{
    [Fact]
    public async Task TheLabelledQuerySet_FindsTheRelevantProducts_AndNothingForNonsense()
    {
        _ = platform.CreateClient(); // starts the app: migrate and seed
        var queries = BenchSearchCommand.LoadQuerySet();
        Assert.True(queries.Count >= 80);
        using var scope = platform.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        var lines = (await db.Products.AsNoTracking().Select(p => new { p.Id, p.Title }).ToListAsync())
            .Select(p => (p.Id, Line: BenchSearchCommand.LineOf(p.Title))).Where(p => p.Line is not null).ToLookup(p => p.Line!, p => p.Id);
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        var failures = new List<string>();
        double ndcg = 0;
        var withRelevant = 0;
        foreach (var q in queries)
        {
            var page = await catalog.SearchAsync(new ProductQuery(q.Query, PageSize: 10), CancellationToken.None);
            var ids = page.Items.Select(i => i.Id).ToList();
            if (q.Lines.Count == 0)
            {
                if (ids.Count > 0)
                {
                    failures.Add($"{q.Class} '{q.Query}' should find nothing but found {page.Items[0].Title}");
                }
                continue;
            }
            var relevant = q.Lines.SelectMany(l => lines[l]).ToHashSet();
            Assert.True(relevant.Count > 0, $"'{q.Query}' names lines the demo does not have: {string.Join(", ", q.Lines)}");
            withRelevant++;
            var score = BenchSearchCommand.Ndcg10(ids, relevant);
            ndcg += score;
            if (ids.Count == 0 || !relevant.Contains(ids[0]))
            {
                failures.Add($"{q.Class} '{q.Query}': first result {(ids.Count == 0 ? "none" : page.Items[0].Title)}");
            }
        }
        Assert.True(failures.Count <= withRelevant / 50, string.Join("\n", failures)); // at most 2% miss their best result
        Assert.True(ndcg / withRelevant >= 0.9, $"NDCG@10 {ndcg / withRelevant:F3}");
    }
}
