using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>Shops and products: the one place their rules live, shared by the API, the web UI and the CLI.</summary>
/// <remarks>
/// Text queries rank on <see cref="ProductSearchEngine"/> (ADR 0016) when it is registered; without it (the bench's
/// baseline) they use the database's own full-text search through <see cref="IProductSearch"/>. A registered
/// <see cref="ISearchPersonalizer"/> re-orders relevance-sorted results within a match tier.
/// </remarks>
public sealed class CatalogService(DotsDbContext db, IProductSearch search, TimeProvider clock, IServiceProvider services, ProductSearchEngine? engine = null)
{
    public const int MaxVariants = 100;

    public async Task<ShopDto> OpenShopAsync(string ownerId, CreateShopRequest request, CancellationToken ct)
    {
        var currency = string.IsNullOrWhiteSpace(request.Currency) ? "KRW" : request.Currency.Trim().ToUpperInvariant();
        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? "Asia/Seoul" : request.TimeZone.Trim();
        var v = new Validation()
            .RequireText(request.Name, "name", 100)
            .Require((request.Description?.Length ?? 0) <= 2000, "description", "The description must be at most 2000 characters.")
            .Require(Currencies.IsKnown(currency), "currency", $"Unknown currency '{currency}'.")
            .Require(TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _), "timeZone", $"Unknown time zone '{timeZone}'.");
        if (request.Category is not null && !await db.Categories.AnyAsync(c => c.Slug == request.Category, ct))
        {
            v.Add("category", $"Unknown category '{request.Category}'.");
        }
        v.ThrowIfInvalid();

        var shop = new Shop
        {
            Id = Ids.New(),
            OwnerId = ownerId,
            Name = request.Name!.Trim(),
            Description = request.Description?.Trim() ?? "",
            Category = request.Category,
            Currency = currency,
            TimeZone = timeZone,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Shops.Add(shop);
        await db.SaveChangesAsync(ct);
        return ToDto(shop);
    }

    public async Task<ShopDto> GetShopAsync(string shopId, CancellationToken ct) =>
        ToDto(await db.Shops.AsNoTracking().FirstOrDefaultAsync(s => s.Id == shopId, ct) ?? throw ShopNotFound(shopId));

    public async Task<Paged<ShopDto>> ListShopsAsync(int? page, int? pageSize, CancellationToken ct)
    {
        var (p, s) = Paging.Normalize(page, pageSize);
        var query = db.Shops.AsNoTracking().OrderBy(x => x.Name);
        var total = await query.CountAsync(ct);
        var items = await query.Skip((p - 1) * s).Take(s).ToListAsync(ct);
        return new Paged<ShopDto>(items.Select(ToDto).ToList(), total, p, s);
    }

    public async Task<IReadOnlyList<ShopDto>> ShopsOwnedByAsync(string userId, CancellationToken ct) =>
        (await db.Shops.AsNoTracking().Where(s => s.OwnerId == userId).OrderBy(s => s.CreatedAt).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<IReadOnlyList<CategoryDto>> CategoriesAsync(CancellationToken ct) =>
        await db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).Select(c => new CategoryDto(c.Slug, c.Name, c.NameKo)).ToListAsync(ct);

    /// <summary>The shop, if the user owns it: 404 when it does not exist, 403 when it is someone else's.</summary>
    public async Task<ShopDto> RequireOwnedShopAsync(string shopId, string userId, CancellationToken ct) =>
        ToDto(await OwnedShopAsync(shopId, userId, ct));

    internal async Task<Shop> OwnedShopAsync(string shopId, string userId, CancellationToken ct)
    {
        var shop = await db.Shops.FirstOrDefaultAsync(s => s.Id == shopId, ct) ?? throw ShopNotFound(shopId);
        return shop.OwnerId == userId ? shop : throw new ForbiddenException("Only the shop's owner can do this.");
    }

    public Task<ProductDto> CreateProductAsync(string shopId, string userId, CreateProductRequest request, CancellationToken ct) =>
        CreateProductAsync(shopId, userId, request, null, ct);

    /// <summary>
    /// Creates a product born from a co-creation idea (the owner of <paramref name="shopId"/> acting). Idempotent per idea
    /// and shop: when the shop already has the idea's product, that product is returned and nothing is created.
    /// </summary>
    public async Task<ProductDto> CreateProductFromIdeaAsync(string shopId, string userId, CreateProductRequest request, ProductOriginDto origin, CancellationToken ct)
    {
        new Validation().RequireText(origin.IdeaId, "originIdeaId", 32).RequireText(origin.AuthorName, "originAuthor", 100).ThrowIfInvalid();
        var existing = await db.Products.AsNoTracking().Where(p => p.ShopId == shopId && p.OriginIdeaId == origin.IdeaId).Select(p => p.Id).FirstOrDefaultAsync(ct);
        return existing is not null ? await GetProductAsync(existing, userId, ct) : await CreateProductAsync(shopId, userId, request, origin, ct);
    }

    private async Task<ProductDto> CreateProductAsync(string shopId, string userId, CreateProductRequest request, ProductOriginDto? origin, CancellationToken ct)
    {
        var shop = await OwnedShopAsync(shopId, userId, ct);
        var v = new Validation();
        await ValidateProductTextAsync(v, request.Title, request.Description, request.Category, request.Tags, request.TitleKo, request.DescriptionKo, ct);
        var variants = request.Variants ?? [];
        v.Require(variants.Count > 0, "variants", "A product needs at least one variant.");
        v.Require(variants.Count <= MaxVariants, "variants", $"A product can have at most {MaxVariants} variants.");
        for (var i = 0; i < variants.Count; i++)
        {
            if (variants[i] is null)
            {
                v.Add($"variants[{i}]", "The variant is empty.");
                continue;
            }
            ValidateVariant(v, $"variants[{i}]", variants[i], shop.Currency);
        }
        var skus = variants.Where(x => x is not null).Select(x => x.Sku?.Trim()).Where(x => !string.IsNullOrEmpty(x)).ToList();
        foreach (var duplicate in skus.GroupBy(x => x, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            v.Add("variants", $"The SKU '{duplicate.Key}' appears more than once.");
        }
        v.ThrowIfInvalid();
        await EnsureSkusFreeAsync(shop.Id, skus!, ct);

        var now = clock.GetUtcNow();
        var product = new Product
        {
            Id = Ids.New(),
            ShopId = shop.Id,
            Title = request.Title!.Trim(),
            Description = request.Description?.Trim() ?? "",
            TitleKo = Blank(request.TitleKo),
            DescriptionKo = Blank(request.DescriptionKo),
            Category = request.Category!,
            Tags = CleanTags(request.Tags),
            Status = request.Publish == false ? ProductStatus.Draft : ProductStatus.Published,
            Currency = shop.Currency,
            OriginIdeaId = origin?.IdeaId,
            OriginAuthor = origin?.AuthorName,
            CreatedAt = now,
            UpdatedAt = now,
        };
        product.Variants = variants.Select(x => new Variant
        {
            Id = Ids.New(),
            ProductId = product.Id,
            ShopId = shop.Id,
            Sku = x.Sku!.Trim(),
            Options = x.Options ?? [],
            Price = x.Price!.Amount,
            Currency = shop.Currency,
            Stock = x.Stock ?? 0,
        }).ToList();
        product.RefreshPrice();
        db.Products.Add(product);
        await SaveUniqueSkusAsync(ct);
        engine?.Invalidate();
        return await GetProductAsync(product.Id, userId, ct);
    }

    public async Task<ProductDto> UpdateProductAsync(string productId, string userId, UpdateProductRequest request, CancellationToken ct)
    {
        var product = await RequireOwnedProductAsync(productId, userId, ct);
        var v = new Validation();
        await ValidateProductTextAsync(v, request.Title, request.Description, request.Category, request.Tags, request.TitleKo, request.DescriptionKo, ct);
        v.ThrowIfInvalid();
        product.Title = request.Title!.Trim();
        product.Description = request.Description?.Trim() ?? "";
        product.TitleKo = Blank(request.TitleKo);
        product.DescriptionKo = Blank(request.DescriptionKo);
        product.Category = request.Category!;
        product.Tags = CleanTags(request.Tags);
        product.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        engine?.Invalidate();
        return await GetProductAsync(product.Id, userId, ct);
    }

    public async Task<ProductDto> SetPublishedAsync(string productId, string userId, bool published, CancellationToken ct)
    {
        var product = await RequireOwnedProductAsync(productId, userId, ct);
        product.Status = published ? ProductStatus.Published : ProductStatus.Draft;
        product.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        engine?.Invalidate();
        return await GetProductAsync(product.Id, userId, ct);
    }

    public async Task<ProductDto> AddVariantAsync(string productId, string userId, VariantRequest request, CancellationToken ct)
    {
        var product = await RequireOwnedProductAsync(productId, userId, ct);
        var v = new Validation();
        ValidateVariant(v, "", request, product.Currency);
        v.Require(product.Variants.Count < MaxVariants, "variants", $"A product can have at most {MaxVariants} variants.");
        v.ThrowIfInvalid();
        await EnsureSkusFreeAsync(product.ShopId, [request.Sku!.Trim()], ct);
        var variant = new Variant
        {
            Id = Ids.New(),
            ProductId = product.Id,
            ShopId = product.ShopId,
            Sku = request.Sku!.Trim(),
            Options = request.Options ?? [],
            Price = request.Price!.Amount,
            Currency = product.Currency,
            Stock = request.Stock ?? 0,
        };
        db.Variants.Add(variant);
        product.Variants.Add(variant);
        product.RefreshPrice();
        product.UpdatedAt = clock.GetUtcNow();
        await SaveUniqueSkusAsync(ct);
        engine?.Invalidate();
        return await GetProductAsync(product.Id, userId, ct);
    }

    public async Task<ProductDto> UpdateVariantAsync(string productId, string variantId, string userId, UpdateVariantRequest request, CancellationToken ct)
    {
        var product = await RequireOwnedProductAsync(productId, userId, ct);
        var variant = product.Variants.FirstOrDefault(x => x.Id == variantId) ?? throw VariantNotFound(variantId);
        var v = new Validation();
        if (request.Price is not null)
        {
            ValidatePrice(v, "price", request.Price, product.Currency);
        }
        ValidateOptions(v, "options", request.Options);
        v.ThrowIfInvalid();
        if (request.Price is not null)
        {
            variant.Price = request.Price.Amount;
        }
        if (request.Options is not null)
        {
            variant.Options = request.Options;
        }
        product.RefreshPrice();
        product.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        engine?.Invalidate();
        return await GetProductAsync(product.Id, userId, ct);
    }

    /// <summary>Sets the units available to sell now (a stock count after a delivery or an inventory check).</summary>
    public async Task<VariantDto> SetStockAsync(string productId, string variantId, string userId, UpdateStockRequest request, CancellationToken ct)
    {
        new Validation()
            .Require(request.Stock is not null, "stock", "The stock is required.")
            .Require(request.Stock is null or (>= 0 and <= 1_000_000), "stock", "The stock must be between 0 and 1,000,000.")
            .ThrowIfInvalid();
        var product = await RequireOwnedProductAsync(productId, userId, ct);
        var variant = product.Variants.FirstOrDefault(x => x.Id == variantId) ?? throw VariantNotFound(variantId);
        // A single-statement write, so it cannot interleave badly with a checkout's conditional decrement.
        await db.Variants.Where(x => x.Id == variant.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, request.Stock!.Value), ct);
        return new VariantDto(variant.Id, variant.Sku, variant.Options, MoneyDto.Of(variant.Price, variant.Currency), request.Stock!.Value);
    }

    /// <summary>A product as a shopper sees it; drafts are visible to their owner only (404 for everyone else).</summary>
    public async Task<ProductDto> GetProductAsync(string productId, string? userId, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking()
            .Include(p => p.Variants)
            .Include(p => p.Images)
            .AsSplitQuery()
            .FirstOrDefaultAsync(p => p.Id == productId, ct) ?? throw ProductNotFound(productId);
        var shop = await db.Shops.AsNoTracking().FirstAsync(s => s.Id == product.ShopId, ct);
        if (product.Status != ProductStatus.Published && shop.OwnerId != userId)
        {
            throw ProductNotFound(productId);
        }
        return ToDto(product, shop.Name);
    }

    private const decimal MaxPriceFilter = 1_000_000_000_000m;

    public async Task<Paged<ProductSummaryDto>> SearchAsync(ProductQuery query, CancellationToken ct, SearchCaller? caller = null)
    {
        var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
        var sort = string.IsNullOrWhiteSpace(query.Sort) ? (string.IsNullOrWhiteSpace(query.Q) ? "popular" : "relevance") : query.Sort.Trim().ToLowerInvariant();
        new Validation()
            .Require(sort is "relevance" or "newest" or "price-asc" or "price-desc" or "popular", "sort", "The sort must be one of relevance, newest, price-asc, price-desc, popular.")
            .Require(query.MinPrice is null or >= 0, "minPrice", "The minPrice cannot be negative.")
            // Far above any price (at most 1,000,000,000) and inside what both databases compare exactly.
            .Require(query.MinPrice is null or <= MaxPriceFilter, "minPrice", $"The minPrice must be at most {MaxPriceFilter}.")
            .Require(query.MaxPrice is null or (>= 0 and <= MaxPriceFilter), "maxPrice", $"The maxPrice must be between 0 and {MaxPriceFilter}.")
            .Require(query.MaxPrice is null || query.MinPrice is null || query.MaxPrice >= query.MinPrice, "maxPrice", "The maxPrice must not be below minPrice.")
            .Require((query.Q?.Length ?? 0) <= 200, "q", "The query must be at most 200 characters.")
            .ThrowIfInvalid();

        var products = db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Published);
        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            products = products.Where(p => p.Category == query.Category);
        }
        if (!string.IsNullOrWhiteSpace(query.ShopId))
        {
            products = products.Where(p => p.ShopId == query.ShopId);
        }
        if (query.MinPrice is { } min)
        {
            products = products.Where(p => p.PriceFrom >= min);
        }
        if (query.MaxPrice is { } max)
        {
            products = products.Where(p => p.PriceFrom <= max);
        }

        List<Product> pageItems;
        int total;
        if (!string.IsNullOrWhiteSpace(query.Q) && engine is not null && sort == "relevance" && query.MinPrice is null && query.MaxPrice is null)
        {
            // Ranked in memory (category and shop filtered there too); only the page's products are read.
            var index = await engine.IndexAsync(db, ct);
            var ranked = await PersonalizeAsync(index.Search(query.Q, Blank(query.Category), Blank(query.ShopId), engine.Options.MaxMatches), caller, ct);
            var pageIds = ranked.Skip((page - 1) * pageSize).Take(pageSize).Select(h => h.Document.Id).ToList();
            var loaded = await products.Where(p => pageIds.Contains(p.Id)).Include(p => p.Images).ToDictionaryAsync(p => p.Id, ct);
            total = ranked.Count;
            pageItems = pageIds.Select(id => loaded.GetValueOrDefault(id)).OfType<Product>().ToList();
        }
        else if (!string.IsNullOrWhiteSpace(query.Q))
        {
            // The engine ranks; the filters then narrow its best 1,000 hits.
            var rank = new Dictionary<string, double>();
            if (engine is not null)
            {
                var index = await engine.IndexAsync(db, ct);
                foreach (var hit in index.Search(query.Q, limit: engine.Options.MaxMatches))
                {
                    rank.TryAdd(hit.Document.Id, hit.Tier * 100 + hit.Score);
                }
            }
            else
            {
                foreach (var hit in await search.SearchAsync(query.Q, 1000, ct))
                {
                    rank.TryAdd(hit.ProductId, hit.Rank);
                }
            }
            var ids = rank.Keys.ToList();
            var matched = await products.Where(p => ids.Contains(p.Id)).Include(p => p.Images).ToListAsync(ct);
            IEnumerable<Product> ordered = sort switch
            {
                "newest" => matched.OrderByDescending(p => p.CreatedAt),
                "price-asc" => matched.OrderBy(p => p.PriceFrom),
                "price-desc" => matched.OrderByDescending(p => p.PriceFrom),
                "popular" => matched.OrderByDescending(p => p.SoldUnits),
                _ => matched.OrderByDescending(p => rank[p.Id]).ThenByDescending(p => p.SoldUnits),
            };
            total = matched.Count;
            pageItems = ordered.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        }
        else
        {
            products = sort switch
            {
                "newest" => products.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id),
                "price-asc" => products.OrderBy(p => p.PriceFrom).ThenBy(p => p.Id),
                "price-desc" => products.OrderByDescending(p => p.PriceFrom).ThenBy(p => p.Id),
                _ => products.OrderByDescending(p => p.SoldUnits).ThenBy(p => p.Id),
            };
            total = await products.CountAsync(ct);
            pageItems = await products.Skip((page - 1) * pageSize).Take(pageSize).Include(p => p.Images).ToListAsync(ct);
        }

        var items = await SummariesAsync(pageItems, ct);
        return new Paged<ProductSummaryDto>(items, total, page, pageSize);
    }

    /// <summary>Published products as list items, in the order of the ids given (unknown or unpublished ids are skipped).</summary>
    public async Task<IReadOnlyList<ProductSummaryDto>> SummariesAsync(IReadOnlyList<string> productIds, CancellationToken ct)
    {
        var ids = productIds.ToList();
        var loaded = await db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Published && ids.Contains(p.Id)).Include(p => p.Images).ToDictionaryAsync(p => p.Id, ct);
        return await SummariesAsync(ids.Select(id => loaded.GetValueOrDefault(id)).OfType<Product>().ToList(), ct);
    }

    private async Task<List<ProductSummaryDto>> SummariesAsync(List<Product> pageItems, CancellationToken ct)
    {
        var shopIds = pageItems.Select(p => p.ShopId).Distinct().ToList();
        var shopNames = await db.Shops.AsNoTracking().Where(s => shopIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var productIds = pageItems.Select(p => p.Id).ToList();
        var inStock = (await db.Variants.AsNoTracking().Where(x => productIds.Contains(x.ProductId) && x.Stock > 0)
            .Select(x => x.ProductId).Distinct().ToListAsync(ct)).ToHashSet();
        return pageItems.Select(p => new ProductSummaryDto(
            p.Id, p.ShopId, shopNames.GetValueOrDefault(p.ShopId, ""), p.Title, p.TitleKo, p.Category,
            MoneyDto.Of(p.PriceFrom, p.Currency), inStock.Contains(p.Id), p.SoldUnits,
            p.Images.OrderBy(i => i.SortOrder).Select(i => ImageUrl(i.FileName)).FirstOrDefault(), p.CreatedAt)).ToList();
    }

    /// <summary>
    /// Lets the personalizer (when one is registered) re-order matches within their tier: a personal score in [0, 1]
    /// lifts a match's relevance by at most a quarter, so an exact title match never falls below a fuzzier one.
    /// </summary>
    private async Task<IReadOnlyList<RankedHit>> PersonalizeAsync(IReadOnlyList<RankedHit> ranked, SearchCaller? caller, CancellationToken ct)
    {
        // Resolved per call, not injected: the personalizer learns from orders, and Ordering depends on Catalog.
        var personalizer = ranked.Count < 2 || (caller?.UserId is null && caller?.SessionId is null) ? null : services.GetService<ISearchPersonalizer>();
        if (personalizer is null || caller is null)
        {
            return ranked;
        }
        var head = ranked.Take(200).ToList();
        var scores = await personalizer.ScoreAsync(caller.UserId, caller.SessionId,
            head.Select(h => new SearchCandidate(h.Document.Id, h.Document.ShopId, h.Score, h.ExactTitleMatch)).ToList(), ct);
        if (scores.Count == 0)
        {
            return ranked;
        }
        var reordered = head
            .OrderByDescending(h => h.Tier)
            .ThenByDescending(h => h.Score * (1 + 0.25 * Math.Clamp(scores.GetValueOrDefault(h.Document.Id), 0, 1)))
            .ThenByDescending(h => h.Document.SoldUnits)
            .ToList();
        reordered.AddRange(ranked.Skip(200));
        return reordered;
    }

    public async Task<Product> RequireOwnedProductAsync(string productId, string userId, CancellationToken ct)
    {
        var product = await db.Products.Include(p => p.Variants).FirstOrDefaultAsync(p => p.Id == productId, ct) ?? throw ProductNotFound(productId);
        var ownerId = await db.Shops.Where(s => s.Id == product.ShopId).Select(s => s.OwnerId).FirstAsync(ct);
        if (ownerId != userId)
        {
            // Drafts are invisible to others, published products only forbidden to change.
            throw product.Status == ProductStatus.Published ? new ForbiddenException("Only the shop's owner can change its products.") : ProductNotFound(productId);
        }
        return product;
    }

    public static string ImageUrl(string fileName) => "/media/" + fileName;

    internal static ShopDto ToDto(Shop s) => new(s.Id, s.Name, s.Description, s.Category, s.Currency, s.TimeZone, s.OwnerId, s.CreatedAt);

    public static ProductDto ToDto(Product p, string shopName) => new(
        p.Id, p.ShopId, shopName, p.Title, p.Description, p.TitleKo, p.DescriptionKo, p.Category, p.Tags, p.Status.ToString(),
        MoneyDto.Of(p.PriceFrom, p.Currency), p.SoldUnits,
        p.Variants.OrderBy(v => v.Price).ThenBy(v => v.Sku, StringComparer.Ordinal)
            .Select(v => new VariantDto(v.Id, v.Sku, v.Options, MoneyDto.Of(v.Price, v.Currency), v.Stock)).ToList(),
        p.Images.OrderBy(i => i.SortOrder).Select(i => new ImageDto(i.Id, ImageUrl(i.FileName), i.Alt)).ToList(),
        p.CreatedAt,
        p.OriginIdeaId is null ? null : new ProductOriginDto(p.OriginIdeaId, p.OriginAuthor ?? ""));

    private async Task ValidateProductTextAsync(Validation v, string? title, string? description, string? category, List<string>? tags, string? titleKo, string? descriptionKo, CancellationToken ct)
    {
        v.RequireText(title, "title", 200)
            .Require((description?.Length ?? 0) <= 5000, "description", "The description must be at most 5000 characters.")
            .Require((titleKo?.Length ?? 0) <= 200, "titleKo", "The Korean title must be at most 200 characters.")
            .Require((descriptionKo?.Length ?? 0) <= 5000, "descriptionKo", "The Korean description must be at most 5000 characters.")
            .Require((tags?.Count ?? 0) <= 20, "tags", "A product can have at most 20 tags.")
            .Require(tags is null || tags.All(t => !string.IsNullOrWhiteSpace(t) && t.Length <= 40), "tags", "Each tag must be 1 to 40 characters.");
        if (string.IsNullOrWhiteSpace(category))
        {
            v.Add("category", "The category is required.");
        }
        else if (!await db.Categories.AnyAsync(c => c.Slug == category, ct))
        {
            v.Add("category", $"Unknown category '{category}'.");
        }
    }

    /// <summary>At most 5 options, names 1–30 and values 1–60 characters: an order line's options text fits (468 at most).</summary>
    private static void ValidateOptions(Validation v, string field, Dictionary<string, string>? options) =>
        v.Require((options?.Count ?? 0) <= 5, field, "A variant can have at most 5 options.")
            .Require(options is null || options.All(o => o.Key.Length is > 0 and <= 30 && o.Value is { Length: > 0 and <= 60 }), field, "Option names must be 1 to 30 characters and values 1 to 60.");

    private static void ValidateVariant(Validation v, string prefix, VariantRequest variant, string currency)
    {
        var p = prefix.Length == 0 ? "" : prefix + ".";
        v.RequireText(variant.Sku, p + "sku", 64, "SKU")
            .Require(variant.Stock is null or (>= 0 and <= 1_000_000), p + "stock", "The stock must be between 0 and 1,000,000.");
        ValidateOptions(v, p + "options", variant.Options);
        ValidatePrice(v, p + "price", variant.Price, currency);
    }

    private static void ValidatePrice(Validation v, string field, MoneyDto? price, string currency)
    {
        if (price is null)
        {
            v.Add(field, "The price is required.");
            return;
        }
        v.Require(price.Amount > 0 && price.Amount <= 1_000_000_000m, field + ".amount", "The price must be more than 0 and at most 1,000,000,000.")
            .Require(string.Equals(price.Currency, currency, StringComparison.Ordinal), field + ".currency", $"The shop sells in {currency}.")
            .Require(Currencies.FitsMinorUnit(price.Amount, currency), field + ".amount", $"{currency} allows {Currencies.MinorDigits(currency)} decimal places.");
    }

    private async Task EnsureSkusFreeAsync(string shopId, IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var taken = await db.Variants.AsNoTracking().Where(x => x.ShopId == shopId && skus.Contains(x.Sku)).Select(x => x.Sku).ToListAsync(ct);
        if (taken.Count > 0)
        {
            throw new RequestValidationException("variants", $"The SKU '{taken[0]}' is already used in this shop.");
        }
    }

    /// <summary>Two concurrent creates can both pass the SKU check; the unique index settles it.</summary>
    private async Task SaveUniqueSkusAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("A SKU in this request was just taken by another product of the shop.");
        }
    }

    private static List<string> CleanTags(List<string>? tags) =>
        (tags ?? []).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static NotFoundException ShopNotFound(string id) => new($"No shop with id '{id}'.");

    public static NotFoundException ProductNotFound(string id) => new($"No product with id '{id}'.");

    private static NotFoundException VariantNotFound(string id) => new($"No variant with id '{id}' in this product.");
}
