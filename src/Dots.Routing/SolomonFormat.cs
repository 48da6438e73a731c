using System.Globalization;

namespace Dots.Routing;

/// <summary>A malformed instance file; the message names the file and the line.</summary>
public sealed class VrptwFormatException(string message) : Exception(message);

/// <summary>
/// Parser for the Solomon text format, also used by Gehring and Homberger: a name line, a
/// <c>VEHICLE / NUMBER CAPACITY</c> block and one row of seven integers per node, depot first.
/// Parses whitespace-separated tokens, so CRLF and LF line endings and either header spelling work.
/// </summary>
public static class SolomonFormat
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="VrptwFormatException">The content is malformed.</exception>
    public static VrptwInstance Load(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses Solomon-format text; <paramref name="source"/> names it in error messages.</summary>
    public static VrptwInstance Parse(TextReader reader, string source)
    {
        string? name = null;
        int? vehicles = null;
        double capacity = 0;
        bool afterNumberHeader = false;
        var rows = new List<VrptwStop>();
        int lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            name ??= line.Trim();
            var upper = line.ToUpperInvariant();
            if (upper.TrimStart().StartsWith("NUMBER", StringComparison.Ordinal) && upper.Contains("CAPACITY", StringComparison.Ordinal))
            {
                afterNumberHeader = true;
                continue;
            }
            if (!tokens.All(IsNumber))
            {
                if (vehicles != null && rows.Count > 0) throw Error(source, lineNo, $"unexpected text '{line.Trim()}' among the customer rows");
                continue;
            }
            if (afterNumberHeader && vehicles == null)
            {
                if (tokens.Length != 2) throw Error(source, lineNo, "expected two numbers: vehicle count and capacity");
                vehicles = (int)Num(tokens[0], source, lineNo);
                capacity = Num(tokens[1], source, lineNo);
                if (vehicles < 1) throw Error(source, lineNo, "the vehicle count must be at least 1");
                continue;
            }
            if (vehicles == null) throw Error(source, lineNo, "numbers before the VEHICLE NUMBER / CAPACITY block");
            if (tokens.Length != 7) throw Error(source, lineNo, $"expected 7 numbers per customer row, found {tokens.Length}");
            var v = tokens.Select(t => Num(t, source, lineNo)).ToArray();
            int id = (int)v[0];
            if (rows.Count == 0 && id != 0) throw Error(source, lineNo, "the first row must be the depot with CUST NO. 0");
            if (rows.Count > 0 && id != rows.Count) throw Error(source, lineNo, $"expected CUST NO. {rows.Count}, found {id}");
            if (v[5] < v[4]) throw Error(source, lineNo, $"customer {id} has a due date before its ready time");
            if (v[3] < 0 || v[6] < 0) throw Error(source, lineNo, $"customer {id} has a negative demand or service time");
            rows.Add(new VrptwStop(id, v[1], v[2], v[3], v[4], v[5], v[6]));
        }
        if (vehicles == null) throw Error(source, lineNo, "no VEHICLE NUMBER / CAPACITY block found");
        if (rows.Count == 0) throw Error(source, lineNo, "no depot row found");
        return VrptwInstance.FromCoordinates(name ?? Path.GetFileNameWithoutExtension(source), vehicles.Value, capacity, rows[0], rows.Skip(1).ToArray());
    }

    private static bool IsNumber(string token) => double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static double Num(string token, string source, int line) =>
        double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw Error(source, line, $"'{token}' is not a number");

    private static VrptwFormatException Error(string source, int line, string what) => new($"{source}:{line}: {what}");
}
