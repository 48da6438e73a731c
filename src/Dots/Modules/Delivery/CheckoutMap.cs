using System.Globalization;

namespace Dots.Modules.Delivery;

/// <summary>The checkout's map of Seoul: a fixed frame (no tile server), projected with the latitude's cosine.</summary>
internal static class CheckoutMap
{
    private const double MinLat = 37.44, MaxLat = 37.70, MinLon = 126.79, MaxLon = 127.19;
    private static readonly double K = Math.Cos((MinLat + MaxLat) / 2 * Math.PI / 180);

    public const double Height = 300;
    public static readonly double Width = Math.Round(Height * (MaxLon - MinLon) * K / (MaxLat - MinLat));

    /// <summary>The Han river, roughly, so the city is recognisable.</summary>
    public static readonly GeoPoint[] River =
    [
        new(37.585, 126.79), new(37.565, 126.84), new(37.548, 126.88), new(37.533, 126.92), new(37.519, 126.955), new(37.517, 126.99),
        new(37.524, 127.02), new(37.530, 127.06), new(37.527, 127.09), new(37.540, 127.12), new(37.552, 127.15), new(37.56, 127.19),
    ];

    public static (double X, double Y) Project(GeoPoint p) =>
        ((p.Longitude - MinLon) / (MaxLon - MinLon) * Width, (MaxLat - p.Latitude) / (MaxLat - MinLat) * Height);

    public static string Points(IEnumerable<GeoPoint> points) =>
        string.Join(" ", points.Select(p => { var (x, y) = Project(p); return F(x) + "," + F(y); }));

    public static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
