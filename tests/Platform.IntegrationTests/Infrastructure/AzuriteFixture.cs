using Xunit;
using System.Diagnostics;
using System.Net.Sockets;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// The one Azurite every integration and end-to-end test shares. Starts it (from the repository's
/// node_modules, installing them when missing) when nothing listens on its ports, and stops only what it started.
/// The ports are 10000-10002 unless AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT and AZURITE_TABLE_PORT move them (the same
/// variables scripts/azurite.sh reads), so two checkouts on one machine can each test against their own emulator.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static readonly int[] Ports =
    [
        PortFromEnvironment("AZURITE_BLOB_PORT", 10000),
        PortFromEnvironment("AZURITE_QUEUE_PORT", 10001),
        PortFromEnvironment("AZURITE_TABLE_PORT", 10002),
    ];

    public static string ConnectionString { get; } = Ports is [10000, 10001, 10002]
        ? "UseDevelopmentStorage=true"
        : "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
          "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
          $"BlobEndpoint=http://127.0.0.1:{Ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{Ports[1]}/devstoreaccount1;" +
          $"TableEndpoint=http://127.0.0.1:{Ports[2]}/devstoreaccount1;";
    private Process? _started;

    public string StorageConnectionString => ConnectionString;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task InitializeAsync()
    {
        if (Ports.All(IsListening))
        {
            return;
        }

        var azurite = Path.Combine(RepositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite))
        {
            await RunAsync("npm", "ci --no-audit --no-fund", RepositoryRoot, TimeSpan.FromMinutes(5));
        }

        var location = Path.Combine(RepositoryRoot, ".azurite", "test");
        Directory.CreateDirectory(location);
        var psi = new ProcessStartInfo("node", $"\"{azurite}\" --silent --skipApiVersionCheck --location \"{location}\" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --blobPort {Ports[0]} --queuePort {Ports[1]} --tablePort {Ports[2]}")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _started = Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start.");
        _started.OutputDataReceived += (_, _) => { };
        _started.ErrorDataReceived += (_, _) => { };
        _started.BeginOutputReadLine();
        _started.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Ports.All(IsListening))
        {
            if (_started.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_started.ExitCode} before listening.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Azurite did not listen on {string.Join('/', Ports)} within 60 s.");
            }

            await Task.Delay(200);
        }
    }

    public Task DisposeAsync()
    {
        if (_started is { HasExited: false })
        {
            _started.Kill(entireProcessTree: true);
            _started.WaitForExit(10_000);
        }

        _started?.Dispose();
        return Task.CompletedTask;
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int PortFromEnvironment(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;

    private static async Task RunAsync(string file, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start.");
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' failed with exit code {process.ExitCode}.");
        }
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Serverless.sln not found above the test output folder.");
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
