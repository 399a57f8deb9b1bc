using System.Text.RegularExpressions;

namespace Platform.Domain.Identifiers;

/// <summary>
/// Finds identifiers anywhere inside a cell (M4.4, M4.5.1 masking verification): the whole value, each part between
/// separators (a comma-joined list of ID numbers, 、-separated names with mobiles, …) and every digit run or e-mail-like
/// run embedded in text ("身份证号420106…"). Each candidate is recognised as strictly as <see cref="IdentifierRecognizer"/>.
/// </summary>
public static partial class IdentifierScanner
{
    /// <summary>Cells longer than this are scanned up to this length only (the product check bounds cell sizes too).</summary>
    public const int MaxScannedLength = 100_000;

    /// <param name="today">The current date in China Standard Time; bounds birth dates.</param>
    public static IdentifierKinds RecognizeAnywhere(string? value, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return IdentifierKinds.None;
        }

        var text = value.Length > MaxScannedLength ? value[..MaxScannedLength] : value;
        var kinds = IdentifierRecognizer.Recognize(text, today);
        foreach (var part in Separators().Split(text))
        {
            kinds |= IdentifierRecognizer.Recognize(part, today);
        }

        foreach (Match run in EmbeddedRuns().Matches(text))
        {
            kinds |= IdentifierRecognizer.Recognize(run.Value, today);
        }

        return kinds;
    }

    [GeneratedRegex(@"[\s,，;；、|/\\()（）\[\]【】<>""'：:=]+", RegexOptions.CultureInvariant)]
    private static partial Regex Separators();

    // Digit runs (ID numbers end in X; bank cards, mobiles), credit-code-like runs and e-mail-like runs.
    [GeneratedRegex(@"[0-9A-Za-z][0-9A-Za-z._%+\-]*@[0-9A-Za-z.\-]+|[0-9A-HJ-NPQRTUWXY]{10,}|\+?[0-9][0-9Xx]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmbeddedRuns();
}
