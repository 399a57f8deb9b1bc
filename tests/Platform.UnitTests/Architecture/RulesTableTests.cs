using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace Platform.UnitTests.Architecture;

/// <summary>docs/rules.md (article → rule → code → test) names only tests and code that exist.</summary>
public sealed partial class RulesTableTests
{
    private static readonly Lazy<IReadOnlyList<RuleRow>> Rows = new(() =>
        RulesTable.Read(File.ReadAllText(RepositoryFiles.PathOf(RulesTable.RelativePath))));

    private static readonly Lazy<IReadOnlySet<string>> AllTests = new(() =>
        TestSourceCatalog.ReadAll(RepositoryFiles.PathOf("tests")));

    [Fact]
    public void RulesTable_EveryTestNamed_ExistsInTheTestSources()
    {
        var missing = Rows.Value
            .SelectMany(row => row.Tests.Select(test => (row.Line, test)))
            .Where(entry => !AllTests.Value.Contains(entry.test))
            .Select(entry => $"line {entry.Line}: {entry.test}")
            .ToList();

        Assert.True(missing.Count == 0, $"docs/rules.md names tests that do not exist:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void RulesTable_EveryCodePathNamed_ExistsWithItsTypeAndMember()
    {
        var problems = new List<string>();
        foreach (var row in Rows.Value)
        {
            var path = RepositoryFiles.PathOf(row.CodePath);
            if (!File.Exists(path))
            {
                problems.Add($"line {row.Line}: no file {row.CodePath}");
                continue;
            }

            var source = File.ReadAllText(path);
            var parts = row.CodeSymbol.Split('.');
            if (!Regex.IsMatch(source, $@"\b(class|record|struct|interface|enum)\s+{Regex.Escape(parts[0])}\b"))
            {
                problems.Add($"line {row.Line}: {row.CodePath} declares no type {parts[0]}");
            }

            if (parts.Length > 1 && !Regex.IsMatch(source, $@"\b{Regex.Escape(parts[^1])}\b"))
            {
                problems.Add($"line {row.Line}: {row.CodePath} has no member {parts[^1]}");
            }
        }

        Assert.True(problems.Count == 0, $"docs/rules.md names code that does not exist:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void RulesTable_EveryRow_CitesArticlesDescribedInMeasuresAndNamesATest()
    {
        var measures = File.ReadAllText(RepositoryFiles.PathOf("docs/measures.md"));
        var described = ArticleHeading().Matches(measures).Select(match => match.Groups["article"].Value).ToHashSet();
        var problems = new List<string>();
        foreach (var row in Rows.Value)
        {
            var articles = row.Article.Split(',', StringSplitOptions.TrimEntries);
            problems.AddRange(articles.Where(a => !ArticleNumber().IsMatch(a)).Select(a => $"line {row.Line}: '{a}' is not an article number"));
            problems.AddRange(articles.Where(a => ArticleNumber().IsMatch(a) && !described.Contains(a)).Select(a => $"line {row.Line}: {a} has no section in docs/measures.md"));
            if (row.Tests.Count == 0 || row.Rule.Length == 0)
            {
                problems.Add($"line {row.Line}: a row needs a rule and at least one test");
            }
        }

        Assert.True(Rows.Value.Count >= 60, $"docs/rules.md has only {Rows.Value.Count} rows.");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Measures_EveryArticleCitedInCode_HasASection()
    {
        var described = ArticleHeading().Matches(File.ReadAllText(RepositoryFiles.PathOf("docs/measures.md")))
            .Select(match => match.Groups["article"].Value)
            .ToHashSet();
        var cited = new[] { "domain", "adapters", "orchestrations", "functions", "host" }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryFiles.PathOf(folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => CitedArticle().Matches(File.ReadAllText(file)).Select(match => (Article: match.Value, File: Path.GetRelativePath(RepositoryFiles.Root, file))))
            .Where(citation => !described.Contains(citation.Article))
            .Select(citation => $"{citation.Article} ({citation.File})")
            .Distinct()
            .ToList();

        Assert.True(cited.Count == 0, $"Articles cited in code without a section in docs/measures.md:\n{string.Join('\n', cited)}");
    }

    [Fact]
    public void Code_Comments_CiteArticlesOrDocsNotAnOutsideSpecification()
    {
        // A reader of the repository alone must be able to follow every rule: comments cite the Measures (M4.3) or docs/.
        var outside = new[] { "domain", "adapters", "orchestrations", "functions", "host", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryFiles.PathOf(folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !file.EndsWith("RulesTableTests.cs", StringComparison.Ordinal))
            .Where(file => File.ReadAllText(file).Contains("SPEC \u00a7", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(RepositoryFiles.Root, file))
            .ToList();

        Assert.True(outside.Count == 0, $"Files citing sections of the outside specification instead of articles or docs/:\n{string.Join('\n', outside)}");
    }

    [Fact]
    public void TestSourceCatalog_ThisAssembly_FindsExactlyTheTestsReflectionFinds()
    {
        var byReflection = typeof(RulesTableTests).Assembly.GetTypes()
            .Where(type => !type.IsNested)
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(method => method.GetCustomAttributes(inherit: true).OfType<FactAttribute>().Any())
                .Select(method => $"{type.FullName}.{method.Name}"))
            .ToHashSet();
        var bySource = AllTests.Value.Where(name => name.StartsWith("Platform.UnitTests.", StringComparison.Ordinal)).ToHashSet();

        Assert.NotEmpty(byReflection);
        Assert.True(byReflection.SetEquals(bySource),
            $"Only by reflection: {string.Join(", ", byReflection.Except(bySource))}; only in the sources: {string.Join(", ", bySource.Except(byReflection))}");
    }

    [Fact]
    public void TestSourceCatalog_Source_ReadsNamespaceTopLevelClassAndTestMethodsOnly()
    {
        // Attributes are written «Fact» here so that this file's own scan does not take the sample for tests.
        var source = """
            namespace Sample.Tests;

            public sealed class WidgetTests
            {
                «Fact»
                public void Spin_Always_Spins() { }

                «Theory»
                «InlineData(1)»
                public async Task Stop_Value_Stops(int value) { await Task.Yield(); }

                public void Helper_NotATest() { }

                private sealed class Nested
                {
                }

                «FsCheck.Xunit.Property»
                public bool Turn_Any_Turns(int value) => value == value;
            }
            """.Replace('«', '[').Replace('»', ']');

        Assert.Equal(
            ["Sample.Tests.WidgetTests.Spin_Always_Spins", "Sample.Tests.WidgetTests.Stop_Value_Stops", "Sample.Tests.WidgetTests.Turn_Any_Turns"],
            TestSourceCatalog.Read(source).ToArray());
    }

    [GeneratedRegex(@"^#+\s+(?<article>M\d(?:\.\d+)+)\b", RegexOptions.Multiline)]
    private static partial Regex ArticleHeading();

    [GeneratedRegex(@"\bM[1-5](?:\.\d+)+\b")]
    private static partial Regex CitedArticle();

    [GeneratedRegex(@"^M\d(\.\d+)+$")]
    private static partial Regex ArticleNumber();
}
