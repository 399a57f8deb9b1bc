using System.Diagnostics;
using System.Xml.Linq;

namespace Platform.InfraTests;

public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the Bicep CLI that restore downloads into the NuGet global packages folder (the PackageDownload in
/// Platform.InfraTests.csproj), so the templates are built and linted without the Azure CLI or network access.
/// </summary>
public static class BicepCli
{
    private const string PackageId = "Azure.Bicep.CommandLine.linux-x64";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    public static string MainTemplatePath => RepositoryPaths.InRepository("infra", "main.bicep");

    /// <summary>Path of the bicep executable for the version pinned in the test project.</summary>
    public static string ExecutablePath
    {
        get
        {
            var path = Path.Combine(GlobalPackagesFolder(), PackageId.ToLowerInvariant(), PinnedVersion(), "tools", "bicep");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"Bicep CLI not found at {path}; run 'dotnet restore tests/Platform.InfraTests' to download {PackageId}.", path);
            }

            return path;
        }
    }

    public static Task<BicepRun> BuildToStandardOutputAsync(string templatePath) =>
        RunAsync("build", templatePath, "--stdout");

    public static Task<BicepRun> LintAsync(string templatePath) => RunAsync("lint", templatePath);

    public static async Task<BicepRun> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {RunTimeout}.");
        }

        return new BicepRun(process.ExitCode, await standardOutput, await standardError);
    }

    private static string GlobalPackagesFolder()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
            : configured;
    }

    /// <summary>The version in the project's PackageDownload, so the pin lives in one place.</summary>
    private static string PinnedVersion()
    {
        var projectPath = RepositoryPaths.InRepository("tests", "Platform.InfraTests", "Platform.InfraTests.csproj");
        var download = XDocument.Load(projectPath)
            .Descendants("PackageDownload")
            .SingleOrDefault(element => string.Equals((string?)element.Attribute("Include"), PackageId, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"{projectPath} has no PackageDownload of {PackageId}.");
        var version = (string?)download.Attribute("Version")
            ?? throw new InvalidOperationException($"The PackageDownload of {PackageId} in {projectPath} has no Version.");
        return version.Trim('[', ']', ' ');
    }
}
