using System.Text.RegularExpressions;

namespace Platform.UnitTests.Architecture;

/// <summary>
/// The tests of every test project, read from the sources under <c>tests/</c> as <c>Namespace.Class.Method</c>. Reading
/// sources (not build output) works from a clean clone whatever was built; <see cref="RulesTableTests"/> checks the
/// reader against reflection over this assembly, so a test layout it cannot read fails there first.
/// </summary>
internal static partial class TestSourceCatalog
{
    public static IReadOnlySet<string> ReadAll(string testsRoot)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(testsRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(testsRoot, file).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal))
            {
                continue;
            }

            names.UnionWith(Read(File.ReadAllText(file)));
        }

        return names;
    }

    /// <summary>
    /// The tests in one file: file-scoped namespace, the top-level class (declared at the start of a line) that
    /// encloses the method, and each method carrying <c>[Fact]</c>, <c>[Theory]</c> or <c>[Property]</c>
    /// (qualified or not).
    /// </summary>
    public static IEnumerable<string> Read(string source)
    {
        var ns = FileScopedNamespace().Match(source);
        if (!ns.Success)
        {
            yield break;
        }

        string? type = null;
        var awaitingMethod = false;
        foreach (var line in source.Split('\n'))
        {
            var declaration = TopLevelType().Match(line);
            if (declaration.Success)
            {
                type = declaration.Groups["name"].Value;
                awaitingMethod = false;
                continue;
            }

            if (TestAttribute().IsMatch(line))
            {
                awaitingMethod = true;
                continue;
            }

            if (!awaitingMethod || line.TrimStart().StartsWith('['))
            {
                continue;
            }

            var method = MethodName().Match(line);
            if (method.Success && type is not null)
            {
                awaitingMethod = false;
                yield return $"{ns.Groups["name"].Value}.{type}.{method.Groups["name"].Value}";
            }
        }
    }

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"^(?:public |internal )?(?:sealed |static |abstract |partial )*class\s+(?<name>\w+)")]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^\s*\[(?:[\w.]+\.)?(?:Fact|Theory|Property)(?:Attribute)?\b")]
    private static partial Regex TestAttribute();

    [GeneratedRegex(@"^\s*public\s+(?:static\s+|async\s+)*[\w<>\[\],.?]+\s+(?<name>\w+)\s*\(")]
    private static partial Regex MethodName();
}
