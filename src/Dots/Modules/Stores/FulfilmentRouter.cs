namespace Dots.Modules.Stores;

/// <summary>A place that could ship an order: its position and what it holds of each variant.</summary>
public sealed record RouteCandidate(string LocationId, string Name, double? Latitude, double? Longitude, IReadOnlyDictionary<string, int> Stock);

public sealed record RouteLine(string VariantId, int Quantity);

/// <summary>Units of one variant to ship from one location, and why that location was chosen.</summary>
public sealed record RouteAllocation(string LocationId, string VariantId, int Quantity, string Reason);

/// <summary>
/// Ship-from-store routing, a pure function: (1) a location that holds every line wins over splitting; (2) among those,
/// the nearest to the customer; (3) on a tie (or without coordinates) the one left with the most stock, so stores stay
/// balanced. Only when no single location can fill the order is it split, line by line, nearest first. Null when even
/// all locations together cannot fill it.
/// </summary>
public static class FulfilmentRouter
{
    public static IReadOnlyList<RouteAllocation>? Route(IReadOnlyList<RouteLine> lines, IReadOnlyList<RouteCandidate> candidates, double? latitude, double? longitude)
    {
        var wanted = lines.GroupBy(l => l.VariantId).Select(g => new RouteLine(g.Key, g.Sum(l => l.Quantity))).ToList();
        int Has(RouteCandidate c, string v) => c.Stock.GetValueOrDefault(v);
        double Distance(RouteCandidate c) => Geo.DistanceKm(latitude, longitude, c.Latitude, c.Longitude) ?? double.MaxValue;
        int Left(RouteCandidate c) => wanted.Sum(l => Has(c, l.VariantId) - l.Quantity);

        var whole = candidates.Where(c => wanted.All(l => Has(c, l.VariantId) >= l.Quantity))
            .OrderBy(c => Math.Round(Distance(c), 1)).ThenByDescending(Left).ThenBy(c => c.LocationId, StringComparer.Ordinal).ToList();
        if (whole.Count > 0)
        {
            var best = whole[0];
            var d = Distance(best);
            var reason = whole.Count == 1
                ? "the only location that holds every item"
                : d < double.MaxValue && Math.Round(Distance(whole[1]), 1) > Math.Round(d, 1)
                    ? $"holds every item and is the nearest of {whole.Count} that do ({d:0.0} km)"
                    : $"holds every item; of {whole.Count} equally near, it keeps the most stock ({Left(best)} units left)";
            return wanted.Select(l => new RouteAllocation(best.LocationId, l.VariantId, l.Quantity, reason)).ToList();
        }

        var result = new List<RouteAllocation>();
        var remaining = candidates.ToDictionary(c => c.LocationId, c => new Dictionary<string, int>(c.Stock));
        foreach (var line in wanted)
        {
            var need = line.Quantity;
            foreach (var c in candidates.OrderBy(c => Math.Round(Distance(c), 1)).ThenByDescending(c => remaining[c.LocationId].GetValueOrDefault(line.VariantId)).ThenBy(c => c.LocationId, StringComparer.Ordinal))
            {
                var take = Math.Min(need, remaining[c.LocationId].GetValueOrDefault(line.VariantId));
                if (take <= 0)
                {
                    continue;
                }
                remaining[c.LocationId][line.VariantId] -= take;
                need -= take;
                result.Add(new RouteAllocation(c.LocationId, line.VariantId, take, "split: no single location holds every item; nearest with stock first"));
                if (need == 0)
                {
                    break;
                }
            }
            if (need > 0)
            {
                return null;
            }
        }
        return result;
    }
}

public static class Geo
{
    /// <summary>Great-circle distance in km; null when either point is unknown.</summary>
    public static double? DistanceKm(double? lat1, double? lon1, double? lat2, double? lon2)
    {
        if (lat1 is not { } a1 || lon1 is not { } o1 || lat2 is not { } a2 || lon2 is not { } o2)
        {
            return null;
        }
        const double R = 6371.0;
        var dLat = (a2 - a1) * Math.PI / 180;
        var dLon = (o2 - o1) * Math.PI / 180;
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(a1 * Math.PI / 180) * Math.Cos(a2 * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * R * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
