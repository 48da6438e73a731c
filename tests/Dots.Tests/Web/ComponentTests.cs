using Bunit;
using Dots.Infrastructure;
using Dots.Modules.Catalog;
using Dots.Modules.Ordering;
using Dots.Modules.Catalog.Pages.Sell;
using Dots.Web.Components.Shared;

namespace Dots.Tests.Web;

public sealed class ComponentTests : WebTestContext
{
    [Fact]
    public void Price_FormatsWonForTheReadersLanguage()
    {
        UseCulture("ko");
        Assert.Equal("12,900원", Render<Price>(p => p.Add(x => x.Value, new MoneyDto(12900m, "KRW"))).Find(".price").TextContent);
        UseCulture("en");
        Assert.Equal("₩12,900", Render<Price>(p => p.Add(x => x.Value, new MoneyDto(12900m, "KRW"))).Find(".price").TextContent);
    }

    [Fact]
    public void QuantityStepper_StopsAtItsBounds()
    {
        Interactive();
        var value = 2;
        var stepper = Render<QuantityStepper>(p => p
            .Add(x => x.Value, value).Add(x => x.Min, 1).Add(x => x.Max, 3)
            .Add(x => x.ValueChanged, v => value = v));
        stepper.FindAll("button")[1].Click();
        Assert.Equal(3, value);
        Assert.True(stepper.FindAll("button")[1].HasAttribute("disabled"), "+ is disabled at the maximum");
        stepper.Find("input").Change("50");
        Assert.Equal(3, value);
        stepper.Find("input").Change("0");
        Assert.Equal(1, value);
        Assert.True(stepper.FindAll("button")[0].HasAttribute("disabled"), "− is disabled at the minimum");
    }

    [Fact]
    public void QuantityStepper_WithoutInteractivity_SubmitsTheNextValues()
    {
        Static();
        var stepper = Render<QuantityStepper>(p => p.Add(x => x.Value, 1).Add(x => x.Max, 5).Add(x => x.SubmitName, "set"));
        var buttons = stepper.FindAll("button[type=submit][name=set]");
        Assert.Equal("0", buttons[0].GetAttribute("value"));
        Assert.True(buttons[0].HasAttribute("disabled"));
        Assert.Equal("2", buttons[1].GetAttribute("value"));
    }

    [Theory]
    [InlineData(1, 1, "1")]
    [InlineData(1, 3, "1 2 3")]
    [InlineData(5, 10, "1 2 3 4 5 6 7 … 10")]
    [InlineData(6, 12, "1 … 4 5 6 7 8 … 12")]
    [InlineData(4, 10, "1 2 3 4 5 6 … 10")]
    [InlineData(10, 10, "1 … 8 9 10")]
    public void Pager_ShowsTheEndsAndTwoPagesEitherSide_FillingOnePageGaps(int page, int pages, string expected) =>
        Assert.Equal(expected, string.Join(" ", Pager.Window(page, pages).Select(p => p == 0 ? "…" : p.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void Pager_MarksTheCurrentPage_AndHidesItselfForOnePage()
    {
        var pager = Render<Pager>(p => p.Add(x => x.Page, 2).Add(x => x.PageSize, 20).Add(x => x.Total, 95).Add(x => x.Href, n => "/search?page=" + n));
        Assert.Equal("2", pager.Find("[aria-current=page]").TextContent);
        Assert.Equal("/search?page=3", pager.Find("a[rel=next]").GetAttribute("href"));
        Assert.Equal("/search?page=5", pager.FindAll("a.pager-btn").Last(a => a.GetAttribute("rel") is null).GetAttribute("href"));
        var single = Render<Pager>(p => p.Add(x => x.Page, 1).Add(x => x.PageSize, 20).Add(x => x.Total, 20).Add(x => x.Href, n => "?page=" + n));
        Assert.Empty(single.Markup.Trim());
    }

    [Fact]
    public void VariantPicker_ShowsThePickedVariantsStock_AndKeepsTheQuantityWithinIt()
    {
        Interactive();
        var box = Render<BuyBox>(p => p.Add(x => x.Product, Product()).Add(x => x.Text, Text()).Add(x => x.RefreshSeconds, 0));
        Assert.Contains("In stock: 30", box.Find("[data-testid=stock]").TextContent);
        Assert.True(box.Find("input[value=v-l]").HasAttribute("disabled"), "a sold-out variant cannot be picked");

        box.Find("input[type=number]").Change("20");
        box.Find("input[value=v-m]").Change("v-m");
        Assert.Contains("Only 4 left", box.Find("[data-testid=stock]").TextContent);
        Assert.Equal("4", box.Find("input[type=number]").GetAttribute("value"));
        Assert.Contains("₩14,000", box.Find(".buybox-price").TextContent);
    }

    [Fact]
    public void VariantPicker_StartsOnTheFirstVariantInStock_AndDisablesBuyingWhenAllAreSoldOut()
    {
        Interactive();
        var soldOut = Product() with { Variants = [new VariantDto("v-x", "X", new() { ["size"] = "X" }, new MoneyDto(1000m, "KRW"), 0)] };
        var box = Render<BuyBox>(p => p.Add(x => x.Product, soldOut).Add(x => x.Text, Text()).Add(x => x.RefreshSeconds, 0));
        Assert.Contains("Sold out", box.Find("[data-testid=stock]").TextContent);
        Assert.All(box.FindAll("button[type=submit]"), b => Assert.True(b.HasAttribute("disabled")));
    }

    [Fact]
    public void Chart_DrawsABarPerPoint_AndCopesWithAllZeros()
    {
        var points = new[] { new ChartPoint("a", 0), new ChartPoint("b", 0), new ChartPoint("c", 0) };
        var bars = Render<Chart>(p => p.Add(x => x.Points, points));
        Assert.Equal(3, bars.FindAll("rect.chart-bar").Count);
        Assert.All(bars.FindAll("rect.chart-bar"), r => Assert.Equal("0", r.GetAttribute("height")));

        var line = Render<Chart>(p => p.Add(x => x.Points, [new ChartPoint("a", 1), new ChartPoint("b", 3)]).Add(x => x.Kind, ChartKind.Line));
        Assert.Equal("8,90.7 312,8", line.Find("polyline").GetAttribute("points"));
    }

    [Fact]
    public void DailySales_AddsUpEachShopDay_InTheShopsTimeZone()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero); // 21:00 in Seoul
        var entries = new[]
        {
            new PayoutEntryDto("1", "sale", new MoneyDto(10000m, "KRW"), "o1", new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero)), // 28th, 01:00 Seoul
            new PayoutEntryDto("2", "commission", new MoneyDto(-500m, "KRW"), "o1", new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero)),
            new PayoutEntryDto("3", "sale", new MoneyDto(5000m, "KRW"), "o2", new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero)), // 27th, 23:00 Seoul
        };
        var days = ShopOverview.DailySales(entries, "Asia/Seoul", now, 3, System.Globalization.CultureInfo.GetCultureInfo("en"));
        Assert.Equal(["Nov 26", "Nov 27", "Nov 28"], days.Select(d => d.Label));
        Assert.Equal([0m, 5000m, 10000m], days.Select(d => d.Value));
    }

    private static ProductDto Product() => new(
        "p1", "s1", "Shop", "Towel", "", null, null, "home", [], "Published", new MoneyDto(12000m, "KRW"), 0,
        [
            new VariantDto("v-s", "T-S", new() { ["size"] = "S" }, new MoneyDto(12000m, "KRW"), 30),
            new VariantDto("v-m", "T-M", new() { ["size"] = "M" }, new MoneyDto(14000m, "KRW"), 4),
            new VariantDto("v-l", "T-L", new() { ["size"] = "L" }, new MoneyDto(16000m, "KRW"), 0),
        ],
        [], DateTimeOffset.UnixEpoch);

    private static BuyBoxText Text() =>
        new("Choose an option", "Quantity", "Decrease", "Increase", "Add to cart", "Buy now", "Sold out", "In stock: {0}", "Only {0} left", "Live");
}
