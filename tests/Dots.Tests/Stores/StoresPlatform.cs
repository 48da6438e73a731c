using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Modules.Stores;
using Dots.Tests.Infrastructure;
using Dots.Tests.Rentals;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Stores;

/// <summary>A platform for the Stores tests: a shiftable clock, jobs off (tests run the expiry sweep themselves).</summary>
public class StoresPlatform : DotsFactory
{
    public ShiftedClock Clock { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Payments:RunJobs"] = "false", ["Stores:RunJobs"] = "false" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public PickupExpirySweeper Sweeper => Services.GetRequiredService<PickupExpirySweeper>();

    public static async Task<string> CreateStoreAsync(UserClient owner, string shopId, string name = "Seongsu store", double latitude = 37.5446, double longitude = 127.0557)
    {
        var response = await owner.Http.PostAsJsonAsync($"/api/shops/{shopId}/locations", new
        {
            name,
            address = "12 Seongsu-ro, Seoul",
            latitude,
            longitude,
            timeZone = "Asia/Seoul",
            openingHours = new[] { new { day = "mon", open = "10:00", close = "21:00" } },
            pickup = true,
        });
        return (string)(await response.JsonAsync(HttpStatusCode.Created))["id"]!;
    }

    public static async Task<JsonNode> SetStockAsync(UserClient user, string locationId, string variantId, int stock, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await user.Http.PutAsJsonAsync($"/api/locations/{locationId}/stock/{variantId}", new { stock })).JsonAsync(expected);

    public static object PickupOrder(string variantId, string locationId, int quantity = 1) => new
    {
        items = new[] { new { variantId, quantity } },
        shippingAddress = Api.Address,
        payment = new { method = "card", cardNumber = Api.ApprovedCard },
        fulfilment = new { type = "pickup", locationId },
    };
}
