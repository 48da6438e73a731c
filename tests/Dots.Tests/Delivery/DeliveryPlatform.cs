using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.Delivery;
using Dots.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Delivery;

/// <summary>A platform with a short planning budget; each test makes its own centre so tests do not share nights.</summary>
public class DeliveryPlatform : DotsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Delivery:PlanningBudget"] = "00:00:02",
        ["Delivery:ReplanBudget"] = "00:00:01",
    };

    /// <summary>A square zone around (lat, lon) ± 0.05° served by a centre at its middle, with vans.</summary>
    public async Task<(string CentreId, string ZoneId)> CityAsync(UserClient op, double lat, double lon, int capacity = 100, int vans = 4,
        int vanUnits = 40, string timeZone = "Asia/Seoul")
    {
        var centre = await (await op.Http.PostAsJsonAsync("/api/ops/delivery/centres", new { name = "Centre " + Guid.NewGuid().ToString("N")[..6], latitude = lat, longitude = lon, timeZone }))
            .JsonAsync(HttpStatusCode.Created);
        var centreId = (string)centre["id"]!;
        var zone = await (await op.Http.PostAsJsonAsync("/api/ops/delivery/zones", new
        {
            name = "Zone " + Guid.NewGuid().ToString("N")[..6],
            centreId,
            nightlyCapacity = capacity,
            polygon = new[] { new[] { lat - 0.05, lon - 0.05 }, new[] { lat + 0.05, lon - 0.05 }, new[] { lat + 0.05, lon + 0.05 }, new[] { lat - 0.05, lon + 0.05 } },
        })).JsonAsync(HttpStatusCode.Created);
        for (var i = 0; i < vans; i++)
        {
            (await op.Http.PostAsJsonAsync("/api/ops/delivery/vehicles", new { centreId, name = $"Van {i:00}", capacityUnits = vanUnits, capacityKg = 500 })).EnsureSuccessStatusCode();
        }
        return (centreId, (string)zone["id"]!);
    }

    public static object OrderTo(string variantId, double lat, double lon, object? delivery = null, int quantity = 1) => new
    {
        items = new[] { new { variantId, quantity } },
        shippingAddress = new { name = "Kim", line1 = "1 Test-ro", city = "Seoul", postalCode = "06236", phone = "010-0000-0000", latitude = lat, longitude = lon },
        payment = new { method = "card", cardNumber = Api.ApprovedCard },
        delivery,
    };

    internal async Task<T> DbAsync<T>(Func<DotsDbContext, Task<T>> work) => await WithDbAsync(work);

    internal Task<DeliveryBooking?> BookingAsync(string orderId) =>
        WithDbAsync(db => db.Set<DeliveryBooking>().AsNoTracking().FirstOrDefaultAsync(b => b.OrderId == orderId));

    internal Task<DeliverySlot?> SlotAsync(string slotId) =>
        WithDbAsync(db => db.Set<DeliverySlot>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == slotId));

    public static string Date(JsonNode promise) => DateTimeOffset.Parse((string)promise["cutoff"]!).ToString("yyyy-MM-dd");
}
