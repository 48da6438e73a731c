using Dots.Infrastructure;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;

namespace Dots.Modules.Personalization;

/// <summary>The kinds of things "for you" can hold; the API writes them in lower case.</summary>
public static class ItemKinds
{
    public const string Product = "product";
    public const string Idea = "idea";
    public const string Campaign = "campaign";
}

/// <summary>
/// One thing that can be recommended, as its source describes it. <see cref="Available"/> is false for anything that
/// must not be shown now (an unpublished or sold-out product, a closed campaign). <see cref="OwnerId"/> is the user
/// whose own things are never recommended to them (a shop's owner, an idea's author).
/// </summary>
public sealed record RecommendableItem(
    string Kind,
    string Id,
    string Title,
    string? TitleKo,
    string Category,
    string? GroupId,
    string? GroupName,
    string? OwnerId,
    MoneyDto? Price,
    string? ImageUrl,
    string Url,
    bool Available,
    int Popularity,
    string Text);

/// <summary>One past action of a user on a recommendable item: a purchase (an order's lines share a basket) or a backing.</summary>
public sealed record ItemInteraction(string UserId, string Kind, string ItemId, string Basket, DateTimeOffset At);

/// <summary>
/// A source of recommendable items of one kind. Products come from Catalog and Ordering here; co-creation implements
/// this for ideas and campaigns (items and backings), registered with
/// <c>services.AddRecommendableItemSource&lt;T&gt;()</c>; they then join training and "for you" with their kind.
/// </summary>
public interface IRecommendableItemSource
{
    string Kind { get; }

    Task<IReadOnlyList<RecommendableItem>> ItemsAsync(CancellationToken ct);

    Task<IReadOnlyList<ItemInteraction>> InteractionsAsync(CancellationToken ct);
}

public static class RecommendableItemSourceRegistration
{
    public static IServiceCollection AddRecommendableItemSource<TSource>(this IServiceCollection services)
        where TSource : class, IRecommendableItemSource =>
        services.AddScoped<IRecommendableItemSource, TSource>();
}

/// <summary>Products: Catalog's feed (published, in stock, shop and owner) and Ordering's paid order lines.</summary>
internal sealed class ProductItemSource(CatalogFeed feed, OrderService orders) : IRecommendableItemSource
{
    public string Kind => ItemKinds.Product;

    public async Task<IReadOnlyList<RecommendableItem>> ItemsAsync(CancellationToken ct) =>
        [.. (await feed.AllAsync(ct)).Select(p => new RecommendableItem(
            ItemKinds.Product, p.Id, p.Title, p.TitleKo, p.Category, p.ShopId, p.ShopName, p.ShopOwnerId, p.Price,
            p.ImageUrl, "/products/" + p.Id, p.Published && p.InStock, p.SoldUnits,
            $"{p.Title} {p.TitleKo} {p.Category} {string.Join(' ', p.Tags)} {p.Description}"))];

    public async Task<IReadOnlyList<ItemInteraction>> InteractionsAsync(CancellationToken ct) =>
        [.. (await orders.PurchasedLinesAsync(null, null, ct)).Select(l => new ItemInteraction(l.BuyerId, ItemKinds.Product, l.ProductId, l.OrderId, l.PlacedAt))];
}
