using Dots.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Modules.Catalog;

/// <summary>
/// The Catalog module's web actions (upload a product image): plain HTML form posts that answer with a redirect (post/redirect/get), so they work without JavaScript
/// and a reload never repeats them (ADR 0008).
/// </summary>
internal static class CatalogWebActions
{
    public static IEndpointRouteBuilder MapCatalogWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapPost("/sell/{shopId}/products/{productId}/images", UploadImage)
            .WithMetadata(new RequestSizeLimitAttribute(ProductImages.MaxBytes + 64 * 1024));
        return app;
    }

    private static async Task<IResult> UploadImage(
        string shopId, string productId, HttpContext http, ProductImages images, IFormFile? file, [FromForm] string? alt, CancellationToken ct)
    {
        var page = $"/sell/{Uri.EscapeDataString(shopId)}/products/{Uri.EscapeDataString(productId)}";
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(page));
        }
        try
        {
            await images.AddAsync(productId, userId, file, alt, ct);
        }
        catch (Exception e) when (e is RequestValidationException or NotFoundException or ForbiddenException)
        {
            return Results.LocalRedirect(page + "?toast=image-failed");
        }
        return Results.LocalRedirect(page + "?toast=image-added");
    }
}
