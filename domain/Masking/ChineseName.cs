namespace Platform.Domain.Masking;

/// <summary>Splits a Chinese personal name into surname and given name for the name masking rule (M4.4).</summary>
public static class ChineseName
{
    /// <summary>Common two-character surnames 复姓; a name starting with one of these keeps both characters.</summary>
    public static readonly IReadOnlyList<string> CompoundSurnames =
    [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐",
        "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "司空", "澹台", "呼延", "赫连", "钟离", "闻人", "申屠",
        "太史", "公羊", "濮阳", "万俟",
    ];

    /// <summary>
    /// The number of leading characters that form the surname: two for a compound surname followed by at least
    /// one given-name character, otherwise one. Zero for an empty value.
    /// </summary>
    public static int SurnameLength(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return 0;
        }

        if (name.Length >= 3)
        {
            foreach (var surname in CompoundSurnames)
            {
                if (name.StartsWith(surname, StringComparison.Ordinal))
                {
                    return 2;
                }
            }
        }

        return char.IsHighSurrogate(name[0]) && name.Length > 1 ? 2 : 1;
    }

    /// <summary>True for a CJK unified ideograph (basic block, extension A, or a surrogate pair of the supplementary planes).</summary>
    public static bool StartsWithHan(ReadOnlySpan<char> text) =>
        !text.IsEmpty && (text[0] is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF' || char.IsHighSurrogate(text[0]));
}
