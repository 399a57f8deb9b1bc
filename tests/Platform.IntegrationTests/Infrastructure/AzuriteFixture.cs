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
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static Process? _started;
    private static int _users;

    public string StorageConnectionString => ConnectionString;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string AzuriteScript => Path.Combine(RepositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");

    public async Task InitializeAsync()
    {
        // Collections run in parallel (docs/testing.md): one start, shared by every fixture that asks, stopped by the last one.
        await Gate.WaitAsync();
        try
        {
            _users++;
            if (Ports.All(IsListening))
            {
                return;
            }

            await EnsureInstalledAsync();
            var azurite = AzuriteScript;
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
        finally
        {
            Gate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (--_users > 0)
            {
                return;
            }

            if (_started is { HasExited: false })
            {
                _started.Kill(entireProcessTree: true);
                _started.WaitForExit(10_000);
            }

            _started?.Dispose();
            _started = null;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The repository's pinned Azurite, installed (npm ci) once when node_modules lacks it.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (!File.Exists(AzuriteScript))
            {
                await RunAsync("npm", "ci --no-audit --no-fund", RepositoryRoot, TimeSpan.FromMinutes(5));
            }
        }
        finally
        {
            InstallGate.Release();
        }
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

/// <summary>
/// The lane of the tests on the shared Azurite: the adapters' store tests, the local host's own behaviour (Fixture.Host)
/// and the platform hosts that use fixed-name queues and tables there. They run one after another, and no other lane
/// puts a platform host on this Azurite (docs/testing.md).
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
