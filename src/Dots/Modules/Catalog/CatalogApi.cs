using Dots.Infrastructure.Events;
using Dots.Infrastructure;
using Dots.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Modules.Catalog;

public static class CatalogApi
{
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddScoped<IProductSearch, ProductSearch>();
        services.AddScoped<CatalogService>();
        services.AddScoped<StockService>();
        services.AddSingleton<SellableVariantReads>();
        services.AddScoped<SalesCounter>();
        services.AddDomainEvent<StockDepleted>();
        services.AddScoped<Dots.Modules.Identity.IUserShops, UserShops>();
        services.AddScoped<ProductImages>();
        services.AddScoped<ShopCatalog>();
        services.AddScoped<CatalogFeed>();
        services.AddMemoryCache();
        services.AddSingleton<StorefrontCache>();
        services.AddCatalogSearch();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        app.MapCatalogWebActions();
        app.MapCatalogSearch();
        var api = app.MapGroup("/api").WithTags("Catalog");

        api.MapGet("/categories", ListCategories).WithName("ListCategories")
            .WithSummary("List the product categories")
            .WithDescription("A product's or shop's `category` is one of these slugs.");
        api.MapGet("/shops", ListShops).WithName("ListShops")
            .WithSummary("List the shops")
            .ProducesValidationProblem();
        api.MapGet("/shops/{shopId}", GetShop).WithName("GetShop")
            .WithSummary("Get a shop")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/shops", OpenShop).RequireAuthorization().WithName("OpenShop")
            .WithSummary("Open a shop")
            .WithDescription("Any signed-in user may open shops; the caller becomes the shop's owner.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/shops/{shopId}/products", CreateProduct).RequireAuthorization().WithName("CreateProduct")
            .WithSummary("Create a product in a shop")
            .WithDescription("Only the shop's owner. The product starts as a draft with its variants and stock.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);

        api.MapGet("/products", SearchProducts).WithName("SearchProducts")
            .WithSummary("Search the published products")
            .WithDescription("Relevance-ranked when `q` is given; each item carries its lowest variant price.")
            .ProducesValidationProblem();
        api.MapGet("/products/{id}", GetProduct).WithName("GetProduct")
            .WithSummary("Get a product")
            .WithDescription("`variants[].stock` is the units available to sell now. A draft is visible to its shop's owner only (404 for anyone else).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/products/{id}", UpdateProduct).RequireAuthorization().WithName("UpdateProduct")
            .WithSummary("Update a product's texts and category")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/products/{id}/publish", Publish).RequireAuthorization().WithName("PublishProduct")
            .WithSummary("Publish a product")
            .WithDescription("Makes the product visible and sellable (shop owner only).")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPost("/products/{id}/unpublish", Unpublish).RequireAuthorization().WithName("UnpublishProduct")
            .WithSummary("Unpublish a product")
            .WithDescription("Takes the product back to draft (shop owner only).")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        api.MapPost("/products/{id}/variants", AddVariant).RequireAuthorization().WithName("AddVariant")
            .WithSummary("Add a variant to a product")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        api.MapPut("/products/{id}/variants/{variantId}", UpdateVariant).RequireAuthorization().WithName("UpdateVariant")
            .WithSummary("Update a variant")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        api.MapPut("/products/{id}/variants/{variantId}/stock", SetStock).RequireAuthorization().WithName("SetStock")
            .WithSummary("Set a variant's stock")
            .WithDescription("Sets the units on the shelf (shop owner only).")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/products/{id}/images", UploadImage).RequireAuthorization().DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ProductImages.MaxBytes + 64 * 1024))
            .WithName("UploadProductImage")
            .WithSummary("Upload a product image")
            .WithDescription("A multipart form with the image in `file` (PNG, JPEG, GIF or WebP) and an optional `alt` text (shop owner only).")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<CategoryDto>>> ListCategories(CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.CategoriesAsync(ct));

    private static async Task<Ok<Paged<ShopDto>>> ListShops(CatalogService catalog, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await catalog.ListShopsAsync(page, pageSize, ct));

    private static async Task<Ok<ShopDto>> GetShop(string shopId, CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetShopAsync(shopId, ct));

    private static async Task<Created<ShopDto>> OpenShop(CreateShopRequest request, CatalogService catalog, HttpContext http, CancellationToken ct)
    {
        var shop = await catalog.OpenShopAsync(http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/shops/{shop.Id}", shop);
    }

    private static async Task<Created<ProductDto>> CreateProduct(string shopId, CreateProductRequest request, CatalogService catalog, HttpContext http, CancellationToken ct)
    {
        var product = await catalog.CreateProductAsync(shopId, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/products/{product.Id}", product);
    }

    private static async Task<Ok<Paged<ProductSummaryDto>>> SearchProducts(
        CatalogService catalog, HttpContext http, CancellationToken ct, string? q = null, string? category = null, string? shopId = null,
        decimal? minPrice = null, decimal? maxPrice = null, string? sort = null, int? page = null, int? pageSize = null) =>
        TypedResults.Ok(await catalog.SearchAsync(new ProductQuery(q, category, shopId, minPrice, maxPrice, sort, page, pageSize), ct, SearchApi.Caller(http)));

    private static async Task<Ok<ProductDto>> GetProduct(string id, CatalogService catalog, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetProductAsync(id, http.User.UserIdOrNull(), ct));

    private static async Task<Ok<ProductDto>> UpdateProduct(string id, UpdateProductRequest request, CatalogService catalog, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await catalog.UpdateProductAsync(id, http.User.UserId(), request, ct));

    private static async Task<Ok<ProductDto>> Publish(string id, CatalogService catalog, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await catalog.SetPublishedAsync(id, http.User.UserId(), true, ct));

    private static async Task<Ok<ProductDto>> Unpublish(string id, CatalogService catalog, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await catalog.SetPublishedAsync(id, http.User.UserId(), false, ct));

    private static async Task<Created<ProductDto>> AddVariant(string id, VariantRequest request, CatalogService catalog, HttpContext http, CancellationToken ct)
    {
        var product = await catalog.AddVariantAsync(id, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/products/{product.Id}", product);
    }

    private static async Task<Ok<ProductDto>> UpdateVariant(string id, string variantId, UpdateVariantRequest request, CatalogService catalog, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await catalog.UpdateVariantAsync(id, variantId, http.User.UserId(), request, ct));

    private static async Task<Ok<VariantDto>> SetStock(string id, string variantId, UpdateStockRequest request, CatalogService catalog, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await catalog.SetStockAsync(id, variantId, http.User.UserId(), request, ct));

    private static async Task<Created<ImageDto>> UploadImage(string id, IFormFile? file, [FromForm] string? alt, ProductImages images, HttpContext http, CancellationToken ct)
    {
        var image = await images.AddAsync(id, http.User.UserId(), file, alt, ct);
        return TypedResults.Created(image.Url, image);
    }
}
