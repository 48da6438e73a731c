using System.Globalization;

namespace Dots.Recommend.Data;

/// <summary>
/// Reads <c>user,item[,order...]</c> rows (comma or tab separated, header optional) the way the reference
/// scorer in <c>shared/tools/recsys_eval.py</c> does, so both see the same interactions.
/// </summary>
public static class InteractionCsv
{
    // Column names that carry the order of a user's events; the first one found wins.
    private static readonly string[] OrderColumns = ["basket", "pos", "position", "order", "seq", "timestamp", "time", "ts", "date"];

    public static List<Interaction> Read(string path)
    {
        var result = new List<Interaction>();
        var orderColumn = -1;
        var first = true;
        var lineNo = 0;
        char delimiter = ',';
        foreach (var raw in ReadLines(path))
        {
            lineNo++;
            if (first)
            {
                delimiter = raw.Count(c => c == '\t') > raw.Count(c => c == ',') ? '\t' : ',';
            }
            var cells = raw.Split(delimiter);
            if (cells.Length == 0 || cells[0].Trim().Length == 0)
            {
                continue;
            }
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c] = cells[c].Trim();
            }
            if (first)
            {
                first = false;
                if (IsHeader(cells))
                {
                    for (var c = 2; c < cells.Length && orderColumn < 0; c++)
                    {
                        if (OrderColumns.Contains(cells[c].ToLowerInvariant()))
                        {
                            orderColumn = c;
                        }
                    }
                    continue;
                }
                // Without a header a numeric third column is taken as the order (basket, position, time).
                if (cells.Length > 2 && long.TryParse(cells[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    orderColumn = 2;
                }
            }
            if (cells.Length < 2 || cells[1].Length == 0)
            {
                throw new RecsDataException(path, lineNo, $"expected user,item[,...] but found \"{Shorten(raw)}\"");
            }
            long order = lineNo;
            if (orderColumn >= 0)
            {
                if (cells.Length <= orderColumn || !long.TryParse(cells[orderColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out order))
                {
                    throw new RecsDataException(path, lineNo, $"column {orderColumn + 1} should be an integer order (basket, position or timestamp) but found \"{Shorten(raw)}\"");
                }
            }
            result.Add(new Interaction(cells[0], cells[1], order));
        }
        return result;
    }

    /// <summary>Reads a list of user ids: first column of each row, header <c>user</c> allowed, duplicates dropped.</summary>
    public static List<string> ReadUsers(string path)
    {
        var users = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var first = true;
        foreach (var raw in ReadLines(path))
        {
            var delimiter = raw.Count(c => c == '\t') > raw.Count(c => c == ',') ? '\t' : ',';
            var cells = raw.Split(delimiter);
            var user = cells[0].Trim();
            if (user.Length == 0)
            {
                continue;
            }
            if (first)
            {
                first = false;
                if (IsHeader([.. cells.Select(c => c.Trim())]))
                {
                    continue;
                }
            }
            if (seen.Add(user))
            {
                users.Add(user);
            }
        }
        return users;
    }

    /// <summary>Reads <c>user,item,rank</c> rows into ranked lists, rank 1 first, file order breaking ties.</summary>
    public static Dictionary<string, List<string>> ReadRecommendations(string path)
    {
        var rows = new Dictionary<string, List<(double Rank, int Order, string Item)>>(StringComparer.Ordinal);
        var first = true;
        var lineNo = 0;
        var order = 0;
        foreach (var raw in ReadLines(path))
        {
            lineNo++;
            var delimiter = raw.Count(c => c == '\t') > raw.Count(c => c == ',') ? '\t' : ',';
            var cells = raw.Split(delimiter).Select(c => c.Trim()).ToArray();
            if (cells[0].Length == 0)
            {
                continue;
            }
            if (first)
            {
                first = false;
                if (IsHeader(cells))
                {
                    continue;
                }
            }
            if (cells.Length < 3 || !double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rank))
            {
                throw new RecsDataException(path, lineNo, $"expected user,item,rank but found \"{Shorten(raw)}\"");
            }
            if (!rows.TryGetValue(cells[0], out var list))
            {
                rows[cells[0]] = list = [];
            }
            list.Add((rank, order++, cells[1]));
        }
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (user, list) in rows)
        {
            list.Sort((a, b) => a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : a.Order.CompareTo(b.Order));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            result[user] = [.. list.Select(r => r.Item).Where(seen.Add)];
        }
        return result;
    }

    private static bool IsHeader(string[] cells)
    {
        var c0 = cells[0].ToLowerInvariant();
        if (c0 is "user" or "user_id" or "userid" or "uid")
        {
            return true;
        }
        return cells.Length > 1 && cells[1].ToLowerInvariant() is "item" or "item_id" or "itemid" or "iid";
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new RecsDataException(path, 0, "file not found");
        }
        return File.ReadLines(path);
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
