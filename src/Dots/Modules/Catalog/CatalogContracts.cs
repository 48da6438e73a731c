using Dots.Infrastructure;

namespace Dots.Modules.Catalog;

public sealed record CreateShopRequest(string? Name, string? Description, string? Category = null, string? Currency = null, string? TimeZone = null);

public sealed record ShopDto(string Id, string Name, string Description, string? Category, string Currency, string TimeZone, string OwnerId, DateTimeOffset CreatedAt);

public sealed record VariantRequest(string? Sku, Dictionary<string, string>? Options, MoneyDto? Price, int? Stock);

public sealed record CreateProductRequest(
    string? Title,
    string? Description,
    string? Category,
    List<string>? Tags,
    List<VariantRequest>? Variants,
    string? TitleKo = null,
    string? DescriptionKo = null,
    bool? Publish = null);

public sealed record UpdateProductRequest(string? Title, string? Description, string? Category, List<string>? Tags, string? TitleKo = null, string? DescriptionKo = null);

public sealed record UpdateStockRequest(int? Stock);

public sealed record UpdateVariantRequest(MoneyDto? Price, Dictionary<string, string>? Options);

public sealed record VariantDto(string Id, string Sku, Dictionary<string, string> Options, MoneyDto Price, int Stock);

public sealed record ImageDto(string Id, string Url, string Alt);

public sealed record ProductDto(
    string Id,
    string ShopId,
    string ShopName,
    string Title,
    string Description,
    string? TitleKo,
    string? DescriptionKo,
    string Category,
    IReadOnlyList<string> Tags,
    string Status,
    MoneyDto Price,
    int SoldUnits,
    IReadOnlyList<VariantDto> Variants,
    IReadOnlyList<ImageDto> Images,
    DateTimeOffset CreatedAt,
    ProductOriginDto? Origin = null);

/// <summary>A product born from a co-creation idea: the page says "born from an idea by {AuthorName}" and links to the idea.</summary>
public sealed record ProductOriginDto(string IdeaId, string AuthorName);

public sealed record ProductSummaryDto(
    string Id,
    string ShopId,
    string ShopName,
    string Title,
    string? TitleKo,
    string Category,
    MoneyDto Price,
    bool InStock,
    int SoldUnits,
    string? ImageUrl,
    DateTimeOffset CreatedAt);

public sealed record CategoryDto(string Slug, string Name, string NameKo);

public sealed record ProductQuery(
    string? Q = null,
    string? Category = null,
    string? ShopId = null,
    decimal? MinPrice = null,
    decimal? MaxPrice = null,
    string? Sort = null,
    int? Page = null,
    int? PageSize = null);
