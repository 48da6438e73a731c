using System.Globalization;
using System.Text;

namespace Dots.Modules.Delivery;

/// <summary>A neighbourhood (동) of a Seoul district (구) with its approximate centroid.</summary>
public sealed record GazetteerPlace(string Id, string Gu, string GuKo, string? Dong, string? DongKo, double Latitude, double Longitude)
{
    public GeoPoint Point => new(Latitude, Longitude);

    /// <summary>"Yeoksam-dong, Gangnam-gu" or "강남구 역삼동" (a district alone when the address named only the 구).</summary>
    public string Label(bool korean) => korean
        ? (DongKo is null ? GuKo : $"{GuKo} {DongKo}")
        : (Dong is null ? Gu : $"{Dong}, {Gu}");
}

/// <summary>What the gazetteer made of an address: the place and what matched (a 동, a road, or only a 구).</summary>
public sealed record GeocodeResult(GazetteerPlace Place, string MatchedOn);

/// <summary>
/// An offline gazetteer of Seoul (ADR 0019, issue 12): a few dozen 구/동 with centroids, a few main roads, and a geocoder
/// that finds them in an address typed in Korean or English ("서울 강남구 역삼1동 123", "152 Teheran-ro, Gangnam-gu").
/// Precision is a neighbourhood (a few hundred metres): enough to pick the zone and plan the night, not to find the door.
/// </summary>
public static class SeoulGazetteer
{
    private static readonly (string Gu, string GuKo, string Dong, string DongKo, double Lat, double Lon, string[] Roads)[] Rows =
    [
        ("Gangnam-gu", "강남구", "Yeoksam-dong", "역삼동", 37.5006, 127.0364, ["Teheran-ro", "테헤란로"]),
        ("Gangnam-gu", "강남구", "Samseong-dong", "삼성동", 37.5140, 127.0565, ["Yeongdong-daero", "영동대로"]),
        ("Gangnam-gu", "강남구", "Apgujeong-dong", "압구정동", 37.5271, 127.0286, ["Apgujeong-ro", "압구정로"]),
        ("Gangnam-gu", "강남구", "Daechi-dong", "대치동", 37.4997, 127.0630, []),
        ("Gangnam-gu", "강남구", "Nonhyeon-dong", "논현동", 37.5110, 127.0290, ["Dosan-daero", "도산대로"]),
        ("Seocho-gu", "서초구", "Seocho-dong", "서초동", 37.4918, 127.0076, ["Seocho-daero", "서초대로"]),
        ("Seocho-gu", "서초구", "Banpo-dong", "반포동", 37.5046, 127.0050, ["Sinbanpo-ro", "신반포로"]),
        ("Seocho-gu", "서초구", "Yangjae-dong", "양재동", 37.4702, 127.0384, []),
        ("Songpa-gu", "송파구", "Jamsil-dong", "잠실동", 37.5080, 127.0830, ["Olympic-ro", "올림픽로"]),
        ("Songpa-gu", "송파구", "Munjeong-dong", "문정동", 37.4858, 127.1224, []),
        ("Songpa-gu", "송파구", "Garak-dong", "가락동", 37.4966, 127.1183, []),
        ("Gangdong-gu", "강동구", "Cheonho-dong", "천호동", 37.5450, 127.1370, []),
        ("Gwangjin-gu", "광진구", "Jayang-dong", "자양동", 37.5346, 127.0822, []),
        ("Gwangjin-gu", "광진구", "Gunja-dong", "군자동", 37.5570, 127.0795, []),
        ("Seongdong-gu", "성동구", "Seongsu-dong", "성수동", 37.5445, 127.0557, []),
        ("Seongdong-gu", "성동구", "Haengdang-dong", "행당동", 37.5590, 127.0360, ["Wangsimni-ro", "왕십리로"]),
        ("Yongsan-gu", "용산구", "Itaewon-dong", "이태원동", 37.5345, 126.9946, ["Itaewon-ro", "이태원로"]),
        ("Yongsan-gu", "용산구", "Hannam-dong", "한남동", 37.5347, 127.0060, []),
        ("Yongsan-gu", "용산구", "Ichon-dong", "이촌동", 37.5220, 126.9720, []),
        ("Yongsan-gu", "용산구", "Hangangno-dong", "한강로동", 37.5300, 126.9650, ["Hangang-daero", "한강대로"]),
        ("Jung-gu", "중구", "Myeong-dong", "명동", 37.5636, 126.9850, []),
        ("Jung-gu", "중구", "Sindang-dong", "신당동", 37.5652, 127.0150, []),
        ("Jongno-gu", "종로구", "Hyehwa-dong", "혜화동", 37.5862, 127.0017, []),
        ("Jongno-gu", "종로구", "Sajik-dong", "사직동", 37.5760, 126.9680, ["Sejong-daero", "세종대로"]),
        ("Jongno-gu", "종로구", "Samcheong-dong", "삼청동", 37.5850, 126.9810, []),
        ("Mapo-gu", "마포구", "Hapjeong-dong", "합정동", 37.5496, 126.9137, ["Yanghwa-ro", "양화로"]),
        ("Mapo-gu", "마포구", "Seogyo-dong", "서교동", 37.5551, 126.9190, []),
        ("Mapo-gu", "마포구", "Gongdeok-dong", "공덕동", 37.5445, 126.9510, ["Mapo-daero", "마포대로"]),
        ("Mapo-gu", "마포구", "Sangam-dong", "상암동", 37.5770, 126.8900, []),
        ("Seodaemun-gu", "서대문구", "Sinchon-dong", "신촌동", 37.5650, 126.9400, []),
        ("Seodaemun-gu", "서대문구", "Yeonhui-dong", "연희동", 37.5680, 126.9310, []),
        ("Eunpyeong-gu", "은평구", "Bulgwang-dong", "불광동", 37.6100, 126.9300, []),
        ("Eunpyeong-gu", "은평구", "Eungam-dong", "응암동", 37.5986, 126.9160, []),
        ("Seongbuk-gu", "성북구", "Seongbuk-dong", "성북동", 37.5960, 126.9960, []),
        ("Seongbuk-gu", "성북구", "Jeongneung-dong", "정릉동", 37.6060, 127.0110, []),
        ("Dongdaemun-gu", "동대문구", "Hoegi-dong", "회기동", 37.5900, 127.0520, []),
        ("Dongdaemun-gu", "동대문구", "Jangan-dong", "장안동", 37.5710, 127.0700, []),
        ("Jungnang-gu", "중랑구", "Myeonmok-dong", "면목동", 37.5870, 127.0870, []),
        ("Gangbuk-gu", "강북구", "Suyu-dong", "수유동", 37.6380, 127.0220, []),
        ("Dobong-gu", "도봉구", "Chang-dong", "창동", 37.6520, 127.0470, []),
        ("Nowon-gu", "노원구", "Sanggye-dong", "상계동", 37.6600, 127.0680, []),
        ("Nowon-gu", "노원구", "Gongneung-dong", "공릉동", 37.6250, 127.0770, []),
        ("Yeongdeungpo-gu", "영등포구", "Yeouido-dong", "여의도동", 37.5250, 126.9250, ["Yeouido-ro", "여의대로"]),
        ("Yeongdeungpo-gu", "영등포구", "Dangsan-dong", "당산동", 37.5340, 126.9020, []),
        ("Yeongdeungpo-gu", "영등포구", "Yeongdeungpo-dong", "영등포동", 37.5160, 126.9070, []),
        ("Guro-gu", "구로구", "Guro-dong", "구로동", 37.4950, 126.8870, []),
        ("Guro-gu", "구로구", "Sindorim-dong", "신도림동", 37.5090, 126.8820, []),
        ("Geumcheon-gu", "금천구", "Gasan-dong", "가산동", 37.4780, 126.8830, []),
        ("Gwanak-gu", "관악구", "Sillim-dong", "신림동", 37.4840, 126.9290, []),
        ("Gwanak-gu", "관악구", "Bongcheon-dong", "봉천동", 37.4820, 126.9530, []),
        ("Dongjak-gu", "동작구", "Sadang-dong", "사당동", 37.4850, 126.9800, []),
        ("Dongjak-gu", "동작구", "Noryangjin-dong", "노량진동", 37.5130, 126.9400, []),
        ("Dongjak-gu", "동작구", "Heukseok-dong", "흑석동", 37.5080, 126.9630, []),
        ("Gangseo-gu", "강서구", "Deungchon-dong", "등촌동", 37.5510, 126.8640, []),
        ("Gangseo-gu", "강서구", "Hwagok-dong", "화곡동", 37.5410, 126.8400, []),
        ("Yangcheon-gu", "양천구", "Mok-dong", "목동", 37.5300, 126.8750, []),
        ("Yangcheon-gu", "양천구", "Sinjeong-dong", "신정동", 37.5180, 126.8560, []),
    ];

    /// <summary>Every neighbourhood, by district then neighbourhood (English names).</summary>
    public static IReadOnlyList<GazetteerPlace> Places { get; } = Rows
        .Select(r => new GazetteerPlace(Slug(r.Dong), r.Gu, r.GuKo, r.Dong, r.DongKo, r.Lat, r.Lon))
        .OrderBy(p => p.Gu, StringComparer.Ordinal).ThenBy(p => p.Dong, StringComparer.Ordinal).ToList();

    /// <summary>A district's own entry: the mean of its neighbourhoods' centroids.</summary>
    public static IReadOnlyList<GazetteerPlace> Districts { get; } = Rows.GroupBy(r => (r.Gu, r.GuKo))
        .Select(g => new GazetteerPlace(Slug(g.Key.Gu), g.Key.Gu, g.Key.GuKo, null, null, Math.Round(g.Average(r => r.Lat), 4), Math.Round(g.Average(r => r.Lon), 4)))
        .OrderBy(p => p.Gu, StringComparer.Ordinal).ToList();

    private static readonly Dictionary<string, GazetteerPlace> ById =
        Places.Concat(Districts).ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);

    // Lookup keys, normalized: a neighbourhood by its stem (역삼, yeoksam), a road by its full name (테헤란로, teheranro), a district by its stem.
    private static readonly Dictionary<string, GazetteerPlace> DongKeys = BuildDongKeys();
    private static readonly Dictionary<string, GazetteerPlace> RoadKeys = Rows
        .SelectMany(r => r.Roads.Select(road => (Key: Normalize(road), Place: ById[Slug(r.Dong)])))
        .ToDictionary(x => x.Key, x => x.Place);
    private static readonly Dictionary<string, GazetteerPlace> GuKeys = Districts
        .SelectMany(d => new[] { (Key: Stem(Normalize(d.Gu), "gu"), d), (Key: Stem(Normalize(d.GuKo), "구"), d) })
        .ToDictionary(x => x.Key, x => x.d);

    private static Dictionary<string, GazetteerPlace> BuildDongKeys()
    {
        var keys = new Dictionary<string, GazetteerPlace>();
        foreach (var p in Places)
        {
            keys[Stem(Normalize(p.Dong!), "dong")] = p;
            keys[Stem(Normalize(p.DongKo!), "동")] = p;
        }
        return keys;
    }

    public static GazetteerPlace? Find(string? id) => id is not null && ById.TryGetValue(id, out var p) ? p : null;

    /// <summary>
    /// Finds the neighbourhood of an address: a 동 named in it (역삼동, 역삼1동, Yeoksam-dong, Yeoksam 1-dong), else one of
    /// the main roads (Teheran-ro), else the 구 alone (its centroid). Null when nothing in the text is in the gazetteer.
    /// </summary>
    public static GeocodeResult? Geocode(params string?[] parts)
    {
        var tokens = Tokens(string.Join(' ', parts.Where(p => !string.IsNullOrWhiteSpace(p))));
        GazetteerPlace? road = null, gu = null;
        foreach (var raw in tokens)
        {
            var token = Normalize(raw);
            if (token.Length == 0)
            {
                continue;
            }
            var isGu = token.EndsWith("gu", StringComparison.Ordinal) && raw.Contains('-') || token.EndsWith('구');
            if (!isGu)
            {
                var stem = Stem(Stem(token, "dong"), "동");
                if (DongKeys.TryGetValue(stem, out var dong) && (stem != token || !GuKeys.ContainsKey(stem)))
                {
                    return new GeocodeResult(dong, "dong");
                }
                if (RoadKeys.TryGetValue(token, out var r))
                {
                    road ??= r;
                }
            }
            var guStem = Stem(Stem(token, "gu"), "구");
            if (GuKeys.TryGetValue(guStem, out var g))
            {
                gu ??= g;
            }
            else if (DongKeys.TryGetValue(guStem, out var bare) && !isGu)
            {
                return new GeocodeResult(bare, "dong");
            }
        }
        if (road is not null)
        {
            return new GeocodeResult(road, "road");
        }
        return gu is null ? null : new GeocodeResult(gu, "gu");
    }

    // "Yeoksam 1-dong" is one neighbourhood: a token that is only a number and "dong" joins the word before it.
    private static IEnumerable<string> Tokens(string text)
    {
        var words = text.Split([' ', ',', '\t', '\n', '\r', '(', ')', '/'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            if (i + 1 < words.Length && Normalize(words[i + 1]) is "dong" or "동" or "gu" or "구" or "ro" or "로" or "daero" or "대로")
            {
                yield return words[i] + "-" + words[i + 1];
                i++;
                continue;
            }
            yield return words[i];
        }
    }

    /// <summary>Lower case letters and Hangul only (digits, dashes and dots dropped: 역삼1동 → 역삼동, Teheran-ro → teheranro).</summary>
    internal static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetter(c))
            {
                sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    private static string Stem(string token, string suffix) =>
        token.Length > suffix.Length && token.EndsWith(suffix, StringComparison.Ordinal) ? token[..^suffix.Length] : token;

    private static string Slug(string name) => Normalize(name);
}
