using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// A real local mail sink: smtp4dev (the .NET local tool pinned in .config/dotnet-tools.json) on free SMTP and web
/// ports of its own, so parallel test runs never share an inbox. Received messages are read through its REST API.
/// </summary>
public sealed class Smtp4devSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private Smtp4devSink(Process process, int smtpPort, int webPort)
    {
        _process = process;
        SmtpPort = smtpPort;
        WebPort = webPort;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}"), Timeout = TimeSpan.FromSeconds(20) };
    }

    public int SmtpPort { get; }

    public int WebPort { get; }

    public HttpClient Api { get; }

    public static async Task<Smtp4devSink> StartAsync()
    {
        await RunToEndAsync("dotnet", "tool restore", TimeSpan.FromMinutes(3));
        var smtpPort = HostProcess.FreePort();
        var webPort = HostProcess.FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AzuriteFixture.RepositoryRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "tool", "run", "smtp4dev", "--", $"--urls=http://127.0.0.1:{webPort}", $"--smtpport={smtpPort}", "--bindaddress=127.0.0.1",
                     "--imapport=", "--pop3port=", "--db=", "--nousersettings", "--hostname=localhost", "--messagestokeep=1000" })
        {
            psi.ArgumentList.Add(argument);
        }

        var process = Process.Start(psi)!;
        var sink = new Smtp4devSink(process, smtpPort, webPort);
        process.OutputDataReceived += (_, e) => { lock (sink._output) { sink._output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (sink._output) { sink._output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await sink.Api.GetAsync("/api/messages")).IsSuccessStatusCode && AzuriteFixture.IsListening(smtpPort))
                {
                    return sink;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(300);
        }

        string log;
        lock (sink._output)
        {
            log = sink._output.ToString();
        }

        await sink.DisposeAsync();
        throw new InvalidOperationException($"smtp4dev did not start. Output:\n{log}");
    }

    /// <summary>The messages received for <paramref name="address"/> whose subject contains <paramref name="subjectPart"/>.</summary>
    public async Task<List<JsonElement>> MessagesToAsync(string address, string subjectPart = "")
    {
        var page = await Api.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=1000");
        return page.GetProperty("results").EnumerateArray()
            .Where(m => m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetString(), address, StringComparison.OrdinalIgnoreCase))
                        && m.GetProperty("subject").GetString()!.Contains(subjectPart, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Waits until at least <paramref name="count"/> such messages arrived, then a moment more for stragglers.</summary>
    public async Task<List<JsonElement>> WaitForAsync(string address, string subjectPart, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var found = await MessagesToAsync(address, subjectPart);
            if (found.Count >= count)
            {
                await Task.Delay(1500);
                return await MessagesToAsync(address, subjectPart);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{address} received {found.Count} message(s) about '{subjectPart}', expected {count}.");
            }

            await Task.Delay(500);
        }
    }

    public async Task<string> PlainTextAsync(JsonElement message) => await Api.GetStringAsync($"/api/messages/{message.GetProperty("id").GetString()}/plaintext");

    public async Task<string> HtmlAsync(JsonElement message) => await Api.GetStringAsync($"/api/messages/{message.GetProperty("id").GetString()}/html");

    /// <summary>The value of a header of a received message (e.g. Message-ID).</summary>
    public async Task<string?> HeaderAsync(JsonElement message, string name)
    {
        var full = await Api.GetFromJsonAsync<JsonElement>($"/api/messages/{message.GetProperty("id").GetString()}");
        return full.GetProperty("headers").EnumerateArray()
            .Where(h => string.Equals(h.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase))
            .Select(h => h.GetProperty("value").GetString()).FirstOrDefault();
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task RunToEndAsync(string file, string arguments, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = AzuriteFixture.RepositoryRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed: {await stdout}{await stderr}");
        }
    }
}
