namespace Dots.Web.Components.Shared;

/// <summary>
/// The buy box's words, localized by the page that renders it: an interactive component lives in a circuit whose
/// culture is not the request's, so it gets its texts (and culture name) as parameters.
/// </summary>
public sealed record BuyBoxText(
    string ChooseOption,
    string Quantity,
    string Decrease,
    string Increase,
    string AddToCart,
    string BuyNow,
    string SoldOut,
    string InStock,
    string FewLeft,
    string LiveStock);
