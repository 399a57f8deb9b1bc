using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Domain.Csv;

/// <summary>
/// One field of the platform's CSV downloads (RFC 4180), safe to open in a spreadsheet. A text cell that a spreadsheet
/// would read as a formula — it starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return — is
/// quoted and prefixed with an apostrophe so it shows as text and never runs (CSV/formula injection). A plain number
/// such as <c>-12.5</c> or <c>+3</c> is left as it is: it is no formula, and negative figures stay numbers.
/// Used by the disclosure CSV and the sandbox result CSV; JSON and Parquet forms carry values exactly.
/// </summary>
public static partial class CsvField
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>True when a spreadsheet would run <paramref name="value"/> as a formula (or a DDE call).</summary>
    public static bool IsFormula(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(value);
    }

    /// <summary>
    /// The field as written: a formula-like value quoted with a leading apostrophe; a value holding a comma, quote, CR
    /// or LF quoted; <paramref name="quoteEmpty"/> writes empty text as <c>""</c> (so it differs from a missing value).
    /// </summary>
    public static void Append(StringBuilder line, string value, bool quoteEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(value);
        var formula = IsFormula(value);
        if (formula || (quoteEmpty && value.Length == 0) || value.AsSpan().ContainsAny(NeedsQuotes))
        {
            line.Append('"');
            if (formula)
            {
                line.Append('\'');
            }

            line.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            line.Append(value);
        }
    }

    /// <summary>The field as written (see <see cref="Append"/>).</summary>
    public static string Format(string value, bool quoteEmpty = false)
    {
        var builder = new StringBuilder(value.Length + 3);
        Append(builder, value, quoteEmpty);
        return builder.ToString();
    }

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
