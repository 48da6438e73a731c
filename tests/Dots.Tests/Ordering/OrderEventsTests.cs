using System.Collections.Concurrent;
using System.Net;
using Dots.Infrastructure.Events;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Dots.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dots.Tests.Ordering;

/// <summary>
/// What demand sensing, personalization, co-creation and delivery will listen to: an order's life and the money and
/// stock it moves arrive as events, once per handler, in order per order.
/// </summary>
public sealed class OrderEventsTests(OrderEventsTests.ListeningPlatform platform) : IClassFixture<OrderEventsTests.ListeningPlatform>
{
    [Fact]
    public async Task BuyingTheLastUnitAndCancelling_PublishesPlacedPaidDepletedCancelledAndRefunded_OnceEach()
    {
        var owner = await platform.NewUserAsync();
        var product = await owner.CreateProductAsync(await owner.OpenShopAsync(), stock: 1);
        var variantId = product.FirstVariantId();
        var buyer = await platform.NewUserAsync();

        var order = await (await buyer.PlaceOrderAsync(Api.OrderBody(variantId), "last-unit")).JsonAsync(HttpStatusCode.Created);
        var orderId = (string)order["id"]!;
        (await buyer.Http.PostAsync($"/api/orders/{orderId}/cancel", null)).EnsureSuccessStatusCode();

        var heard = await platform.Listener.WaitAsync(orderId, 4, TimeSpan.FromSeconds(30));
        Assert.Equal(["OrderPlaced", "OrderPaid", "OrderCancelled"], heard.Where(h => h.StartsWith("Order", StringComparison.Ordinal)).ToArray());
        Assert.Single(heard, h => h == "PaymentRefunded");
        Assert.Contains(variantId, platform.Listener.Depleted);
        Assert.Equal(1, platform.Listener.Depleted.Count(v => v == variantId));
    }

    public sealed class ListeningPlatform : DotsFactory
    {
        public Listener Listener { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(Listener);
                services.AddEventHandler<OrderPlaced, Listener.OnPlaced>();
                services.AddEventHandler<OrderPaid, Listener.OnPaid>();
                services.AddEventHandler<OrderCancelled, Listener.OnCancelled>();
                services.AddEventHandler<PaymentRefunded, Listener.OnRefunded>();
                services.AddEventHandler<StockDepleted, Listener.OnDepleted>();
            });
        }
    }

    public sealed class Listener
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _byOrder = new();

        public ConcurrentQueue<string> Depleted { get; } = new();

        private void Heard(string orderId, string what) => _byOrder.GetOrAdd(orderId, _ => new()).Enqueue(what);

        public async Task<IReadOnlyList<string>> WaitAsync(string orderId, int count, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (!deadline.IsCancellationRequested && (_byOrder.GetValueOrDefault(orderId)?.Count ?? 0) < count)
            {
                await Task.Delay(50);
            }
            // A little longer, so a duplicate delivery would show.
            await Task.Delay(500);
            return _byOrder.GetValueOrDefault(orderId)?.ToArray() ?? [];
        }

        public sealed class OnPlaced(Listener l) : IEventHandler<OrderPlaced>
        {
            public Task HandleAsync(OrderPlaced e, CancellationToken ct) { l.Heard(e.OrderId, nameof(OrderPlaced)); return Task.CompletedTask; }
        }

        public sealed class OnPaid(Listener l) : IEventHandler<OrderPaid>
        {
            public Task HandleAsync(OrderPaid e, CancellationToken ct) { l.Heard(e.OrderId, nameof(OrderPaid)); return Task.CompletedTask; }
        }

        public sealed class OnCancelled(Listener l) : IEventHandler<OrderCancelled>
        {
            public Task HandleAsync(OrderCancelled e, CancellationToken ct) { l.Heard(e.OrderId, nameof(OrderCancelled)); return Task.CompletedTask; }
        }

        public sealed class OnRefunded(Listener l) : IEventHandler<PaymentRefunded>
        {
            public Task HandleAsync(PaymentRefunded e, CancellationToken ct) { l.Heard(e.Purpose["order:".Length..], nameof(PaymentRefunded)); return Task.CompletedTask; }
        }

        public sealed class OnDepleted(Listener l) : IEventHandler<StockDepleted>
        {
            public Task HandleAsync(StockDepleted e, CancellationToken ct) { l.Depleted.Enqueue(e.VariantId); return Task.CompletedTask; }
        }
    }
}
