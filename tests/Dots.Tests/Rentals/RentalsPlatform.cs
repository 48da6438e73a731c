using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dots.Infrastructure.Database;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Rentals;

/// <summary>A clock that runs like the real one, shifted by an offset tests set (a fake "now" that tokens survive).</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Makes "now" the given instant (it keeps running from there).</summary>
    public void Set(DateTimeOffset now) => Offset = now - System.GetUtcNow();
}

/// <summary>A platform for the Rentals tests: a shiftable clock, Payments' jobs off so only the tests move money.</summary>
public class RentalsPlatform : DotsFactory
{
    public ShiftedClock Clock { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Payments:RunJobs"] = "false" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Signs an existing account in again (after the clock moved, old tokens may have expired).</summary>
    public async Task<UserClient> LoginAsync(string email)
    {
        var anon = CreateClient();
        var login = await anon.PostAsJsonAsync("/api/auth/login", new { email, password = UserClient.Password });
        var token = await login.JsonAsync(HttpStatusCode.OK);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token["accessToken"]!);
        return new UserClient(email, client);
    }

    internal async Task<List<SandboxLedgerEntry>> SandboxEntriesAsync(string keyPrefix)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        return await db.Set<SandboxLedgerEntry>().AsNoTracking().Where(e => e.Key.StartsWith(keyPrefix)).ToListAsync();
    }

    internal async Task<int> IntentsOfPayerAsync(string payerId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        return await db.Set<PaymentIntent>().CountAsync(i => i.PayerId == payerId);
    }

    public async Task<PaymentIntentDto?> IntentAsync(string purpose)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentService>().GetAsync(purpose, CancellationToken.None);
    }

    public static async Task<string> UserIdAsync(UserClient user) =>
        (string)(await (await user.Http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK))["id"]!;
}

public static class RentalsApi
{
    public static async Task<string> OpenShopAsync(UserClient owner, string timeZone = "Asia/Seoul")
    {
        var response = await owner.Http.PostAsJsonAsync("/api/shops", new { name = "Rent Shop " + Guid.NewGuid().ToString("N")[..6], description = "Rentals", timeZone });
        return (string)(await response.JsonAsync(HttpStatusCode.Created))["id"]!;
    }

    public static async Task<JsonNode> CreateRentalAsync(UserClient owner, string shopId, int units = 1, int bufferDays = 1, decimal day = 10000, decimal? week = null,
        decimal deposit = 100000, int minDays = 1, int maxDays = 30)
    {
        var response = await owner.Http.PostAsJsonAsync($"/api/shops/{shopId}/rentals", new
        {
            title = "City bike",
            description = "A bike",
            category = "sports",
            pricePerDay = new { amount = day, currency = "KRW" },
            pricePerWeek = week is { } w ? new { amount = w, currency = "KRW" } : null,
            deposit = new { amount = deposit, currency = "KRW" },
            minDays,
            maxDays,
            bufferDays,
            units = Enumerable.Range(1, units).Select(i => new { label = $"Bike {i}", condition = "good" }).ToArray(),
        });
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static object BookingBody(DateOnly from, DateOnly to, string card = Api.ApprovedCard) => new
    {
        from = from.ToString("yyyy-MM-dd"),
        to = to.ToString("yyyy-MM-dd"),
        shippingAddress = Api.Address,
        payment = new { method = "card", cardNumber = card },
    };

    public static Task<HttpResponseMessage> BookAsync(UserClient customer, string rentalId, DateOnly from, DateOnly to, string? key = null, string card = Api.ApprovedCard)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rentals/{rentalId}/bookings") { Content = JsonContent.Create(BookingBody(from, to, card)) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return customer.Http.SendAsync(request);
    }

    public static async Task<int[]> FreeAsync(HttpClient client, string rentalId, DateOnly from, DateOnly to)
    {
        var body = await (await client.GetAsync($"/api/rentals/{rentalId}/availability?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}")).JsonAsync(HttpStatusCode.OK);
        return body["days"]!.AsArray().Select(d => (int)d!["free"]!).ToArray();
    }

    /// <summary>Today's date in Seoul by the platform's clock.</summary>
    public static DateOnly SeoulToday(TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")).DateTime);
}
