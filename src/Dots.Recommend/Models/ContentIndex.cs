using System.Globalization;
using System.Text;
using Dots.Recommend.Sparse;

namespace Dots.Recommend.Models;

/// <summary>What the catalog knows about a product before anyone buys it.</summary>
public sealed record ItemContent(string Id, string Title, string? Description = null,
    IReadOnlyList<string>? Categories = null, IReadOnlyList<string>? Tags = null);

/// <summary>
/// TF-IDF over words and character 2–3-grams of each word, cosine similarity through an inverted index.
/// Character n-grams matter for Korean: "수분크림" and "수분 크림" or "크림을" share most of their n-grams,
/// while a word tokenizer without a morphological analyser would see unrelated tokens.
/// Cold-start items and users get their neighbours from here.
/// </summary>
public sealed class ContentIndex
{
    private readonly string[] _ids;
    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, int> _features;
    private readonly float[] _idf;
    private readonly SparseRows _docs;     // doc → (feature, weight), L2-normalised
    private readonly SparseRows _postings; // feature → (doc, weight)

    private ContentIndex(string[] ids, Dictionary<string, int> features, float[] idf, SparseRows docs, SparseRows postings)
    {
        _ids = ids;
        _features = features;
        _idf = idf;
        _docs = docs;
        _postings = postings;
        _index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            _index[ids[i]] = i;
        }
    }

    public int Count => _ids.Length;

    public bool Contains(string id) => _index.ContainsKey(id);

    public static ContentIndex Build(IEnumerable<ItemContent> items)
    {
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var features = new Dictionary<string, int>(StringComparer.Ordinal);
        var termCounts = new List<Dictionary<int, int>>();
        foreach (var item in items)
        {
            if (!seen.Add(item.Id))
            {
                continue;
            }
            ids.Add(item.Id);
            var counts = new Dictionary<int, int>();
            foreach (var f in Features(TextOf(item)))
            {
                if (!features.TryGetValue(f, out var id))
                {
                    features[f] = id = features.Count;
                }
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
            termCounts.Add(counts);
        }
        var df = new int[features.Count];
        foreach (var c in termCounts)
        {
            foreach (var f in c.Keys)
            {
                df[f]++;
            }
        }
        var n = ids.Count;
        var idf = df.Select(d => (float)(Math.Log((n + 1.0) / (d + 1.0)) + 1.0)).ToArray();
        var ptr = new int[n + 1];
        var cols = new List<int>();
        var vals = new List<float>();
        for (var d = 0; d < n; d++)
        {
            var (c, v) = Vector(termCounts[d], idf);
            cols.AddRange(c);
            vals.AddRange(v);
            ptr[d + 1] = cols.Count;
        }
        var docs = new SparseRows(ptr, [.. cols], [.. vals]);
        return new ContentIndex([.. ids], features, idf, docs, Transpose(docs, features.Count));
    }

    /// <summary>Items most similar to <paramref name="id"/>, best first; empty when the item has no content.</summary>
    public IReadOnlyList<(string Id, float Score)> SimilarTo(string id, int k) =>
        _index.TryGetValue(id, out var d) ? Query(_docs.RowCols(d), _docs.RowVals(d), k, [d]) : [];

    /// <summary>Items most similar to the sum of several items' vectors (an anonymous session), excluding them.</summary>
    public IReadOnlyList<(string Id, float Score)> SimilarToAny(IEnumerable<string> ids, int k)
    {
        var acc = new Dictionary<int, float>();
        var own = new HashSet<int>();
        foreach (var id in ids)
        {
            if (!_index.TryGetValue(id, out var d))
            {
                continue;
            }
            own.Add(d);
            var c = _docs.RowCols(d);
            var v = _docs.RowVals(d);
            for (var x = 0; x < c.Length; x++)
            {
                acc[c[x]] = acc.GetValueOrDefault(c[x]) + v[x];
            }
        }
        var keys = acc.Keys.Order().ToArray();
        return Query(keys, [.. keys.Select(f => acc[f])], k, own);
    }

    /// <summary>Free-text query against the catalog: personalised search can blend this with the user's scores.</summary>
    public IReadOnlyList<(string Id, float Score)> Search(string text, int k)
    {
        var counts = new Dictionary<int, int>();
        foreach (var f in Features(text))
        {
            if (_features.TryGetValue(f, out var id))
            {
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }
        var (c, v) = Vector(counts, _idf);
        return Query(c, v, k, []);
    }

    private List<(string Id, float Score)> Query(ReadOnlySpan<int> cols, ReadOnlySpan<float> vals, int k, HashSet<int> skip)
    {
        var scores = new float[_ids.Length];
        for (var x = 0; x < cols.Length; x++)
        {
            _postings.AddRow(cols[x], vals[x], scores);
        }
        foreach (var s in skip)
        {
            scores[s] = 0f;
        }
        return [.. TopKHeap.Select(scores, k, 0f).Select(d => (_ids[d], scores[d]))];
    }

    private static (int[] Cols, float[] Vals) Vector(Dictionary<int, int> counts, float[] idf)
    {
        var cols = counts.Keys.Order().ToArray();
        var vals = cols.Select(f => (float)(1 + Math.Log(counts[f])) * idf[f]).ToArray();
        var norm = MathF.Sqrt(vals.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vals.Length; i++)
            {
                vals[i] /= norm;
            }
        }
        return (cols, vals);
    }

    private static SparseRows Transpose(SparseRows m, int columns)
    {
        var counts = new int[columns + 1];
        foreach (var c in m.Cols)
        {
            counts[c + 1]++;
        }
        for (var c = 0; c < columns; c++)
        {
            counts[c + 1] += counts[c];
        }
        var fill = (int[])counts.Clone();
        var cols = new int[m.Cols.Length];
        var vals = new float[m.Cols.Length];
        for (var r = 0; r < m.RowCount; r++)
        {
            for (var x = m.Ptr[r]; x < m.Ptr[r + 1]; x++)
            {
                var at = fill[m.Cols[x]]++;
                cols[at] = r;
                vals[at] = m.Vals[x];
            }
        }
        return new SparseRows(counts, cols, vals);
    }

    private static string TextOf(ItemContent item)
    {
        // The title twice: it is the most specific field a shop fills in.
        var sb = new StringBuilder().Append(item.Title).Append(' ').Append(item.Title).Append(' ').Append(item.Description);
        foreach (var c in item.Categories ?? [])
        {
            sb.Append(' ').Append(c);
        }
        foreach (var t in item.Tags ?? [])
        {
            sb.Append(' ').Append(t);
        }
        return sb.ToString();
    }

    internal static IEnumerable<string> Features(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }
        var normalised = text.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture);
        var word = new StringBuilder();
        foreach (var ch in normalised.Append(' '))
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(ch);
                continue;
            }
            if (word.Length == 0)
            {
                continue;
            }
            var w = word.ToString();
            word.Clear();
            yield return "w:" + w;
            var padded = "<" + w + ">";
            for (var n = 2; n <= 3; n++)
            {
                for (var i = 0; i + n <= padded.Length; i++)
                {
                    yield return padded.Substring(i, n);
                }
            }
        }
    }
}
