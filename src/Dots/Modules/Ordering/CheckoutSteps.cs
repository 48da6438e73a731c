using System.Text.Json;
using Dots.Infrastructure.Database;

namespace Dots.Modules.Ordering;

/// <summary>One line of an order being placed, as checkout steps see it.</summary>
public sealed record CheckoutLine(string VariantId, string ProductId, string ShopId, int Quantity, decimal UnitPrice);

/// <summary>
/// What a checkout step sees of the order being placed: who buys what, where it goes, and the parts of the request
/// body that Ordering does not know (a delivery slot, a pickup location: <see cref="Extensions"/>), so a module reads its
/// own fields without Ordering's contract changing. Steps record what they reserved in <see cref="Items"/> for their
/// own release.
/// </summary>
public sealed class CheckoutContext
{
    public required string OrderId { get; init; }
    public required string BuyerId { get; init; }
    public required string Currency { get; init; }
    public required IReadOnlyList<CheckoutLine> Lines { get; init; }
    public required AddressDto? ShippingAddress { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; init; } = new Dictionary<string, JsonElement>();
    public Dictionary<string, object?> Items { get; } = [];

    /// <summary>Fields a step adds to the placed order's response (for example <c>pickupCode</c>); Ordering passes them through.</summary>
    public Dictionary<string, object?> ResponseFields { get; } = [];
}

/// <summary>
/// A step another module adds to checkout, between "stock is reserved" and "payment": reserve a delivery slot, hold a
/// pickup location's stock. Checkout runs the steps in <see cref="Stage"/> order:
/// <list type="bullet">
/// <item><see cref="ReserveAsync"/> runs inside the order's own short transaction, on the request's
/// <see cref="DotsDbContext"/>, after the order rows are written and before Catalog takes the stock and commits: a step
/// that throws (a 409 for a full slot, a 400 for a bad field) rolls everything back, so nothing is reserved or charged.</item>
/// <item><see cref="ReleaseAsync"/> runs, in reverse order, when the payment is declined, to give back what the step
/// reserved; it must be idempotent.</item>
/// </list>
/// A step never calls a payment provider or anything slow: the order's rows are locked while it runs.
/// </summary>
public interface ICheckoutStep
{
    /// <summary>Lower runs first (delivery slots 200, pickup locations 300; stock is always taken last, payment after).</summary>
    int Stage { get; }

    Task ReserveAsync(CheckoutContext context, CancellationToken ct);

    Task ReleaseAsync(CheckoutContext context, CancellationToken ct);
}

public static class CheckoutStepRegistration
{
    /// <summary>Adds a checkout step: the one line a module writes to take part in checkout.</summary>
    public static IServiceCollection AddCheckoutStep<TStep>(this IServiceCollection services) where TStep : class, ICheckoutStep =>
        services.AddScoped<ICheckoutStep, TStep>();
}
