using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// A real SMTP peer on a free loopback port, written for tests: it refuses the first <c>refusals</c> connections with
/// a 421 greeting (service not available, try later) and then accepts mail (or rejects every recipient with 550),
/// keeping each message's raw DATA.
/// Enough of RFC 5321 for one client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _messages = [];
    private readonly Task _loop;
    private int _refusalsLeft;

    private readonly bool _rejectRecipients;

    /// <param name="refusals">Connections answered 421 before mail is accepted.</param>
    /// <param name="rejectRecipients">Answer every RCPT with 550 (mailbox unavailable), a permanent refusal.</param>
    public ScriptedSmtpServer(int refusals, bool rejectRecipients = false)
    {
        _refusalsLeft = refusals;
        _rejectRecipients = rejectRecipients;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public int Connections { get; private set; }

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        Connections++;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        if (Interlocked.Decrement(ref _refusalsLeft) >= 0)
        {
            await writer.WriteLineAsync("421 4.3.2 test.local Service not available, try again later");
            return;
        }

        await writer.WriteLineAsync("220 test.local ESMTP scripted");
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-test.local\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
                        break;
                    case "RCPT" when _rejectRecipients:
                        await writer.WriteLineAsync("550 5.1.1 Mailbox unavailable");
                        break;
                    case "HELO":
                    case "MAIL":
                    case "RCPT":
                    case "RSET":
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.AppendLine(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine);
                        }

                        lock (_messages)
                        {
                            _messages.Add(data.ToString());
                        }

                        await writer.WriteLineAsync("250 2.0.0 Queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognised");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
