using Dots.Infrastructure;

namespace Dots.Modules.Personalization;

/// <summary>
/// One recommended thing. <see cref="Reason"/> is a sentence in the request's language; <see cref="ReasonKind"/>
/// and <see cref="ReasonItems"/> (ids of the items it names) are the same reason as data.
/// </summary>
public sealed record RecommendationDto(
    string Kind,
    string Id,
    string Title,
    string Reason,
    string ReasonKind,
    IReadOnlyList<string> ReasonItems,
    string? ShopId,
    string? ShopName,
    MoneyDto? Price,
    string? ImageUrl,
    string Url,
    string ModelVersion);

/// <summary>A list; <see cref="Personalized"/> is false when it is the non-personal one (signed out with no session, or switched off).</summary>
public sealed record RecommendationListDto(IReadOnlyList<RecommendationDto> Items, string ModelVersion, bool Personalized);

public sealed record PersonalizationSettingRequest(bool? Enabled);

public sealed record PersonalizationSettingDto(bool Enabled);

/// <summary>The reason kinds the API uses (camelCase).</summary>
public static class ReasonKinds
{
    public const string BuyAgain = "buyAgain";
    public const string BoughtBefore = "boughtBefore";
    public const string BecauseYouBought = "becauseYouBought";
    public const string BoughtAfter = "boughtAfter";
    public const string BecauseYouViewed = "becauseYouViewed";
    public const string CustomersLikeYou = "customersLikeYou";
    public const string SimilarTo = "similarTo";
    public const string BoughtTogether = "boughtTogether";
    public const string PopularInCategory = "popularInCategory";
    public const string TrendingInCategory = "trendingInCategory";
    public const string RecentlyViewed = "recentlyViewed";
}
