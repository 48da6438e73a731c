using System.Globalization;
using System.Text;

namespace Dots.Forecast.Data;

/// <summary>One series of a wide file: its id and its values, and the 1-based line it came from.</summary>
public sealed record WideSeries(string Id, double[] Values, int Line);

/// <summary>A wide file that cannot be read; the message names the file and the line.</summary>
public sealed class WideCsvException(string message) : Exception(message);

/// <summary>
/// Reads and writes the wide format of the M4 files: <c>id,v1,...,vn</c> per line, optional header,
/// optional quotes, ragged rows. Same rules as the reference scorer: trailing empty / NA fields end a
/// shorter series; a missing value between two values is an error, since no method here imputes.
/// </summary>
public static class WideCsv
{
    public static IReadOnlyList<WideSeries> Read(string path)
    {
        if (!File.Exists(path))
            throw new WideCsvException($"{path}: file not found");
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    public static IReadOnlyList<WideSeries> Read(TextReader reader, string name)
    {
        var result = new List<WideSeries>();
        var fields = new List<string>();
        var values = new List<double>();
        int lineNo = 0;
        bool first = true;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || line.Trim().Length == 0)
                continue;
            bool mayBeHeader = first;
            first = false;
            SplitFields(line, fields);
            values.Clear();
            string id = fields[0].Trim();
            int last = fields.Count - 1;
            while (last >= 1 && IsMissing(fields[last]))
                last--;
            // Only the first non-empty line may be a header; anything later that does not parse is a data error.
            bool header = false;
            for (int i = 1; i <= last; i++)
            {
                string f = fields[i].Trim();
                if (IsMissing(f))
                    throw new WideCsvException($"{name}: line {lineNo}: field {i + 1} ('{f}') is missing (empty, NA or NaN) between values; fill it or drop the series");
                if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                {
                    if (mayBeHeader)
                    {
                        header = true;
                        break;
                    }
                    throw new WideCsvException($"{name}: line {lineNo}: field {i + 1} ('{f}') is not a finite number");
                }
                values.Add(v);
            }
            if (header)
                continue;
            if (id.Length == 0)
                throw new WideCsvException($"{name}: line {lineNo}: the series id (first field) is empty");
            if (values.Count == 0)
                throw new WideCsvException($"{name}: line {lineNo}: series '{id}' has no values");
            result.Add(new WideSeries(id, [.. values], lineNo));
        }
        if (result.Count == 0)
            throw new WideCsvException($"{name}: no series found (the file is empty or holds only a header)");
        return result;
    }

    private static bool IsMissing(string field)
    {
        var f = field.AsSpan().Trim();
        return f.Length == 0 || f.Equals("NA", StringComparison.OrdinalIgnoreCase) || f.Equals("NaN", StringComparison.OrdinalIgnoreCase);
    }

    private static void SplitFields(string line, List<string> fields)
    {
        fields.Clear();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                    else quoted = false;
                }
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
    }

    public static void Write(string path, IEnumerable<(string Id, double[] Values)> rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(writer, rows);
    }

    public static void Write(TextWriter writer, IEnumerable<(string Id, double[] Values)> rows)
    {
        var sb = new StringBuilder();
        foreach (var (id, values) in rows)
        {
            sb.Clear();
            sb.Append(id.Contains(',') || id.Contains('"') ? "\"" + id.Replace("\"", "\"\"") + "\"" : id);
            foreach (double v in values)
                sb.Append(',').Append(v.ToString("G10", CultureInfo.InvariantCulture));
            writer.Write(sb.Append('\n'));
        }
    }
}
