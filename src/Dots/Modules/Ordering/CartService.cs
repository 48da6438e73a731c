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
        return await PriceAsync(items.Select(i => (i.VariantId, i.Quantity)).ToList(), ct);
    }

    /// <summary>
    /// "Buy now": one variant and quantity priced like a cart of its own, for the checkout page to show and buy without
    /// touching the customer's cart (issue 15: "Buy now" checked out the whole cart).
    /// </summary>
    public Task<CartDto> BuyNowAsync(string variantId, int quantity, CancellationToken ct) =>
        PriceAsync([(variantId, Math.Clamp(quantity, 1, 99))], ct);

    /// <summary>
    /// Prices lines as a cart. A cart is paid in one currency (adding a line in another is refused, see
    /// <see cref="SetQuantityAsync"/>), but a cart filled before that rule can still
    /// mix them: then <see cref="CartDto.Subtotals"/> holds one subtotal per currency, <see cref="CartDto.Total"/>
    /// is the first line's currency's subtotal, and checkout refuses the mix with a clear message — a line is never
    /// dropped from the totals silently.
    /// </summary>
    private async Task<CartDto> PriceAsync(IReadOnlyList<(string VariantId, int Quantity)> items, CancellationToken ct)
    {
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
        var subtotals = lines.GroupBy(l => l.LineTotal.Currency, StringComparer.Ordinal)
            .Select(g => MoneyDto.Of(g.Sum(l => l.LineTotal.Amount), g.Key)).ToList();
        var total = subtotals.FirstOrDefault() ?? MoneyDto.Of(0, "KRW");
        return new CartDto(lines, total, lines.Sum(l => l.Quantity)) { Subtotals = subtotals };
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
            await RequireCartCurrencyAsync(userId, variantId, ct);
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

    /// <summary>
    /// One cart, one currency — as the big shops do (an order is paid in one currency; the payment provider charges one
    /// amount): a line priced in another currency than the cart's is refused with 409 and a message saying what to do
    /// (check the cart out first, or buy the item on its own with "Buy now"), never added to be dropped from the total.
    /// </summary>
    private async Task RequireCartCurrencyAsync(string userId, string variantId, CancellationToken ct)
    {
        var cart = await GetAsync(userId, ct);
        var adding = (await stock.GetVariantsAsync([variantId], ct)).GetValueOrDefault(variantId);
        if (cart.Lines.Count == 0 || adding is null || cart.Subtotals.Any(s => s.Currency == adding.Currency))
        {
            return;
        }
        throw new ConflictException(
            $"Your cart is priced in {cart.Total.Currency} and this item in {adding.Currency}; one order is paid in one currency. "
            + "Check out your cart first, or use Buy now to buy this item on its own.",
            new Dictionary<string, object?> { ["cartCurrency"] = cart.Total.Currency, ["itemCurrency"] = adding.Currency });
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
        var response = await idempotency.ExecuteFormAsync(userId, "cart-checkout", formKey, request, "/checkout",
            async () =>
            {
                var order = await CheckoutAsync(userId, request, null, CancellationToken.None);
                return (StatusCodes.Status201Created, order, $"/api/orders/{order.Id}");
            },
            async orderId => await ResumeCheckoutAsync(userId, orderId, request, CancellationToken.None) is { } order
                ? (StatusCodes.Status201Created, order, $"/api/orders/{order.Id}") : null,
            ct);
        return response.Location![(response.Location!.LastIndexOf('/') + 1)..];
    }

    /// <summary>
    /// The checkout form in "Buy now" mode: buys exactly one variant and quantity, through the same idempotency store
    /// (form key), and leaves the cart as it is. Returns the order's id.
    /// </summary>
    public async Task<string> BuyNowOnceAsync(string userId, string formKey, string variantId, int quantity, CheckoutCartRequest request, CancellationToken ct)
    {
        var order = new PlaceOrderRequest([new OrderItemRequest(variantId, quantity)], request.ShippingAddress, request.Payment) { Extensions = request.Extensions };
        var response = await idempotency.ExecuteFormAsync(userId, "buy-now", formKey, order, "/checkout",
            async () =>
            {
                var placed = await checkout.PlaceOrderAsync(userId, order, null, CancellationToken.None);
                return (StatusCodes.Status201Created, placed, $"/api/orders/{placed.Id}");
            },
            async orderId => await checkout.ResumeAsync(userId, orderId, request.ShippingAddress, request.Payment, request.Extensions, CancellationToken.None) is { } placed
                ? (StatusCodes.Status201Created, placed, $"/api/orders/{placed.Id}") : null,
            ct);
        return response.Location![(response.Location!.LastIndexOf('/') + 1)..];
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
