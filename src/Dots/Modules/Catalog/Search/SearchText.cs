using System.Globalization;
using System.Text;

namespace Dots.Modules.Catalog;

/// <summary>
/// Text analysis shared by indexing and querying: normalisation, words split at script changes, Hangul syllables and
/// their jamo, and bounded edit distances. Pure functions, no state.
/// </summary>
internal static class SearchText
{
    public const int MaxQueryWords = 12;

    public static bool IsHangulSyllable(char c) => c is >= '\uAC00' and <= '\uD7A3';

    /// <summary>Compatibility jamo (ㄱ…ㅣ) a phone keyboard leaves at the end of a word still being typed.</summary>
    public static bool IsCompatibilityJamo(char c) => c is >= '\u3131' and <= '\u318E';

    public static bool IsHangulWord(string w) => w.Length > 0 && IsHangulSyllable(w[0]);

    /// <summary>
    /// Lower-cased words of letters and digits; anything else separates them, and so does a change between Hangul and
    /// other scripts ("kimchi통" is two words). Compatibility jamo are dropped (an unfinished syllable while typing).
    /// </summary>
    public static List<string> Words(string? text, int max = int.MaxValue)
    {
        var words = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return words;
        }
        var current = new StringBuilder();
        var currentHangul = false;
        foreach (var raw in text.Normalize(NormalizationForm.FormC))
        {
            if (words.Count >= max)
            {
                break;
            }
            if (char.IsLetterOrDigit(raw) && !IsCompatibilityJamo(raw))
            {
                var ch = char.ToLower(raw, CultureInfo.InvariantCulture);
                var hangul = IsHangulSyllable(ch);
                if (current.Length > 0 && hangul != currentHangul)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
                currentHangul = hangul;
                current.Append(ch);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0 && words.Count < max)
        {
            words.Add(current.ToString());
        }
        return words;
    }

    /// <summary>A syllable's initial, medial and (optional) final jamo as three code points ("감" → ᄀ ᅡ ᆷ).</summary>
    public static string Jamo(string word)
    {
        var sb = new StringBuilder(word.Length * 3);
        foreach (var c in word)
        {
            if (IsHangulSyllable(c))
            {
                var s = c - 0xAC00;
                sb.Append((char)(0x1100 + s / 588));
                sb.Append((char)(0x1161 + s % 588 / 28));
                if (s % 28 != 0)
                {
                    sb.Append((char)(0x11A7 + s % 28));
                }
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Optimal-string-alignment distance (a swap of neighbours counts one), or max+1 once it exceeds max.</summary>
    public static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }
        var n = a.Length;
        var m = b.Length;
        Span<int> buffer = m < 40 ? stackalloc int[3 * (m + 1)] : new int[3 * (m + 1)];
        var prev2 = buffer[..(m + 1)];
        var prev = buffer.Slice(m + 1, m + 1);
        var cur = buffer.Slice(2 * (m + 1), m + 1);
        for (var j = 0; j <= m; j++)
        {
            prev[j] = j;
        }
        for (var i = 1; i <= n; i++)
        {
            cur[0] = i;
            var rowMin = cur[0];
            for (var j = 1; j <= m; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, prev2[j - 2] + 1);
                }
                cur[j] = v;
                rowMin = Math.Min(rowMin, v);
            }
            if (rowMin > max)
            {
                return max + 1;
            }
            var recycled = prev2;
            prev2 = prev;
            prev = cur;
            cur = recycled;
        }
        return prev[m];
    }

    /// <summary>Edits a Latin word of this length may carry and still match: none below 5 letters, one from 5, two from 9.</summary>
    public static int LatinTypos(int length) => length >= 9 ? 2 : length >= 5 ? 1 : 0;
}
