using System.Text.Json;
using Dots.Modules.Ordering;

namespace Dots.Modules.Delivery;

/// <summary>What the checkout form says about the dawn delivery: where (and how that was found), which night, the door.</summary>
public sealed record DeliveryChoice(GazetteerPlace? Place, string? Source, string? SlotId, string? DoorCode, bool LeaveAtDoor, string? Instructions)
{
    public GeoPoint? Point => Place?.Point;
}

/// <summary>
/// The web checkout's dawn-delivery fields (rendered by <c>Pages/DeliveryCheckout.razor</c> inside the checkout form) and the
/// two calls the checkout page makes: <see cref="IsPreview"/> (the "check the delivery time" button or a place chosen on the
/// map re-shows the form without placing the order) and <see cref="Apply"/> (gives the address its coordinates from the
/// gazetteer and adds the <c>delivery</c> object, so the web order takes its slot in the same checkout step as an API order).
/// </summary>
public static class DeliveryCheckoutForm
{
    public const string Area = "Delivery.Area";
    public const string Pick = "Delivery.Pick";
    public const string Check = "Delivery.Check";
    public const string Slot = "Delivery.Slot";
    public const string DoorCode = "Delivery.DoorCode";
    public const string LeaveAtDoor = "Delivery.LeaveAtDoor";
    public const string Instructions = "Delivery.Instructions";

    /// <summary>True when the post only asked to see the delivery promise (no order is placed).</summary>
    public static bool IsPreview(IFormCollection? form) =>
        form is not null && (!string.IsNullOrEmpty(form[Check]) || !string.IsNullOrEmpty(form[Pick]));

    /// <summary>Reads the form: a place chosen on the map or in the list wins over the place found in the typed address.</summary>
    public static DeliveryChoice Read(IFormCollection? form, string? addressText)
    {
        string? Value(string key) => form is null || string.IsNullOrWhiteSpace(form[key]) ? null : form[key].ToString().Trim();
        GazetteerPlace? place = null;
        string? source = null;
        if (SeoulGazetteer.Find(Value(Pick) ?? Value(Area)) is { } chosen)
        {
            (place, source) = (chosen, "chosen");
        }
        else if (SeoulGazetteer.Geocode(addressText) is { } found)
        {
            (place, source) = (found.Place, found.MatchedOn);
        }
        var door = Value(DoorCode);
        var instructions = Value(Instructions);
        return new DeliveryChoice(place, source, Value(Slot),
            door is { Length: > 40 } ? door[..40] : door,
            Value(LeaveAtDoor) is "true" or "on",
            instructions is { Length: > 300 } ? instructions[..300] : instructions);
    }

    public static string AddressText(AddressDto? a) =>
        a is null ? "" : string.Join(' ', new[] { a.Line1, a.Line2, a.City, a.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s)));

    /// <summary>
    /// The request the web checkout places: the address gets the neighbourhood's coordinates (unless it has its own) and the
    /// order carries the <c>delivery</c> object (slot if one was chosen, door code, leave at door, instructions). Other
    /// modules' extensions are kept. An address the gazetteer cannot place is sent as it was (no dawn delivery).
    /// </summary>
    public static CheckoutCartRequest Apply(CheckoutCartRequest request, IFormCollection? form)
    {
        var address = request.ShippingAddress;
        if (request.Extensions?.ContainsKey("fulfilment") == true)
        {
            return request; // picked up at a store (the Stores module's choice): no dawn slot
        }
        var choice = Read(form, AddressText(address));
        if (address is null || choice.Point is not { } point)
        {
            return request;
        }
        var extensions = new Dictionary<string, JsonElement>(request.Extensions ?? [])
        {
            ["delivery"] = JsonSerializer.SerializeToElement(new DeliveryRequest(choice.SlotId, choice.DoorCode, choice.LeaveAtDoor, choice.Instructions, null),
                new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        };
        return request with
        {
            ShippingAddress = address.Latitude is null || address.Longitude is null ? address with { Latitude = point.Latitude, Longitude = point.Longitude } : address,
            Extensions = extensions,
        };
    }
}

/// <summary>
/// The <c>code</c> a 409 from the delivery step carries (ProblemDetails extension), so a caller can tell a night that
/// filled up from stock that sold out.
/// </summary>
public static class DeliveryConflicts
{
    /// <summary>The night the buyer chose (<c>slotId</c>) filled up or closed; other nights may have room.</summary>
    public const string SlotFull = "delivery-slot-full";

    /// <summary>No night in the next days has room in the address's zone.</summary>
    public const string AllFull = "delivery-full";

    /// <summary>The delivery conflict's code, or null when the conflict is about something else (stock, a campaign).</summary>
    public static string? CodeOf(Infrastructure.ConflictException e) =>
        e.Extensions.TryGetValue("code", out var code) && code?.ToString() is SlotFull or AllFull ? code.ToString() : null;
}
