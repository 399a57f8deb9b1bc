using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>Headless Chromium with one page, driven through the Chrome DevTools protocol over a WebSocket.</summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = [];
    private readonly List<TaskCompletionSource> _loadWaiters = [];
    private readonly object _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Headless Chromium is needed for this test: apt-get install chromium.");
        var profile = Directory.CreateTempSubdirectory("chromium-e2e-").FullName;
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank" })
        {
            psi.ArgumentList.Add(argument);
        }

        var process = Process.Start(psi)!;
        var browser = new HeadlessChromium(process, profile);
        var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && DevToolsLine().Match(e.Data) is { Success: true } match)
            {
                endpoint.TrySetResult(match.Groups["port"].Value);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var started = await Task.WhenAny(endpoint.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (started != endpoint.Task)
        {
            await browser.DisposeAsync();
            throw new TimeoutException("Chromium did not open its DevTools endpoint.");
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{endpoint.Task.Result}") };
        var targets = await http.GetFromJsonAsync<JsonElement>("/json/list");
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
        await browser._socket.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), CancellationToken.None);
        browser._reader = Task.Run(browser.ReadLoopAsync);
        await browser.SendAsync("Page.enable");
        await browser.SendAsync("Runtime.enable");
        return browser;
    }

    public async Task NavigateAsync(string url)
    {
        var loaded = NextLoad();
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await WaitAsync(loaded, "page load");
    }

    /// <summary>Runs a script that submits a form and waits for the answer page to load.</summary>
    public async Task SubmitAsync(string script)
    {
        var loaded = NextLoad();
        await EvaluateAsync<JsonElement?>(script + "\nnull");
        await WaitAsync(loaded, "form answer");
    }

    public async Task<T> EvaluateAsync<T>(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (result["exceptionDetails"] is { } exception)
        {
            throw new InvalidOperationException($"Script failed: {exception.ToJsonString()}");
        }

        return result["result"]!["value"] is { } value ? value.Deserialize<T>()! : default!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _socket.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private TaskCompletionSource NextLoad()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _loadWaiters.Add(waiter);
        }

        return waiter;
    }

    private static async Task WaitAsync(TaskCompletionSource waiter, string what)
    {
        if (await Task.WhenAny(waiter.Task, Task.Delay(TimeSpan.FromSeconds(30))) != waiter.Task)
        {
            throw new TimeoutException($"Chromium: no {what} within 30 s.");
        }
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_lock)
        {
            id = ++_nextId;
            _pending[id] = answer;
        }

        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        if (await Task.WhenAny(answer.Task, Task.Delay(TimeSpan.FromSeconds(30))) != answer.Task)
        {
            throw new TimeoutException($"Chromium did not answer {method}.");
        }

        var reply = await answer.Task;
        return reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply["result"]!.AsObject();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                return;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            var json = JsonNode.Parse(message.ToArray())!.AsObject();
            message.SetLength(0);
            lock (_lock)
            {
                if (json["id"] is { } id && _pending.Remove(id.GetValue<int>(), out var waiter))
                {
                    waiter.TrySetResult(json);
                }
                else if (json["method"]?.GetValue<string>() == "Page.loadEventFired")
                {
                    foreach (var load in _loadWaiters)
                    {
                        load.TrySetResult();
                    }

                    _loadWaiters.Clear();
                }
            }
        }
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(?<port>\d+)/")]
    private static partial Regex DevToolsLine();
}
