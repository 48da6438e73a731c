using Dots.Infrastructure;

namespace Dots.Modules.Demand;

public sealed record EventRejection(int Index, string Reason);

public sealed record IngestResponse(int Accepted, IReadOnlyList<EventRejection> Rejected);

public sealed record DemandTotalsDto(long Views, long Carts, long Purchases, long Units, MoneyDto Revenue, double Conversion);

public sealed record DemandPointDto(DateTimeOffset At, long Views, long Carts, long Purchases, long Units);

public sealed record ForecastPointDto(DateTimeOffset At, double Mean, double Low, double High);

public sealed record ProductDemandDto(string ProductId, string? Title, DemandTotalsDto Totals, IReadOnlyList<DemandPointDto> Series, IReadOnlyList<ForecastPointDto> Forecast);

public sealed record ShopDemandDto(string ShopId, DateTimeOffset From, DateTimeOffset To, string Granularity, IReadOnlyList<ProductDemandDto> Products);

public sealed record QueryDemandDto(string Query, long Searches, long ZeroResults, double Trend);

public sealed record TrendingDto(string ProductId, string? Title, long Recent, double Baseline, double ZScore);

/// <summary>A production / reorder suggestion for one variant, with the numbers behind it and a plain-words reason.</summary>
public sealed record SuggestionDto(
    string VariantId, string ProductId, string Title, string? Sku, int Stock, int InProduction, int LeadTimeDays, double ServiceLevel,
    double ExpectedDemand, double DemandAtServiceLevel, int MakeQuantity, double StockoutRisk, double StockoutRiskAfter, double ExpectedLeftover,
    bool StockoutAlert, bool ColdStart, string Reason, string? TitleKo = null);

public sealed record DemandSettingsDto(int LeadTimeDays, double ServiceLevel);
