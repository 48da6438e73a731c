using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

/// <summary>Image uploads: type checked by content (not by the client's word), size capped, stored in the data directory.</summary>
public sealed class ProductImages(DotsDbContext db, CatalogService catalog, DataPaths paths)
{
    public const long MaxBytes = 5 * 1024 * 1024;

    private static readonly (string ContentType, string Extension, byte[] Magic)[] Formats =
    [
        ("image/png", ".png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/jpeg", ".jpg", [0xFF, 0xD8, 0xFF]),
        ("image/gif", ".gif", "GIF8"u8.ToArray()),
        ("image/webp", ".webp", "RIFF"u8.ToArray()),
    ];

    public async Task<ImageDto> AddAsync(string productId, string userId, IFormFile? file, string? alt, CancellationToken ct)
    {
        var product = await catalog.RequireOwnedProductAsync(productId, userId, ct);
        if (file is null || file.Length == 0)
        {
            throw new RequestValidationException("file", "Attach an image file in the form field 'file'.");
        }
        if (file.Length > MaxBytes)
        {
            throw new RequestValidationException("file", $"The image is {file.Length / 1024} KiB; the limit is {MaxBytes / 1024 / 1024} MiB.");
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, ct);
        }
        var format = Formats.FirstOrDefault(f => bytes.AsSpan().StartsWith(f.Magic)
            && (f.Extension != ".webp" || (bytes.Length > 12 && bytes.AsSpan(8, 4).SequenceEqual("WEBP"u8))));
        if (format.ContentType is null)
        {
            throw new RequestValidationException("file", "The file is not a PNG, JPEG, GIF or WebP image.");
        }

        var image = new ProductImage
        {
            Id = Ids.New(),
            ProductId = product.Id,
            FileName = Ids.New() + format.Extension,
            ContentType = format.ContentType,
            Alt = string.IsNullOrWhiteSpace(alt) ? product.Title : alt.Trim()[..Math.Min(alt.Trim().Length, 200)],
            SortOrder = await db.ProductImages.CountAsync(i => i.ProductId == product.Id, ct),
        };
        await File.WriteAllBytesAsync(Path.Combine(paths.MediaDir, image.FileName), bytes, ct);
        db.ProductImages.Add(image);
        await db.SaveChangesAsync(ct);
        return new ImageDto(image.Id, CatalogService.ImageUrl(image.FileName), image.Alt);
    }
}
