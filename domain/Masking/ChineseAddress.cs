using System.Buffers;

namespace Platform.Domain.Masking;

/// <summary>
/// Truncates a mainland Chinese address to its district or county (GB/T 37964-2019 generalisation by
/// truncation, M4.4): province, then prefecture-level city, then the first district / county / banner /
/// county-level city. Heuristic by the administrative suffixes, biased to keep less when unsure.
/// </summary>
public static class ChineseAddress
{
    private static readonly string[] Municipalities = ["北京市", "天津市", "上海市", "重庆市"];

    private static readonly string[] ProvinceSuffixes = ["特别行政区", "自治区", "省"];

    // The longest province name, 新疆维吾尔自治区, has eight characters.
    private const int MaxProvinceLength = 8;

    // Prefecture level: 市, 自治州, 地区, 盟. A bare 州 is not a suffix: it ends 郑州, 杭州 before their 市.
    private static readonly string[] CitySuffixes = ["自治州", "地区", "市", "盟"];

    // County level, including 市辖区, 自治县, 自治旗, 林区, 特区 and county-level cities (a second 市).
    private static readonly string[] DistrictSuffixes = ["区", "县", "旗", "市"];

    // Street-level words: seeing one before a district suffix means the address has no district part.
    private static readonly string[] StreetWords = ["街道", "大道", "路", "街", "巷", "弄", "号", "镇", "乡", "村"];

    // Issue 18.3: the first characters of each list, so that one vectorised search finds the candidates (same results as
    // searching each suffix or word in turn, several times faster).
    private static readonly SearchValues<char> CitySuffixStarts = FirstCharacters(CitySuffixes);
    private static readonly SearchValues<char> DistrictSuffixStarts = FirstCharacters(DistrictSuffixes);
    private static readonly SearchValues<char> StreetWordStarts = FirstCharacters(StreetWords);

    // The longest prefecture or county names (e.g. 黔东南苗族侗族自治州) have ten characters.
    private const int MaxLevelNameLength = 12;

    /// <summary>
    /// The address up to and including its district, e.g. 湖北省武汉市洪山区珞喻路1037号 → 湖北省武汉市洪山区.
    /// When that would not shorten the value (it already stops at the district), the next coarser level is
    /// returned, so that the output never repeats the full original; when no level is recognised, every
    /// character is masked.
    /// </summary>
    public static string TruncateToDistrict(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return address;
        }

        var provinceEnd = ProvinceEnd(text, out var municipality);
        var cityEnd = municipality ? -1 : CityEnd(text, provinceEnd);
        var districtEnd = DistrictEnd(text, cityEnd > 0 ? cityEnd : provinceEnd);

        foreach (var end in (ReadOnlySpan<int>)[districtEnd, cityEnd, provinceEnd])
        {
            if (end > 0 && end < text.Length)
            {
                return new string(text[..end]);
            }
        }

        return new string('*', text.Length);
    }

    private static int ProvinceEnd(ReadOnlySpan<char> text, out bool municipality)
    {
        foreach (var name in Municipalities)
        {
            if (text.StartsWith(name, StringComparison.Ordinal))
            {
                municipality = true;
                return name.Length;
            }
        }

        municipality = false;
        var window = text[..Math.Min(text.Length, MaxProvinceLength)];
        var best = 0;
        foreach (var suffix in ProvinceSuffixes)
        {
            var at = window.IndexOf(suffix, StringComparison.Ordinal);
            if (at > 0 && (best == 0 || at + suffix.Length < best))
            {
                best = at + suffix.Length;
            }
        }

        return best;
    }

    private static int CityEnd(ReadOnlySpan<char> text, int start)
    {
        var city = EarliestSuffix(text, start, CitySuffixes, CitySuffixStarts, out var cityAt);
        if (city < 0)
        {
            return -1;
        }

        // A district suffix before the city suffix means there is no prefecture level (湖北省神农架林区).
        var district = EarliestSuffix(text, start, DistrictSuffixes, DistrictSuffixStarts, out var districtAt);
        return district >= 0 && districtAt < cityAt ? -1 : city;
    }

    private static int DistrictEnd(ReadOnlySpan<char> text, int start)
    {
        var end = EarliestSuffix(text, start, DistrictSuffixes, DistrictSuffixStarts, out var at);
        if (end < 0)
        {
            return -1;
        }

        // The district name itself has at least one character, so a street word at the start is part of it (路南区).
        var name = text[(start + 1)..at];
        if (!name.ContainsAny(StreetWordStarts))
        {
            return end;
        }

        foreach (var word in StreetWords)
        {
            if (name.Contains(word, StringComparison.Ordinal))
            {
                return -1;
            }
        }

        return end;
    }

    /// <summary>
    /// The end of the earliest suffix occurring after at least one name character following
    /// <paramref name="start"/>, within <see cref="MaxLevelNameLength"/> characters; -1 when none. At one position the
    /// suffix listed first wins.
    /// </summary>
    private static int EarliestSuffix(ReadOnlySpan<char> text, int start, string[] suffixes, SearchValues<char> suffixStarts, out int at)
    {
        at = -1;
        var windowStart = start + 1;
        if (windowStart >= text.Length)
        {
            return -1;
        }

        var window = text[windowStart..Math.Min(text.Length, start + MaxLevelNameLength + 3)];
        var offset = 0;
        while (offset < window.Length)
        {
            var found = window[offset..].IndexOfAny(suffixStarts);
            if (found < 0)
            {
                return -1;
            }

            var position = offset + found;
            foreach (var suffix in suffixes)
            {
                if (window[position..].StartsWith(suffix, StringComparison.Ordinal))
                {
                    at = windowStart + position;
                    return at + suffix.Length;
                }
            }

            offset = position + 1;
        }

        return -1;
    }

    private static SearchValues<char> FirstCharacters(string[] words) => SearchValues.Create(words.Select(word => word[0]).Distinct().ToArray());
}
