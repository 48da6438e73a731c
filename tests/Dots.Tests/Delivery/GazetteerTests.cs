using Dots.Modules.Delivery;

namespace Dots.Tests.Delivery;

public sealed class GazetteerTests
{
    [Theory]
    [InlineData("서울특별시 강남구 역삼1동 123-4", "yeoksamdong", "dong")]
    [InlineData("서울 강남구 역삼동", "yeoksamdong", "dong")]
    [InlineData("12 Yeoksam-dong, Gangnam-gu, Seoul", "yeoksamdong", "dong")]
    [InlineData("Yeoksam 1-dong", "yeoksamdong", "dong")]
    [InlineData("152 Teheran-ro, Seoul 06236", "yeoksamdong", "road")]
    [InlineData("서울 테헤란로 152", "yeoksamdong", "road")]
    [InlineData("마포구 합정동 400", "hapjeongdong", "dong")]
    [InlineData("Seongbuk-dong 3", "seongbukdong", "dong")]
    [InlineData("Seongbuk-gu", "seongbukgu", "gu")]
    [InlineData("서울 송파구 어딘가 5", "songpagu", "gu")]
    [InlineData("Mok-dong, Yangcheon-gu", "mokdong", "dong")]
    [InlineData("면목동 12", "myeonmokdong", "dong")]
    public void Geocode_FindsTheNeighbourhood_InKoreanOrEnglish(string address, string id, string matchedOn)
    {
        var found = SeoulGazetteer.Geocode(address);
        Assert.NotNull(found);
        Assert.Equal(id, found.Place.Id);
        Assert.Equal(matchedOn, found.MatchedOn);
    }

    [Theory]
    [InlineData("12 Seongsu-ro, Busan")]
    [InlineData("1600 Amphitheatre Parkway, Mountain View")]
    [InlineData("")]
    [InlineData(null)]
    public void Geocode_OfAnAddressItDoesNotKnow_IsNull(string? address) => Assert.Null(SeoulGazetteer.Geocode(address));

    [Fact]
    public void TheGazetteer_HasAFewDozenSeoulNeighbourhoods_EachWithADistrict_AndMostInsideTheDemoZones()
    {
        Assert.InRange(SeoulGazetteer.Places.Count, 40, 100);
        Assert.Equal(SeoulGazetteer.Places.Count, SeoulGazetteer.Places.Select(p => p.Id).Distinct().Count());
        Assert.All(SeoulGazetteer.Places, p =>
        {
            Assert.InRange(p.Latitude, 37.42, 37.72);
            Assert.InRange(p.Longitude, 126.76, 127.20);
            Assert.EndsWith("동", p.DongKo);
            Assert.EndsWith("구", p.GuKo);
            Assert.Same(p, SeoulGazetteer.Geocode(p.DongKo)!.Place);
            Assert.Same(p, SeoulGazetteer.Geocode(p.Dong)!.Place);
        });
        Assert.Equal(25, SeoulGazetteer.Districts.Count); // every 구 of Seoul
        var zones = DeliveryDemoSeed.Zones.Select(z => z.Polygon.Select(p => new GeoPoint(p[0], p[1])).ToList()).ToList();
        var inside = SeoulGazetteer.Places.Count(p => zones.Any(z => Geo.Contains(z, p.Point)));
        Assert.True(inside >= SeoulGazetteer.Places.Count - 4, $"{inside} of {SeoulGazetteer.Places.Count} places are in a demo zone");
    }
}
