using Dots.Infrastructure;
using Dots.Modules.Catalog;
using Microsoft.AspNetCore.Components;

namespace Dots.Web.Components.Seller;

/// <summary>A seller console page for one shop: loads the shop and answers 404 to anyone but its owner.</summary>
public abstract class SellerPageBase : ComponentBase
{
    [Parameter] public string ShopId { get; set; } = "";

    [CascadingParameter] protected HttpContext? Http { get; set; }

    [Inject] protected IServiceScopeFactory Scopes { get; set; } = default!;

    private ShopDto? _shop;
    private bool _ready;

    /// <summary>The shop, once the page's data has loaded: the page renders its content only then, so an early
    /// render (the renderer may draw while the page still awaits) never sees half-loaded fields.</summary>
    protected ShopDto? Shop => _ready ? _shop : null;

    /// <summary>The owned shop while <see cref="LoadAsync"/> runs.</summary>
    protected ShopDto LoadingShop => _shop ?? throw new InvalidOperationException("The shop is not loaded yet.");

    protected string UserId => Http!.User.UserId();

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            _ready = false;
            _shop = await Scopes.RunAsync((CatalogService c) => c.RequireOwnedShopAsync(ShopId, UserId, CancellationToken.None));
        }
        catch (Exception e) when (e is NotFoundException or ForbiddenException)
        {
            _shop = null;
            Http!.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await LoadAsync();
        _ready = true;
    }

    protected virtual Task LoadAsync() => Task.CompletedTask;
}
