using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// A local host running as a child process, reached over real HTTP. <see cref="Kill"/> is a SIGKILL (kill -9), so
/// tests can crash it mid-work and start it again with the same settings.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly object _outputLock = new();

    private HostProcess(Process process, StringBuilder output, string baseUrl, HostSettings settings)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
        Settings = settings;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BaseUrl { get; }

    public HostSettings Settings { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    public static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string FixtureHostDll => Path.Combine(AzuriteFixture.RepositoryRoot, "tests", "Fixture.Host", "bin", BuildConfiguration, "net10.0", "Fixture.Host.dll");

    public static string PlatformHostDll => Path.Combine(AzuriteFixture.RepositoryRoot, "host", "LocalHost", "bin", BuildConfiguration, "net10.0", "Platform.LocalHost.dll");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Task<HostProcess> StartAsync(string hostDll, HostSettings settings, TimeSpan? readyTimeout = null)
        => StartCoreAsync(hostDll, settings, readyTimeout ?? TimeSpan.FromSeconds(90), expectReady: true);

    /// <summary>Runs a host that is expected to refuse to start; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string hostDll, HostSettings settings, TimeSpan timeout)
    {
        var host = await StartCoreAsync(hostDll, settings, timeout, expectReady: false);
        using var cts = new CancellationTokenSource(timeout);
        await host._process.WaitForExitAsync(cts.Token);
        return (host._process.ExitCode, host.Output);
    }

    private static async Task<HostProcess> StartCoreAsync(string hostDll, HostSettings settings, TimeSpan timeout, bool expectReady)
    {
        if (!File.Exists(hostDll))
        {
            throw new FileNotFoundException($"Host not built: {hostDll}. Build the solution first.");
        }

        var psi = new ProcessStartInfo("dotnet", $"\"{hostDll}\"")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        foreach (var (key, value) in settings.Environment)
        {
            psi.Environment[key] = value;
        }

        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var host = new HostProcess(process, output, settings.BaseUrl, settings);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (host._outputLock)
            {
                output.AppendLine(line);
            }

            if (line.Contains("Local host ready on", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("Host exited before it was ready."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!expectReady)
        {
            return host;
        }

        var finished = await Task.WhenAny(ready.Task, Task.Delay(timeout));
        if (finished != ready.Task || ready.Task.IsFaulted)
        {
            var log = host.Output;
            await host.DisposeAsync();
            throw new InvalidOperationException($"Host did not become ready within {timeout}. Output:\n{log}");
        }

        return host;
    }

    /// <summary>SIGKILL: no graceful shutdown, no flushing, exactly what a crash looks like.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>
/// Environment of one host run: a free port, a task hub and names of its own, so tests never share state. The storage is
/// the shared Azurite unless <paramref name="storageConnectionString"/> names one of the test's own (a
/// <see cref="PrivateAzurite"/>): a host on storage of its own shares no fixed-name queue or table (sandbox-jobs,
/// masking-jobs, sandboxjobs, ...) and no timer sweep with hosts that other test collections run at the same time.
/// </summary>
public sealed class HostSettings
{
    public HostSettings(string? name = null, string? storageConnectionString = null)
    {
        StorageConnectionString = storageConnectionString ?? AzuriteFixture.ConnectionString;
        var unique = Guid.NewGuid().ToString("N")[..10];
        Port = FreePortOrThrow();
        TaskHub = $"t{unique}";
        Environment = new Dictionary<string, string>
        {
            ["LocalHost__Urls"] = BaseUrl,
            ["LocalHost__WorkerId"] = $"test-{unique}",
            ["Durable__TaskHubName"] = TaskHub,
            ["AzureWebJobsStorage"] = StorageConnectionString,
            ["Fixture__WorkQueue"] = $"work-{unique}",
            ["Fixture__Table"] = $"fx{unique}",
            ["Fixture__TickSchedule"] = "0 0 0 1 1 *",
            ["DOTNET_NOLOGO"] = "1",
            // E-mail is off unless a test gives a mail sink of its own (local.settings.sample.json points at the run command's).
            ["Smtp__Host"] = "",
        };
        Name = name ?? unique;
    }

    public string Name { get; }

    /// <summary>The storage account the host runs on (AzureWebJobsStorage).</summary>
    public string StorageConnectionString { get; }

    public int Port { get; }

    public string TaskHub { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public Dictionary<string, string> Environment { get; }

    public string this[string key]
    {
        get => Environment[key];
        set => Environment[key] = value;
    }

    private static int FreePortOrThrow() => HostProcess.FreePort();
}
