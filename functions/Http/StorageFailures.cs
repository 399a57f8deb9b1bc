using System.Net.Sockets;
using Azure;

namespace Platform.Functions.Http;

/// <summary>
/// Which failures mean "storage is out of reach or busy" (issue 20 item 9): answered 503 <c>storage.unavailable</c> with
/// <c>Retry-After</c>, never a 500. The storage client's retry gives up with whatever the last attempts threw: a
/// <see cref="RequestFailedException"/> with status 0 (no answer) or a busy status, an <see cref="AggregateException"/>
/// of connection failures, an <see cref="HttpRequestException"/> or <see cref="SocketException"/>, or a cancellation
/// caused by its own network timeout rather than by the caller.
/// </summary>
public static class StorageFailures
{
    private const int MaxDepth = 8;

    /// <param name="requestAborted">True when the caller went away: a cancellation is then the caller's, not storage's.</param>
    public static bool IsUnavailable(Exception exception, bool requestAborted) => IsUnavailable(exception, requestAborted, 0);

    private static bool IsUnavailable(Exception? exception, bool requestAborted, int depth)
    {
        if (exception is null || depth > MaxDepth)
        {
            return false;
        }

        return exception switch
        {
            RequestFailedException { Status: 0 or 408 or 500 or 502 or 503 or 504 } => true,
            RequestFailedException => false,
            AggregateException aggregate => aggregate.InnerExceptions.Count > 0
                                            && aggregate.InnerExceptions.All(inner => IsUnavailable(inner, requestAborted, depth + 1)),
            HttpRequestException or SocketException or TimeoutException => true,
            OperationCanceledException => !requestAborted,
            IOException when exception.InnerException is SocketException => true,
            _ => false,
        };
    }
}
