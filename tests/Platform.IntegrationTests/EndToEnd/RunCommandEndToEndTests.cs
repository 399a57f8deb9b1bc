using System.Diagnostics;
using System.Net;
using System.Text;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The README's run command on a clean clone: no node_modules, no bin/obj, no Azurite on the ports it will use.
/// It must install and start what it needs and bring the platform up.
/// </summary>
[Collection(IsolatedCollectionB.Name)]
public sealed class RunCommandEndToEndTests
{
    [Fact]
    public async Task RunLocal_FromCleanClone_BringsThePlatformUpAndHealthAnswers200()
    {
        var workspace = Directory.CreateTempSubdirectory("platform-clone-");
        var clone = Path.Combine(workspace.FullName, "repo");
        await RunAsync("git", $"clone --quiet --no-hardlinks \"{AzuriteFixture.RepositoryRoot}\" \"{clone}\"", workspace.FullName, TimeSpan.FromMinutes(2));
        Assert.False(Directory.Exists(Path.Combine(clone, "node_modules")));
        Assert.False(Directory.Exists(Path.Combine(clone, "host", "LocalHost", "bin")));

        var basePort = PortBlock();
        var httpPort = HostProcess.FreePort();
        var psi = new ProcessStartInfo("bash", "scripts/run-local.sh")
        {
            WorkingDirectory = clone,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["AZURITE_BLOB_PORT"] = basePort.ToString();
        psi.Environment["AZURITE_QUEUE_PORT"] = (basePort + 1).ToString();
        psi.Environment["AZURITE_TABLE_PORT"] = (basePort + 2).ToString();
        psi.Environment["LocalHost__Urls"] = $"http://127.0.0.1:{httpPort}";
        psi.Environment["Durable__TaskHubName"] = $"clone{Guid.NewGuid():N}"[..20];
        var sinkPort = HostProcess.FreePort();
        var inboxPort = HostProcess.FreePort();
        psi.Environment["SMTP_SINK_PORT"] = sinkPort.ToString();
        psi.Environment["SMTP_SINK_WEB_PORT"] = inboxPort.ToString();
        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow.AddMinutes(8);
            HttpStatusCode? status = null;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    status = (await http.GetAsync($"http://127.0.0.1:{httpPort}/api/health")).StatusCode;
                    if (status == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(1000);
            }

            Assert.True(status == HttpStatusCode.OK, $"health answered {status?.ToString() ?? "nothing"}; output:\n{output}");
            Assert.True(Directory.Exists(Path.Combine(clone, "node_modules", "azurite")), "the run command should have installed Azurite");
            var inbox = await http.GetAsync($"http://127.0.0.1:{inboxPort}/api/messages");
            Assert.True(inbox.StatusCode == HttpStatusCode.OK, $"the mail inbox answered {inbox.StatusCode}; output:\n{output}");
            Assert.True(AzuriteFixture.IsListening(sinkPort), "the run command should have started the mail sink's SMTP server");
            Assert.Contains($"Mail inbox: http://127.0.0.1:{inboxPort}", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            try
            {
                workspace.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int PortBlock()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = Random.Shared.Next(20000, 29000);
            if (!AzuriteFixture.IsListening(candidate) && !AzuriteFixture.IsListening(candidate + 1) && !AzuriteFixture.IsListening(candidate + 2))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No free block of three ports found.");
    }

    private static async Task RunAsync(string file, string arguments, string workingDirectory, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory, UseShellExecute = false })!;
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        Assert.Equal(0, process.ExitCode);
    }
}
