using System.Globalization;
using Dots.Web;

namespace Dots.Tests.Web;

public sealed class FormattingTests
{
    private static readonly CultureInfo Ko = CultureInfo.GetCultureInfo("ko");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");

    [Fact]
    public void Won_ReadsAsKoreanReadersWriteIt_WithTheWonSuffix() => Assert.Equal("12,900원", Formatting.Money(12900m, "KRW", Ko));

    [Fact]
    public void Won_ReadsWithTheWonSign_ForEnglishReaders() => Assert.Equal("₩12,900", Formatting.Money(12900.0000m, "KRW", En));

    [Fact]
    public void CurrenciesWithCents_KeepTwoDecimals() => Assert.Equal("$12.50", Formatting.Money(12.5m, "USD", En));

    [Fact]
    public void NegativeAmounts_PutTheSignFirst() => Assert.Equal("-1,290원", Formatting.Money(-1290m, "KRW", Ko));

    [Fact]
    public void Times_AreShownInTheShopsTimeZone()
    {
        var at = new DateTimeOffset(2026, 11, 28, 15, 30, 0, TimeSpan.Zero);
        Assert.Equal("2026. 11. 29. 00:30", Formatting.DateTime(at, "Asia/Seoul", Ko));
        Assert.Equal("Nov 29, 2026, 00:30", Formatting.DateTime(at, null, En));
    }

    [Fact]
    public void KoreanReaders_SeeTheKoreanTitle_WhenTheSellerWroteOne()
    {
        Assert.Equal("달항아리", Formatting.Title("Moon jar", "달항아리", Ko));
        Assert.Equal("Moon jar", Formatting.Title("Moon jar", "달항아리", En));
        Assert.Equal("Moon jar", Formatting.Title("Moon jar", " ", Ko));
    }

    [Theory]
    [InlineData("/orders", "/orders")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData(null, "/")]
    public void ReturnUrls_StayOnThisSite(string? url, string expected) => Assert.Equal(expected, Formatting.LocalUrl(url));

    [Theory]
    [InlineData("3", 3)]
    [InlineData("0", 0)]
    [InlineData("abc", null)]
    [InlineData("-1", null)]
    [InlineData("99999999999", null)]
    [InlineData(null, null)]
    public void PageNumbersFromTheAddressBar_NeverBreakAPage(string? text, int? expected) => Assert.Equal(expected, Formatting.PositiveInt(text));

    [Fact]
    public void FormErrors_ShowNestedServiceErrorsUnderTheirField()
    {
        var errors = new FormErrors();
        errors.From(new Dots.Infrastructure.RequestValidationException(new Dictionary<string, string[]>
        {
            ["shippingAddress.city"] = ["The city is required."],
            ["payment.cardNumber"] = ["The card number is not valid."],
        }));
        Assert.Equal(["The city is required."], errors.For("shippingAddress.city"));
        Assert.Equal(["The card number is not valid."], errors.For("payment"));
        Assert.False(errors.Has("shippingAddress.name"));
    }

    [Fact]
    public void VariantOptions_ParseFromWhatASellerTypes()
    {
        var options = Dots.Modules.Catalog.Pages.Sell.VariantInput.ParseOptions("size=M, color: Ivory; Large");
        Assert.Equal("M", options["size"]);
        Assert.Equal("Ivory", options["color"]);
        Assert.Equal("Large", options["option"]);
    }
}
