using Dots.Infrastructure;
using Dots.Modules.Catalog;
using Microsoft.AspNetCore.Components;

namespace Dots.Web.Components.Pages.Sell;

/// <summary>A seller console page for one shop: loads the shop and answers 404 to anyone but its owner.</summary>
public abstract class SellerPageBase : ComponentBase
{
    [Parameter] public string ShopId { get; set; } = "";

    [CascadingParameter] protected HttpContext? Http { get; set; }

    [Inject] protected CatalogService Catalog { get; set; } = default!;

    protected ShopDto? Shop { get; private set; }

    protected string UserId => Http!.User.UserId();

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            Shop = CatalogService.ToDto(await Catalog.RequireOwnedShopAsync(ShopId, UserId, CancellationToken.None));
        }
        catch (Exception e) when (e is NotFoundException or ForbiddenException)
        {
            Shop = null;
            Http!.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await LoadAsync();
    }

    protected virtual Task LoadAsync() => Task.CompletedTask;
}
