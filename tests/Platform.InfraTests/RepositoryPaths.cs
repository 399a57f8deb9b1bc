namespace Platform.InfraTests;

/// <summary>Locates files of this repository from wherever the test assembly runs.</summary>
public static class RepositoryPaths
{
    private const string SolutionFileName = "Serverless.sln";

    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The directory that holds Serverless.sln.</summary>
    public static string Root => RootPath.Value;

    public static string InRepository(params string[] relativeSegments) =>
        Path.Combine([Root, .. relativeSegments]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFileName} found in {AppContext.BaseDirectory} or any directory above it.");
    }
}
