using System.Text.Json;

namespace Dots.Modules.Delivery;

public readonly record struct GeoPoint(double Latitude, double Longitude);

/// <summary>Great-circle distances and point-in-polygon on latitude/longitude (a city is small enough for planar polygons).</summary>
public static class Geo
{
    private const double EarthRadiusKm = 6371.0088;

    public static double HaversineKm(GeoPoint a, GeoPoint b)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(b.Latitude - a.Latitude);
        var dLon = Rad(b.Longitude - a.Longitude);
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(a.Latitude)) * Math.Cos(Rad(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Ray casting; a point on an edge may fall either way, which zones sharing an edge tolerate.</summary>
    public static bool Contains(IReadOnlyList<GeoPoint> polygon, GeoPoint p)
    {
        var inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            var (a, b) = (polygon[i], polygon[j]);
            if ((a.Latitude > p.Latitude) != (b.Latitude > p.Latitude)
                && p.Longitude < (b.Longitude - a.Longitude) * (p.Latitude - a.Latitude) / (b.Latitude - a.Latitude) + a.Longitude)
            {
                inside = !inside;
            }
        }
        return inside;
    }

    public static IReadOnlyList<GeoPoint> ParsePolygon(string json) =>
        JsonSerializer.Deserialize<double[][]>(json)!.Select(p => new GeoPoint(p[0], p[1])).ToList();

    public static string PolygonJson(IEnumerable<GeoPoint> points) =>
        JsonSerializer.Serialize(points.Select(p => new[] { p.Latitude, p.Longitude }));
}

/// <summary>Travel distances (km) and times (minutes) between points; a road-network matrix can replace the default.</summary>
public interface ITravelMatrix
{
    (double[,] Km, double[,] Minutes) Build(IReadOnlyList<GeoPoint> points);
}

/// <summary>Great-circle distance × a circuity factor, at the night's average speed (ADR 0019).</summary>
public sealed class GreatCircleTravelMatrix(Microsoft.Extensions.Options.IOptions<DeliveryOptions> options) : ITravelMatrix
{
    public (double[,] Km, double[,] Minutes) Build(IReadOnlyList<GeoPoint> points)
    {
        var o = options.Value;
        int n = points.Count;
        var km = new double[n, n];
        var minutes = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                var d = Geo.HaversineKm(points[i], points[j]) * o.CircuityFactor;
                km[i, j] = km[j, i] = d;
                minutes[i, j] = minutes[j, i] = d / o.NightSpeedKmh * 60;
            }
        }
        return (km, minutes);
    }
}
