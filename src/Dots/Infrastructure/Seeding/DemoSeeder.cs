using System.Globalization;
using System.Security;
using Dots.Infrastructure.Database;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Infrastructure.Seeding;

/// <summary>
/// Reference data on every start; on a fresh database, a demo marketplace: ten shops, 230+ products with
/// variants and images, and customers with order history, so the storefront looks alive from the first run.
/// </summary>
public sealed class DemoSeeder(DotsDbContext db, UserManager<AppUser> users, DataPaths paths, TimeProvider clock, IOptions<OrderingOptions> ordering, Dots.Modules.Payments.PayoutLedger payouts, ILogger<DemoSeeder> logger)
{
    public const string DemoPassword = "Demo1234";
    public const string DemoCustomerEmail = "demo@dots.local";

    private static readonly (string Label, decimal Factor)[] EditionFactors = [("", 1m), ("Premium ", 1.4m), ("Gift Set: ", 1.8m), ("Everyday ", 0.85m)];

    public async Task EnsureReferenceDataAsync(CancellationToken ct)
    {
        var existing = (await db.Categories.Select(c => c.Slug).ToListAsync(ct)).ToHashSet();
        var order = 0;
        foreach (var c in DemoCatalog.Categories)
        {
            order++;
            if (!existing.Contains(c.Slug))
            {
                db.Categories.Add(new Category { Slug = c.Slug, Name = c.Name, NameKo = c.NameKo, SortOrder = order });
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Seeds the demo marketplace unless the database already has shops. Returns false when it did nothing.</summary>
    public async Task<bool> SeedIfEmptyAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (await db.Shops.AnyAsync(ct))
        {
            return false;
        }
        var random = new Random(20261128);
        var now = clock.GetUtcNow();

        progress?.Report("accounts");
        var sellers = new Dictionary<string, AppUser>();
        foreach (var shop in DemoCatalog.Shops)
        {
            sellers[shop.Slug] = await CreateUserAsync($"{shop.Slug}@dots.local", shop.OwnerName, now.AddDays(-200));
        }
        var customers = new List<AppUser> { await CreateUserAsync(DemoCustomerEmail, "Demo Customer", now.AddDays(-120)) };
        string[] names = ["Seo-jun", "Ha-yoon", "Do-hyun", "Ji-an", "Eun-woo", "Su-ah", "Si-woo", "Ye-jin", "Joon-ho", "Min-seo", "Tae-yang", "Chae-won", "Hyun-woo", "Da-eun", "Sung-min", "Na-rae", "Woo-jin", "Bo-ra", "Jae-hyun", "Yu-jin"];
        for (var i = 0; i < names.Length; i++)
        {
            customers.Add(await CreateUserAsync($"customer{i + 1}@dots.local", names[i], now.AddDays(-100 + i)));
        }

        progress?.Report("shops and products");
        var shops = new Dictionary<string, Shop>();
        foreach (var def in DemoCatalog.Shops)
        {
            var shop = new Shop { Id = Ids.New(), OwnerId = sellers[def.Slug].Id, Name = def.Name, Description = def.Description, Category = def.Category, CreatedAt = now.AddDays(-180) };
            shops[def.Slug] = shop;
            db.Shops.Add(shop);
        }

        var products = new List<Product>();
        foreach (var line in DemoCatalog.Lines)
        {
            var shopDef = ShopFor(line);
            foreach (var (label, factor) in EditionFactors)
            {
                var labelKo = label switch { "Premium " => "프리미엄 ", "Gift Set: " => "선물세트: ", "Everyday " => "데일리 ", _ => "" };
                var created = now.AddDays(-random.Next(1, 170)).AddMinutes(-random.Next(0, 1440));
                var product = new Product
                {
                    Id = Ids.New(),
                    ShopId = shops[shopDef.Slug].Id,
                    Title = label + line.Title,
                    TitleKo = labelKo + line.TitleKo,
                    Description = line.Blurb + (label.Length > 0 ? $" {label.Trim().TrimEnd(':')} edition." : ""),
                    DescriptionKo = line.BlurbKo,
                    Category = line.Category,
                    Tags = [.. line.Tags],
                    Status = ProductStatus.Published,
                    CreatedAt = created,
                    UpdatedAt = created,
                };
                var skuBase = string.Concat(line.Title.Where(char.IsLetter).Take(4)).ToUpperInvariant() + (products.Count + 1).ToString("D3", CultureInfo.InvariantCulture);
                var n = 0;
                foreach (var (value, delta) in line.Options)
                {
                    n++;
                    var price = RoundKrw(line.BasePrice * factor * (1 + delta));
                    product.Variants.Add(new Variant
                    {
                        Id = Ids.New(),
                        ProductId = product.Id,
                        ShopId = product.ShopId,
                        Sku = $"{skuBase}-{n:D2}",
                        Options = new Dictionary<string, string> { [line.OptionName] = value },
                        Price = price,
                        Stock = random.Next(0, 10) == 0 ? 0 : random.Next(5, 120),
                    });
                }
                product.RefreshPrice();
                var fileName = product.Id + ".svg";
                await File.WriteAllTextAsync(Path.Combine(paths.MediaDir, fileName), PlaceholderSvg(line, label, random), ct);
                product.Images.Add(new ProductImage { Id = Ids.New(), ProductId = product.Id, FileName = fileName, ContentType = "image/svg+xml", Alt = product.Title });
                products.Add(product);
                db.Products.Add(product);
            }
        }
        await db.SaveChangesAsync(ct);

        progress?.Report("order history");
        var statuses = new[] { OrderStatus.Delivered, OrderStatus.Delivered, OrderStatus.Delivered, OrderStatus.Shipped, OrderStatus.Packed, OrderStatus.Paid, OrderStatus.Cancelled };
        foreach (var customer in customers)
        {
            var orderCount = random.Next(2, 7);
            for (var k = 0; k < orderCount; k++)
            {
                var placed = now.AddDays(-random.Next(1, 90)).AddMinutes(-random.Next(0, 1440));
                var status = statuses[random.Next(statuses.Length)];
                AddHistoricOrder(customer, products, random, placed, status);
            }
        }
        await db.SaveChangesAsync(ct);
        await BookPayoutsAsync(ct);
        logger.LogInformation("Seeded the demo marketplace: {Shops} shops, {Products} products, {Customers} customers", shops.Count, products.Count, customers.Count);
        return true;
    }

    // Shops' payout lines for the historic orders, booked through Payments' ledger once the orders are saved.
    private readonly List<(string ShopId, string OrderId, string PartId, decimal Subtotal, DateTimeOffset Placed, bool Cancelled)> _bookings = [];

    private async Task BookPayoutsAsync(CancellationToken ct)
    {
        foreach (var b in _bookings)
        {
            await payouts.BookSaleAsync(b.ShopId, b.OrderId, b.PartId, new Money(b.Subtotal, "KRW"), ordering.Value.CommissionRate, ct, b.Placed);
            if (b.Cancelled)
            {
                await payouts.BookRefundAsync(b.ShopId, b.OrderId, b.PartId, "cancel", new Money(b.Subtotal, "KRW"), null, ct, b.Placed.AddHours(2));
            }
        }
        _bookings.Clear();
    }

    private void AddHistoricOrder(AppUser customer, List<Product> products, Random random, DateTimeOffset placed, OrderStatus status)
    {
        var order = new Order
        {
            Id = Ids.New(), BuyerId = customer.Id, Currency = "KRW", Status = status, PlacedAt = placed, UpdatedAt = placed,
            ShippingAddress = new Address { Name = customer.DisplayName ?? "Customer", Line1 = $"{random.Next(1, 300)} Teheran-ro", Line2 = $"Apt {random.Next(100, 2000)}", City = "Seoul", PostalCode = $"06{random.Next(100, 999)}", Phone = $"010-{random.Next(1000, 9999)}-{random.Next(1000, 9999)}", Latitude = 37.50 + random.NextDouble() * 0.08, Longitude = 127.00 + random.NextDouble() * 0.1 },
        };
        var picks = Enumerable.Range(0, random.Next(1, 4)).Select(_ => products[random.Next(products.Count)]).DistinctBy(p => p.Id).ToList();
        foreach (var byShop in picks.GroupBy(p => p.ShopId))
        {
            var fulfillmentId = Ids.New();
            decimal subtotal = 0;
            foreach (var product in byShop)
            {
                var variant = product.Variants[random.Next(product.Variants.Count)];
                var quantity = random.Next(1, 3);
                subtotal += variant.Price * quantity;
                if (status != OrderStatus.Cancelled)
                {
                    product.SoldUnits += quantity;
                }
                order.Lines.Add(new OrderLine
                {
                    Id = Ids.New(), OrderId = order.Id, ShopOrderId = fulfillmentId, ShopId = product.ShopId, ProductId = product.Id, VariantId = variant.Id,
                    Title = product.Title, Sku = variant.Sku, OptionsText = string.Join(", ", variant.Options.Select(o => $"{o.Key}: {o.Value}")),
                    UnitPrice = variant.Price, Quantity = quantity, LineTotal = variant.Price * quantity,
                });
            }
            order.ShopOrders.Add(new ShopOrder { Id = fulfillmentId, OrderId = order.Id, ShopId = byShop.Key, Status = status, Subtotal = subtotal, UpdatedAt = placed });
            _bookings.Add((byShop.Key, order.Id, fulfillmentId, subtotal, placed, status == OrderStatus.Cancelled));
        }
        order.Total = order.ShopOrders.Sum(f => f.Subtotal);
        order.Payments.Add(new PaymentTransaction { Id = Ids.New(), OrderId = order.Id, Kind = PaymentKind.Authorize, Amount = order.Total, Currency = "KRW", GatewayReference = "sbx_seed_auth", At = placed });
        order.Payments.Add(new PaymentTransaction { Id = Ids.New(), OrderId = order.Id, Kind = PaymentKind.Capture, Amount = order.Total, Currency = "KRW", GatewayReference = "sbx_seed_capt", At = placed });
        var timeline = new List<OrderStatus> { OrderStatus.Placed, OrderStatus.Paid };
        if (status == OrderStatus.Cancelled)
        {
            timeline.AddRange([OrderStatus.Cancelled, OrderStatus.Refunded]);
            order.Payments.Add(new PaymentTransaction { Id = Ids.New(), OrderId = order.Id, Kind = PaymentKind.Refund, Amount = order.Total, Currency = "KRW", GatewayReference = "sbx_seed_rfnd", At = placed.AddHours(2) });
        }
        else
        {
            timeline.AddRange(new[] { OrderStatus.Packed, OrderStatus.Shipped, OrderStatus.Delivered }.Where(s => s <= status));
        }
        var at = placed;
        foreach (var step in timeline)
        {
            order.Events.Add(new OrderEvent { Id = Ids.New(), OrderId = order.Id, Status = step, At = at, Note = step.ToString() });
            at = at.AddHours(step == OrderStatus.Paid ? 10 : 14);
        }
        db.Orders.Add(order);
    }

    private async Task<AppUser> CreateUserAsync(string email, string name, DateTimeOffset created)
    {
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = created };
        var result = await users.CreateAsync(user, DemoPassword);
        return result.Succeeded ? user : throw new InvalidOperationException($"Could not create demo user {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }

    private static DemoCatalog.ShopDef ShopFor(DemoCatalog.LineDef line)
    {
        if (line.Category == "fresh-food")
        {
            var bakery = line.Tags.Any(t => t is "bakery" or "bread" or "cookie" or "cake" or "breakfast");
            return DemoCatalog.Shops.First(s => s.Slug == (bakery ? "seoul-bakery" : "jeju-farm"));
        }
        return DemoCatalog.Shops.First(s => s.Category == line.Category);
    }

    private static decimal RoundKrw(decimal amount) => Math.Max(100m, Math.Round(amount / 100m, 0, MidpointRounding.AwayFromZero) * 100m);

    /// <summary>A calm generated product picture: the category's colours, a shape, and the product's initials.</summary>
    private static string PlaceholderSvg(DemoCatalog.LineDef line, string edition, Random random)
    {
        var category = DemoCatalog.Categories.First(c => c.Slug == line.Category);
        var initials = string.Concat(line.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => w[0])).ToUpperInvariant();
        var cx = 200 + random.Next(-40, 40);
        var cy = 190 + random.Next(-30, 30);
        var r = 110 + random.Next(0, 40);
        var angle = random.Next(0, 360).ToString(CultureInfo.InvariantCulture);
        var badge = edition.Length == 0 ? "" : $"""<rect x="24" y="24" rx="14" width="{edition.Trim().TrimEnd(':').Length * 13 + 28}" height="36" fill="#ffffffcc"/><text x="38" y="49" font-family="sans-serif" font-size="18" font-weight="700" fill="{category.Color2}">{SecurityElement.Escape(edition.Trim().TrimEnd(':'))}</text>""";
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">
              <defs><linearGradient id="g" gradientTransform="rotate({angle} .5 .5)"><stop offset="0" stop-color="{category.Color1}"/><stop offset="1" stop-color="{category.Color2}"/></linearGradient></defs>
              <rect width="400" height="400" fill="url(#g)"/>
              <circle cx="{cx}" cy="{cy}" r="{r}" fill="#ffffff" fill-opacity="0.22"/>
              <circle cx="{cx + 60}" cy="{cy + 80}" r="{r / 3}" fill="#ffffff" fill-opacity="0.18"/>
              <text x="200" y="235" text-anchor="middle" font-family="Georgia, serif" font-size="120" font-weight="700" fill="#ffffff" fill-opacity="0.92">{SecurityElement.Escape(initials)}</text>
              {badge}
            </svg>
            """;
    }
}
