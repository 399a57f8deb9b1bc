using System.Text;
using Platform.Domain.Masking;
using Xunit;

namespace Platform.UnitTests.Masking;

/// <summary>Issue 18.3: the faster address truncation gives what the earlier one gave, on many generated addresses.</summary>
public class ChineseAddressEquivalenceTests
{
    [Fact]
    public void TruncateToDistrict_GeneratedAddresses_SameAsEarlierImplementation()
    {
        string[] parts =
        [
            "湖北省", "北京市", "新疆维吾尔自治区", "香港特别行政区", "省", "武汉市", "黔东南苗族侗族自治州", "大兴安岭地区", "锡林郭勒盟",
            "洪山区", "神农架林区", "长阳土家族自治县", "鄂伦春自治旗", "仙桃市", "路南区", "中北路", "解放大道", "街道", "巷", "弄",
            "1037号", "镇", "乡", "村", "自治", "地", "州", "市", "区", "县", "旗", "盟", "大", "街", "A", " ", "·", "珞喻", "东湖",
        ];
        var random = new Random(18);
        var differences = new List<string>();
        for (var i = 0; i < 50_000; i++)
        {
            var text = new StringBuilder();
            var count = random.Next(1, 8);
            for (var p = 0; p < count; p++)
            {
                text.Append(parts[random.Next(parts.Length)]);
            }

            var address = text.ToString();
            if (ChineseAddress.TruncateToDistrict(address) != ReferenceAddress.TruncateToDistrict(address))
            {
                differences.Add(address);
            }
        }

        Assert.Empty(differences);
    }

    // The implementation before issue 18.3, kept as the oracle.
    private static class ReferenceAddress
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
            var city = EarliestSuffix(text, start, CitySuffixes, out var cityAt);
            if (city < 0)
            {
                return -1;
            }

            // A district suffix before the city suffix means there is no prefecture level (湖北省神农架林区).
            var district = EarliestSuffix(text, start, DistrictSuffixes, out var districtAt);
            return district >= 0 && districtAt < cityAt ? -1 : city;
        }

        private static int DistrictEnd(ReadOnlySpan<char> text, int start)
        {
            var end = EarliestSuffix(text, start, DistrictSuffixes, out var at);
            if (end < 0)
            {
                return -1;
            }

            // The district name itself has at least one character, so a street word at the start is part of it (路南区).
            var name = text[(start + 1)..at];
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
        /// <paramref name="start"/>, within <see cref="MaxLevelNameLength"/> characters; -1 when none.
        /// </summary>
        private static int EarliestSuffix(ReadOnlySpan<char> text, int start, string[] suffixes, out int at)
        {
            at = -1;
            var end = -1;
            var windowStart = start + 1;
            if (windowStart >= text.Length)
            {
                return -1;
            }

            var window = text[windowStart..Math.Min(text.Length, start + MaxLevelNameLength + 3)];
            foreach (var suffix in suffixes)
            {
                var index = window.IndexOf(suffix, StringComparison.Ordinal);
                if (index >= 0 && (at < 0 || windowStart + index < at))
                {
                    at = windowStart + index;
                    end = at + suffix.Length;
                }
            }

            return end;
        }
    }
}
