using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Http;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Ordering;

/// <summary>A signed-in customer's cart, kept in the database so it follows them across devices and instances.</summary>
public sealed class CartService(DotsDbContext db, StockService stock, CheckoutService checkout, Idempotency idempotency, TimeProvider clock)
{
    public const int MaxLines = 50;

    public async Task<CartDto> GetAsync(string userId, CancellationToken ct)
    {
        var items = await db.CartItems.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.AddedAt).ToListAsync(ct);
        var variants = await stock.GetVariantsAsync(items.Select(i => i.VariantId).ToList(), ct);
        var lines = new List<CartLineDto>();
        foreach (var item in items)
        {
            if (!variants.TryGetValue(item.VariantId, out var v) || !v.ForSale)
            {
                continue;
            }
            lines.Add(new CartLineDto(v.VariantId, v.ProductId, v.ShopId, v.Title, v.TitleKo, v.Sku, new Dictionary<string, string>(v.Options), item.Quantity, v.Stock,
                MoneyDto.Of(v.Price, v.Currency), MoneyDto.Of(v.Price * item.Quantity, v.Currency), v.ImageUrl));
        }
        var currency = lines.Select(l => l.UnitPrice.Currency).FirstOrDefault() ?? "KRW";
        return new CartDto(lines, MoneyDto.Of(lines.Where(l => l.LineTotal.Currency == currency).Sum(l => l.LineTotal.Amount), currency), lines.Sum(l => l.Quantity));
    }

    /// <summary>Sets a line's quantity; 0 removes it. Stock is checked at checkout, not here, but an unknown variant is a 400.</summary>
    public async Task<CartDto> SetQuantityAsync(string userId, string variantId, SetCartItemRequest request, CancellationToken ct)
    {
        new Validation()
            .Require(request.Quantity is not null, "quantity", "The quantity is required.")
            .Require(request.Quantity is null or (>= 0 and <= 1000), "quantity", "The quantity must be between 0 and 1000.")
            .ThrowIfInvalid();
        var exists = await stock.IsForSaleAsync(variantId, ct);
        if (!exists)
        {
            throw new NotFoundException($"No product variant with id '{variantId}' is for sale.");
        }
        var item = await db.CartItems.FirstOrDefaultAsync(c => c.UserId == userId && c.VariantId == variantId, ct);
        if (request.Quantity == 0)
        {
            if (item is not null)
            {
                db.CartItems.Remove(item);
            }
        }
        else if (item is null)
        {
            if (await db.CartItems.CountAsync(c => c.UserId == userId, ct) >= MaxLines)
            {
                throw new ConflictException($"A cart holds at most {MaxLines} different items.");
            }
            db.CartItems.Add(new CartItem { UserId = userId, VariantId = variantId, Quantity = request.Quantity!.Value, AddedAt = clock.GetUtcNow() });
        }
        else
        {
            item.Quantity = request.Quantity!.Value;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("The cart changed at the same time in another window; reload it and try again.");
        }
        return await GetAsync(userId, ct);
    }

    public async Task<CartDto> RemoveAsync(string userId, string variantId, CancellationToken ct)
    {
        await db.CartItems.Where(c => c.UserId == userId && c.VariantId == variantId).ExecuteDeleteAsync(ct);
        return await GetAsync(userId, ct);
    }

    /// <summary>Buys what is in the cart; the cart empties only when the order succeeds.</summary>
    public async Task<OrderDto> CheckoutAsync(string userId, CheckoutCartRequest request, string? idempotencyKey, CancellationToken ct)
    {
        var cart = await GetAsync(userId, ct);
        if (cart.Lines.Count == 0)
        {
            throw new RequestValidationException("items", "The cart is empty.");
        }
        var order = await checkout.PlaceOrderAsync(userId,
            new PlaceOrderRequest(cart.Lines.Select(l => new OrderItemRequest(l.VariantId, l.Quantity)).ToList(), request.ShippingAddress, request.Payment) { Extensions = request.Extensions },
            idempotencyKey, ct);
        await db.CartItems.Where(c => c.UserId == userId).ExecuteDeleteAsync(CancellationToken.None);
        return order;
    }

    /// <summary>
    /// The web checkout form's submit: the cart checkout through the same idempotency store as the API, keyed by the
    /// form's own key, so a double submit (or a reload of the POST) places one order — the second submit waits for the
    /// first and gets its answer. Returns the order's id; a stored error comes back as the exception it was.
    /// </summary>
    public async Task<string> CheckoutOnceAsync(string userId, string formKey, CheckoutCartRequest request, CancellationToken ct)
    {
        for (var wait = 0; ; wait++)
        {
            try
            {
                var response = await idempotency.ExecuteAsync(userId, "cart-checkout", "web:" + formKey, request, "/checkout",
                    async () =>
                    {
                        var order = await CheckoutAsync(userId, request, null, CancellationToken.None);
                        return (StatusCodes.Status201Created, order, $"/api/orders/{order.Id}");
                    },
                    async orderId => await ResumeCheckoutAsync(userId, orderId, request, CancellationToken.None) is { } order
                        ? (StatusCodes.Status201Created, order, $"/api/orders/{order.Id}") : null,
                    ct);
                return response.Status < 400 ? response.Location![(response.Location!.LastIndexOf('/') + 1)..] : throw Idempotency.ProblemOf(response);
            }
            catch (ConflictException e) when (e.Extensions.ContainsKey(Idempotency.InProgress) && wait < 60)
            {
                db.ChangeTracker.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }

    /// <summary>Finishes a cart checkout whose first try died after it wrote the order (see <see cref="CheckoutService.ResumeAsync"/>).</summary>
    public async Task<OrderDto?> ResumeCheckoutAsync(string userId, string orderId, CheckoutCartRequest request, CancellationToken ct)
    {
        var order = await checkout.ResumeAsync(userId, orderId, request.ShippingAddress, request.Payment, request.Extensions, ct);
        if (order is not null)
        {
            var bought = order.Lines.Select(l => l.VariantId).ToList();
            await db.CartItems.Where(c => c.UserId == userId && bought.Contains(c.VariantId)).ExecuteDeleteAsync(CancellationToken.None);
        }
        return order;
    }
}
