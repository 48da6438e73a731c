namespace Dots.Modules.Catalog;

/// <summary>One published product as search sees it (both languages, its tags, its category's and shop's names).</summary>
public sealed record SearchDocument(
    string Id, string ShopId, string ShopName, string Category, string CategoryName, string CategoryNameKo,
    string Title, string? TitleKo, string Description, string? DescriptionKo, IReadOnlyList<string> Tags,
    int SoldUnits, decimal Price, string Currency);

/// <summary>How well a product matched: tier first (3 exact title words, 2 literal text, 1 synonyms/syllables/split, 0 typos), then score.</summary>
public sealed record RankedHit(SearchDocument Document, double Score, int Tier, bool ExactTitleMatch);

internal enum MatchKind
{
    Fuzzy = 0,
    Loose = 1,
    Literal = 2,
    Exact = 3,
}

/// <summary>
/// An immutable in-memory index of the published catalogue: a vocabulary of words with their postings (product and the
/// fields the word is in), Hangul bigrams and syllables of every word for sub-word matching, jamo for Hangul typos,
/// and the synonym groups. Built whole from the database (see <see cref="ProductSearchEngine"/>); a query never
/// touches the database.
/// </summary>
internal sealed class SearchIndex
{
    // Fields, as bits of a posting's mask, with the weight a match in each carries.
    private const int FTitle = 0, FTitleKo = 1, FTags = 2, FCategory = 3, FShop = 4, FDescription = 5, FDescriptionKo = 6;
    private static readonly double[] FieldWeight = [1.0, 1.0, 0.7, 0.5, 0.4, 0.35, 0.35];
    private const int TitleMask = (1 << FTitle) | (1 << FTitleKo);

    private readonly SearchDocument[] _docs;
    private readonly string[] _words;
    private readonly Dictionary<string, int> _wordIds;
    private readonly int[][] _postingDocs;
    private readonly int[][] _postingMasks;
    private readonly int[] _latinSorted;
    private readonly Dictionary<string, int[]> _bigrams;
    private readonly Dictionary<char, int[]> _syllables;
    private readonly string?[] _jamo;
    private readonly Dictionary<string, string[]> _synonyms;
    private readonly string[] _normTitles;
    private readonly string[] _normTitlesKo;

    public IReadOnlyList<SearchDocument> Documents => _docs;

    /// <summary>The categories and shops that have published products, with their names compacted for matching.</summary>
    public IReadOnlyList<(CategoryDto Category, string Compact)> Categories { get; }

    public IReadOnlyList<(ShopSuggestionDto Shop, string Compact)> Shops { get; }

    public int VocabularySize => _words.Length;

    private SearchIndex(SearchDocument[] docs, IEnumerable<IReadOnlyList<string>> synonymGroups)
    {
        _docs = docs;
        var postings = new Dictionary<string, Dictionary<int, int>>(StringComparer.Ordinal);
        void Add(int doc, int field, string? text)
        {
            foreach (var w in SearchText.Words(text))
            {
                if (!postings.TryGetValue(w, out var byDoc))
                {
                    postings[w] = byDoc = [];
                }
                byDoc[doc] = byDoc.GetValueOrDefault(doc) | (1 << field);
            }
        }
        _normTitles = new string[docs.Length];
        _normTitlesKo = new string[docs.Length];
        for (var i = 0; i < docs.Length; i++)
        {
            var d = docs[i];
            Add(i, FTitle, d.Title);
            Add(i, FTitleKo, d.TitleKo);
            foreach (var tag in d.Tags)
            {
                Add(i, FTags, tag);
            }
            Add(i, FCategory, d.CategoryName);
            Add(i, FCategory, d.CategoryNameKo);
            Add(i, FShop, d.ShopName);
            Add(i, FDescription, d.Description);
            Add(i, FDescriptionKo, d.DescriptionKo);
            _normTitles[i] = string.Concat(SearchText.Words(d.Title));
            _normTitlesKo[i] = string.Concat(SearchText.Words(d.TitleKo));
        }

        Categories = docs.Select(d => (d.Category, d.CategoryName, d.CategoryNameKo)).Distinct()
            .Select(c => (new CategoryDto(c.Category, c.CategoryName, c.CategoryNameKo), string.Concat(SearchText.Words(c.CategoryName + " " + c.CategoryNameKo)))).ToList();
        Shops = docs.Select(d => (d.ShopId, d.ShopName)).Distinct()
            .Select(x => (new ShopSuggestionDto(x.ShopId, x.ShopName), string.Concat(SearchText.Words(x.ShopName)))).ToList();

        _words = postings.Keys.ToArray();
        _wordIds = new Dictionary<string, int>(_words.Length, StringComparer.Ordinal);
        _postingDocs = new int[_words.Length][];
        _postingMasks = new int[_words.Length][];
        _jamo = new string?[_words.Length];
        var bigrams = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var syllables = new Dictionary<char, List<int>>();
        var latin = new List<int>();
        for (var id = 0; id < _words.Length; id++)
        {
            var w = _words[id];
            _wordIds[w] = id;
            var byDoc = postings[w];
            _postingDocs[id] = byDoc.Keys.ToArray();
            _postingMasks[id] = byDoc.Values.ToArray();
            if (SearchText.IsHangulWord(w))
            {
                _jamo[id] = SearchText.Jamo(w);
                foreach (var c in w.Distinct())
                {
                    (syllables.TryGetValue(c, out var l) ? l : syllables[c] = []).Add(id);
                }
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var k = 0; k + 1 < w.Length; k++)
                {
                    var bg = w.Substring(k, 2);
                    if (seen.Add(bg))
                    {
                        (bigrams.TryGetValue(bg, out var l) ? l : bigrams[bg] = []).Add(id);
                    }
                }
            }
            else
            {
                latin.Add(id);
            }
        }
        _latinSorted = latin.OrderBy(i => _words[i], StringComparer.Ordinal).ToArray();
        _bigrams = bigrams.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        _syllables = syllables.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

        var synonyms = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var group in synonymGroups)
        {
            var terms = group.Select(t => string.Concat(SearchText.Words(t))).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            foreach (var t in terms)
            {
                if (!synonyms.TryGetValue(t, out var set))
                {
                    synonyms[t] = set = new HashSet<string>(StringComparer.Ordinal);
                }
                set.UnionWith(terms.Where(x => x != t));
            }
        }
        _synonyms = synonyms.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    public static SearchIndex Build(IEnumerable<SearchDocument> docs, IEnumerable<IReadOnlyList<string>> synonymGroups) =>
        new(docs.ToArray(), synonymGroups);

    public static readonly SearchIndex Empty = Build([], []);

    // ---- matching one term against the vocabulary ----

    private readonly record struct WordMatch(int Word, double Quality, MatchKind Kind);

    /// <summary>Every vocabulary word a query term stands for, with how good a match it is.</summary>
    private List<WordMatch> MatchTerm(string term, bool allowFuzzy, bool viaSynonym = false, bool forceFuzzy = false)
    {
        var found = new List<WordMatch>();
        var scale = viaSynonym ? 0.85 : 1.0;
        var looseKind = MatchKind.Loose;
        if (SearchText.IsHangulWord(term))
        {
            if (_wordIds.TryGetValue(term, out var exact))
            {
                found.Add(new(exact, 1.0 * scale, viaSynonym ? looseKind : MatchKind.Exact));
            }
            if (term.Length >= 2)
            {
                foreach (var id in HangulContaining(term))
                {
                    var w = _words[id];
                    if (w.Length == term.Length)
                    {
                        continue;
                    }
                    var q = w.StartsWith(term, StringComparison.Ordinal) ? 0.8 : w.EndsWith(term, StringComparison.Ordinal) ? 0.75 : 0.65;
                    found.Add(new(id, q * scale, viaSynonym ? looseKind : MatchKind.Literal));
                }
            }
            else if (_syllables.TryGetValue(term[0], out var withSyllable))
            {
                // One syllable means something only as a whole part of a compound: the head (감귤 for 귤) or the start.
                foreach (var id in withSyllable)
                {
                    var w = _words[id];
                    if (w.Length >= 2 && w.Length <= 5 && (w[^1] == term[0] || w[0] == term[0]))
                    {
                        found.Add(new(id, (w[^1] == term[0] ? 0.55 : 0.45) * scale, looseKind));
                    }
                }
            }
        }
        else
        {
            if (_wordIds.TryGetValue(term, out var exact))
            {
                found.Add(new(exact, 1.0 * scale, viaSynonym ? looseKind : MatchKind.Exact));
            }
            if (term.Length >= 2)
            {
                foreach (var id in LatinWithPrefix(term))
                {
                    if (_words[id].Length != term.Length)
                    {
                        found.Add(new(id, (0.7 + 0.15 * term.Length / _words[id].Length) * scale, viaSynonym ? looseKind : MatchKind.Literal));
                    }
                }
            }
        }

        if (!viaSynonym && _synonyms.TryGetValue(term, out var others))
        {
            foreach (var other in others)
            {
                found.AddRange(MatchTerm(other, allowFuzzy: false, viaSynonym: true));
            }
        }

        if (allowFuzzy && !viaSynonym && (forceFuzzy || !found.Any(f => f.Kind >= MatchKind.Literal)))
        {
            found.AddRange(Fuzzy(term, SearchText.IsHangulWord(term) ? (term.Length >= 2 ? 1 : 0) : SearchText.LatinTypos(term.Length)));
        }
        return found;
    }

    private IEnumerable<int> HangulContaining(string term)
    {
        int[]? smallest = null;
        for (var k = 0; k + 1 < term.Length; k++)
        {
            if (!_bigrams.TryGetValue(term.Substring(k, 2), out var list))
            {
                return [];
            }
            if (smallest is null || list.Length < smallest.Length)
            {
                smallest = list;
            }
        }
        return (smallest ?? []).Where(id => _words[id].Contains(term, StringComparison.Ordinal));
    }

    private IEnumerable<int> LatinWithPrefix(string prefix)
    {
        int lo = 0, hi = _latinSorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (string.CompareOrdinal(_words[_latinSorted[mid]], prefix) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        for (var i = lo; i < _latinSorted.Length && _words[_latinSorted[i]].StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            yield return _latinSorted[i];
        }
    }

    /// <summary>Typos: Latin words (or their prefixes) within the edit budget; Hangul words or their same-length parts within one jamo edit.</summary>
    private List<WordMatch> Fuzzy(string term, int budget)
    {
        var found = new List<WordMatch>();
        if (budget <= 0)
        {
            return found;
        }
        if (SearchText.IsHangulWord(term))
        {
            var jamo = SearchText.Jamo(term);
            // One jamo edit leaves at least one syllable of a two-syllable word intact: candidates share a syllable.
            var candidates = new HashSet<int>();
            foreach (var c in term.Distinct())
            {
                if (_syllables.TryGetValue(c, out var list))
                {
                    candidates.UnionWith(list);
                }
            }
            foreach (var id in candidates)
            {
                var w = _words[id];
                var best = int.MaxValue;
                for (var k = 0; k + term.Length <= w.Length; k++)
                {
                    var d = SearchText.Distance(jamo, SearchText.Jamo(w.Substring(k, term.Length)), budget);
                    best = Math.Min(best, d);
                }
                if (best <= budget)
                {
                    found.Add(new(id, w.Length == term.Length ? 0.45 : 0.38, MatchKind.Fuzzy));
                }
            }
            return found;
        }
        foreach (var id in _latinSorted)
        {
            var w = _words[id];
            if (w.Length < term.Length - budget || char.IsDigit(w[0]) != char.IsDigit(term[0]))
            {
                continue;
            }
            var d = SearchText.Distance(term, w, budget);
            if (d > budget && w.Length > term.Length)
            {
                d = Math.Max(1, SearchText.Distance(term, w[..term.Length], budget)); // a typo in a prefix: "tangerien" → tangerines
            }
            if (d <= budget)
            {
                found.Add(new(id, 0.45 - 0.05 * d, MatchKind.Fuzzy));
            }
        }
        return found;
    }

    // ---- a query: terms, Hangul runs split where spacing differs, and the products every term matched ----

    private sealed class Slot
    {
        public required string Term { get; init; }
        public Dictionary<int, SlotHit> Hits { get; } = [];
    }

    private struct SlotHit
    {
        public double Score;
        public MatchKind Kind;
        public bool ExactInTitle;
    }

    private Slot ToSlot(string term, List<WordMatch> matches)
    {
        var slot = new Slot { Term = term };
        foreach (var m in matches)
        {
            var docs = _postingDocs[m.Word];
            var masks = _postingMasks[m.Word];
            for (var i = 0; i < docs.Length; i++)
            {
                var weight = 0.0;
                for (var f = 0; f < FieldWeight.Length; f++)
                {
                    if ((masks[i] & (1 << f)) != 0)
                    {
                        weight = Math.Max(weight, FieldWeight[f]);
                    }
                }
                var score = m.Quality * weight;
                var exactInTitle = m.Kind == MatchKind.Exact && (masks[i] & TitleMask) != 0;
                if (slot.Hits.TryGetValue(docs[i], out var hit))
                {
                    hit.Score = Math.Max(hit.Score, score);
                    hit.Kind = (MatchKind)Math.Max((int)hit.Kind, (int)m.Kind);
                    hit.ExactInTitle |= exactInTitle;
                    slot.Hits[docs[i]] = hit;
                }
                else
                {
                    slot.Hits[docs[i]] = new SlotHit { Score = score, Kind = m.Kind, ExactInTitle = exactInTitle };
                }
            }
        }
        return slot;
    }

    /// <summary>The query as slots: Latin words one each; a run of Hangul words joined and split again where the catalogue's words are.</summary>
    private List<Slot> Plan(string query, bool allowFuzzy, bool forceFuzzy = false)
    {
        var words = SearchText.Words(query, SearchText.MaxQueryWords);
        var slots = new List<Slot>();
        var cache = new Dictionary<string, List<WordMatch>>(StringComparer.Ordinal);
        List<WordMatch> Match(string t) => cache.TryGetValue(t, out var m) ? m : cache[t] = MatchTerm(t, allowFuzzy, forceFuzzy: forceFuzzy);
        for (var i = 0; i < words.Count;)
        {
            if (!SearchText.IsHangulWord(words[i]))
            {
                slots.Add(ToSlot(words[i], Match(words[i])));
                i++;
                continue;
            }
            var run = new List<string>();
            while (i < words.Count && SearchText.IsHangulWord(words[i]))
            {
                run.Add(words[i++]);
            }
            foreach (var piece in Segment(run, Match))
            {
                slots.Add(ToSlot(piece, Match(piece)));
            }
        }
        return slots;
    }

    /// <summary>
    /// Joins a run of Hangul words and splits it into the fewest, best-matching pieces ("제주귤" → 제주 + 귤,
    /// "김치 통" → 김치통). Falls back to the words as typed when no split matches.
    /// </summary>
    private static List<string> Segment(List<string> run, Func<string, List<WordMatch>> match)
    {
        var s = string.Concat(run);
        if (s.Length > 24)
        {
            return run;
        }
        var n = s.Length;
        var cost = new double[n + 1];
        var from = new int[n + 1];
        Array.Fill(cost, double.PositiveInfinity);
        cost[0] = 0;
        for (var end = 1; end <= n; end++)
        {
            for (var start = Math.Max(0, end - 10); start < end; start++)
            {
                if (double.IsPositiveInfinity(cost[start]))
                {
                    continue;
                }
                var m = match(s[start..end]);
                if (m.Count == 0)
                {
                    continue;
                }
                var best = m.Max(x => x.Kind);
                var c = cost[start] + 1 + best switch { MatchKind.Exact => 0, MatchKind.Literal => 0.1, MatchKind.Loose => 0.5, _ => 0.9 };
                if (c < cost[end])
                {
                    cost[end] = c;
                    from[end] = start;
                }
            }
        }
        if (double.IsPositiveInfinity(cost[n]))
        {
            return run;
        }
        var pieces = new List<string>();
        for (var end = n; end > 0; end = from[end])
        {
            pieces.Add(s[from[end]..end]);
        }
        pieces.Reverse();
        return pieces;
    }

    /// <summary>
    /// Every word must match (AND). Typos are tried for a word that matches nothing literally; if the whole query then
    /// finds nothing, once more with typos for every word (a literal "serun" elsewhere must not hide the serum).
    /// </summary>
    public IReadOnlyList<RankedHit> Search(string query, string? category = null, string? shopId = null, int limit = 1000)
    {
        var hits = Rank(Plan(query, allowFuzzy: true), query, category, shopId, limit);
        return hits.Count > 0 ? hits : Rank(Plan(query, allowFuzzy: true, forceFuzzy: true), query, category, shopId, limit);
    }

    private IReadOnlyList<RankedHit> Rank(List<Slot> slots, string query, string? category, string? shopId, int limit)
    {
        if (slots.Count == 0 || slots.Any(s => s.Hits.Count == 0))
        {
            return [];
        }
        var matched = slots;
        var normQuery = string.Concat(SearchText.Words(query, SearchText.MaxQueryWords));
        var smallest = matched.OrderBy(s => s.Hits.Count).First();
        var hits = new List<RankedHit>();
        foreach (var (doc, _) in smallest.Hits)
        {
            var d = _docs[doc];
            if ((category is not null && d.Category != category) || (shopId is not null && d.ShopId != shopId))
            {
                continue;
            }
            double score = 0;
            var minKind = MatchKind.Exact;
            var allExactInTitle = true;
            var ok = true;
            foreach (var slot in matched)
            {
                if (!slot.Hits.TryGetValue(doc, out var h))
                {
                    ok = false;
                    break;
                }
                score += h.Score;
                minKind = (MatchKind)Math.Min((int)minKind, (int)h.Kind);
                allExactInTitle &= h.ExactInTitle;
            }
            if (!ok)
            {
                continue;
            }
            score /= matched.Count;
            if (normQuery.Length > 0 && (_normTitles[doc] == normQuery || _normTitlesKo[doc] == normQuery))
            {
                score += 0.5; // the whole title, as typed
            }
            else if (normQuery.Length > 1 && (_normTitles[doc].Contains(normQuery, StringComparison.Ordinal) || _normTitlesKo[doc].Contains(normQuery, StringComparison.Ordinal)))
            {
                score += 0.2; // the query as a phrase inside the title
            }
            var exactTitle = allExactInTitle;
            var tier = exactTitle ? 3 : minKind switch { MatchKind.Exact or MatchKind.Literal => 2, MatchKind.Loose => 1, _ => 0 };
            hits.Add(new RankedHit(d, score, tier, exactTitle));
        }
        return hits.OrderByDescending(h => h.Tier).ThenByDescending(h => h.Score).ThenByDescending(h => h.Document.SoldUnits)
            .ThenBy(h => h.Document.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>
    /// For a query that found nothing: the same query with each unknown word replaced by the nearest catalogue word
    /// (a wider typo budget than search uses), if that finds something.
    /// </summary>
    public string? DidYouMean(string query)
    {
        var words = SearchText.Words(query, SearchText.MaxQueryWords);
        if (words.Count == 0)
        {
            return null;
        }
        var changed = false;
        var corrected = new List<string>();
        foreach (var w in words)
        {
            if (MatchTerm(w, allowFuzzy: false).Count > 0 || w.Length < 2)
            {
                corrected.Add(w);
                continue;
            }
            var best = Nearest(w);
            if (best is null)
            {
                corrected.Add(w);
                continue;
            }
            corrected.Add(best);
            changed = true;
        }
        if (!changed)
        {
            // Every word is known but not together: suggest the best-supported word alone.
            if (words.Count > 1)
            {
                var alone = words.Where(w => Search(w, limit: 1).Count > 0).OrderByDescending(w => w.Length).FirstOrDefault();
                return alone;
            }
            return null;
        }
        var text = string.Join(' ', corrected);
        return Search(text, limit: 1).Count > 0 ? text : null;
    }

    private string? Nearest(string w)
    {
        var hangul = SearchText.IsHangulWord(w);
        var budget = hangul ? 2 : w.Length >= 8 ? 3 : w.Length >= 4 ? 2 : 1;
        var jamo = hangul ? SearchText.Jamo(w) : w;
        string? best = null;
        var bestDistance = int.MaxValue;
        var bestDf = 0;
        for (var id = 0; id < _words.Length; id++)
        {
            var candidate = _words[id];
            if (SearchText.IsHangulWord(candidate) != hangul)
            {
                continue;
            }
            var d = SearchText.Distance(jamo, hangul ? _jamo[id]! : candidate, budget);
            // A Hangul word must keep at least half its jamo; a Latin one its first letter or most of it.
            if (d > budget || (!hangul && d >= 2 && candidate[0] != w[0]))
            {
                continue;
            }
            var df = _postingDocs[id].Length;
            if (d < bestDistance || (d == bestDistance && df > bestDf))
            {
                (best, bestDistance, bestDf) = (candidate, d, df);
            }
        }
        return best;
    }

    /// <summary>Products that match any word of the query (typos included), best first: the "nearest matches" of a zero-result page.</summary>
    public IReadOnlyList<SearchDocument> NearestMatches(string query, int limit)
    {
        var slots = Plan(query, allowFuzzy: true);
        var scores = new Dictionary<int, (int Slots, double Score)>();
        foreach (var slot in slots)
        {
            foreach (var (doc, hit) in slot.Hits)
            {
                var s = scores.GetValueOrDefault(doc);
                scores[doc] = (s.Slots + 1, s.Score + hit.Score);
            }
        }
        return scores.OrderByDescending(kv => kv.Value.Slots).ThenByDescending(kv => kv.Value.Score).ThenByDescending(kv => _docs[kv.Key].SoldUnits)
            .Take(limit).Select(kv => _docs[kv.Key]).ToList();
    }

    public IReadOnlyList<SearchDocument> Popular(int limit) =>
        _docs.OrderByDescending(d => d.SoldUnits).ThenBy(d => d.Id, StringComparer.Ordinal).Take(limit).ToList();
}
