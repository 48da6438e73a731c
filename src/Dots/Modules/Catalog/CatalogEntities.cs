namespace Dots.Modules.Catalog;

public sealed class Shop
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public string? Category { get; set; }
    public string Currency { get; set; } = "KRW";
    public string TimeZone { get; set; } = "Asia/Seoul";
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class Category
{
    public required string Slug { get; init; }
    public required string Name { get; set; }
    public required string NameKo { get; set; }
    public int SortOrder { get; set; }
}

public enum ProductStatus
{
    Draft = 0,
    Published = 1,
}

public sealed class Product
{
    public required string Id { get; init; }
    public required string ShopId { get; init; }
    public required string Title { get; set; }
    public string Description { get; set; } = "";
    /// <summary>Korean title and description; the storefront shows them to Korean readers.</summary>
    public string? TitleKo { get; set; }
    public string? DescriptionKo { get; set; }
    public required string Category { get; set; }
    public List<string> Tags { get; set; } = [];
    public ProductStatus Status { get; set; } = ProductStatus.Published;
    /// <summary>The lowest variant price, kept in step with the variants so lists can sort and filter by price.</summary>
    public decimal PriceFrom { get; set; }
    public string Currency { get; set; } = "KRW";
    public int SoldUnits { get; set; }
    /// <summary>The co-creation idea this product was born from, and its author's name as shown on the product page.</summary>
    public string? OriginIdeaId { get; set; }
    public string? OriginAuthor { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<Variant> Variants { get; set; } = [];
    public List<ProductImage> Images { get; set; } = [];

    public void RefreshPrice()
    {
        if (Variants.Count > 0)
        {
            PriceFrom = Variants.Min(v => v.Price);
        }
    }
}

public sealed class Variant
{
    public required string Id { get; init; }
    public required string ProductId { get; init; }
    public required string ShopId { get; init; }
    public required string Sku { get; set; }
    public Dictionary<string, string> Options { get; set; } = [];
    public decimal Price { get; set; }
    public string Currency { get; set; } = "KRW";
    /// <summary>Units available to sell now; checkout decrements it atomically and never below zero.</summary>
    public int Stock { get; set; }
}

public sealed class ProductImage
{
    public required string Id { get; init; }
    public required string ProductId { get; init; }
    public required string FileName { get; init; }
    public required string ContentType { get; init; }
    public string Alt { get; set; } = "";
    public int SortOrder { get; set; }
}
