using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dots.Tests.Infrastructure;

/// <summary>Small helpers that speak the API contract, so tests read as the user's story.</summary>
public static class Api
{
    public const string ApprovedCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";

    public static object Address => new
    {
        name = "Kim Ji-won",
        line1 = "152 Teheran-ro",
        line2 = "12F",
        city = "Seoul",
        postalCode = "06236",
        phone = "010-1234-5678",
        latitude = 37.5006,
        longitude = 127.0364,
    };

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    public static async Task<string> OpenShopAsync(this UserClient user, string name = "Test Shop")
    {
        var response = await user.Http.PostAsJsonAsync("/api/shops", new { name, description = "A shop for tests" });
        return (string)(await response.JsonAsync(HttpStatusCode.Created))["id"]!;
    }

    public static async Task<JsonNode> CreateProductAsync(
        this UserClient owner, string shopId, string title = "Dark Chocolate Bar", int stock = 10, decimal price = 12900,
        string description = "Single-origin cacao", string category = "fresh-food", string? sku = null, string? titleKo = null)
    {
        var response = await owner.Http.PostAsJsonAsync($"/api/shops/{shopId}/products", new
        {
            title,
            description,
            titleKo,
            category,
            tags = new[] { "test" },
            variants = new[] { new { sku = sku ?? "SKU-" + Guid.NewGuid().ToString("N")[..8], options = new Dictionary<string, string> { ["size"] = "M" }, price = new { amount = price, currency = "KRW" }, stock } },
        });
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static string FirstVariantId(this JsonNode product) => (string)product["variants"]![0]!["id"]!;

    public static object OrderBody(string variantId, int quantity = 1, string card = ApprovedCard) => new
    {
        items = new[] { new { variantId, quantity } },
        shippingAddress = Address,
        payment = new { method = "card", cardNumber = card },
    };

    public static Task<HttpResponseMessage> PlaceOrderAsync(this UserClient buyer, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return buyer.Http.SendAsync(request);
    }

    public static async Task<int> StockAsync(this HttpClient client, string productId, int variantIndex = 0)
    {
        var product = await (await client.GetAsync($"/api/products/{productId}")).JsonAsync(HttpStatusCode.OK);
        return (int)product["variants"]![variantIndex]!["stock"]!;
    }
}
