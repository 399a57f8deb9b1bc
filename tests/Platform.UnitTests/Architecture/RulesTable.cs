using System.Text.RegularExpressions;

namespace Platform.UnitTests.Architecture;

/// <summary>One row of docs/rules.md: article, rule, code (file and <c>Type.Member</c>) and the tests that prove it.</summary>
internal sealed record RuleRow(int Line, string Article, string Rule, string CodePath, string CodeSymbol, IReadOnlyList<string> Tests);

/// <summary>Reads the rows of the tables in docs/rules.md whose header is <c>| Article | Rule | Code | Test |</c>.</summary>
internal static partial class RulesTable
{
    public const string RelativePath = "docs/rules.md";

    public static IReadOnlyList<RuleRow> Read(string markdown)
    {
        var rows = new List<RuleRow>();
        var inTable = false;
        var lines = markdown.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (!line.StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
            if (cells is ["Article", "Rule", "Code", "Test"])
            {
                inTable = true;
                continue;
            }

            if (!inTable || cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            if (cells.Length != 4)
            {
                throw new FormatException($"{RelativePath}:{index + 1}: a row has {cells.Length} cells instead of 4.");
            }

            var code = Quoted(cells[2]);
            if (code.Count != 2)
            {
                throw new FormatException($"{RelativePath}:{index + 1}: the code cell names a `path` and a `Type.Member`, found {code.Count} quoted parts.");
            }

            rows.Add(new RuleRow(index + 1, cells[0], cells[1], code[0], code[1], Quoted(cells[3])));
        }

        return rows;
    }

    private static List<string> Quoted(string cell) =>
        [.. Backticked().Matches(cell).Select(match => match.Groups[1].Value)];

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
