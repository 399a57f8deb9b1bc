using System.Diagnostics;
using Xunit;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// An Azurite of a test's own, in memory, on free ports — one the test may stop and start again (storage outage,
/// storage reset), or the storage of a host fixture whose collection runs in parallel with others
/// (<see cref="Platform.IntegrationTests.EndToEnd.PlatformHostFixture"/>). The shared Azurite on 10000-10002 is never touched.
/// </summary>
public sealed class PrivateAzurite : IAsyncDisposable, IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public int BlobPort { get; } = HostProcess.FreePort();

    public int QueuePort { get; } = HostProcess.FreePort();

    public int TablePort { get; } = HostProcess.FreePort();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Starts it (empty: in-memory storage) and waits until all three services listen.</summary>
    public async Task StartAsync()
    {
        await AzuriteFixture.EnsureInstalledAsync();
        var azurite = AzuriteFixture.AzuriteScript;
        var psi = new ProcessStartInfo("node",
            $"\"{azurite}\" --silent --skipApiVersionCheck --inMemoryPersistence --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 " +
            $"--blobPort {BlobPort} --queuePort {QueuePort} --tablePort {TablePort}")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(AzuriteFixture.IsListening(BlobPort) && AzuriteFixture.IsListening(QueuePort) && AzuriteFixture.IsListening(TablePort)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The private Azurite did not listen on {BlobPort}/{QueuePort}/{TablePort}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills it: storage is gone, connections are refused.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    /// <summary>As a class fixture (<c>IClassFixture&lt;PrivateAzurite&gt;</c>): started before the class's first test.</summary>
    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }
}
