using System.Collections.Concurrent;

namespace Platform.LocalHost.Queues;

/// <summary>
/// Issue 18.2: wakes a queue's listener in this process as soon as a message is sent to that queue from this process,
/// instead of leaving it to the next idle poll (up to <c>maxPollingInterval</c> later). The Functions host does the same
/// for messages its own queue output bindings write; the app's queue senders call <see cref="Notify"/> here (wired in the
/// local host's Program). Messages sent from elsewhere are still found by polling. At most one wake-up is pending per
/// queue, so a burst of sends costs one extra poll.
/// </summary>
public static class QueueWakeUps
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Signals = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A message was just sent to <paramref name="queueName"/>.</summary>
    public static void Notify(string queueName)
    {
        ArgumentNullException.ThrowIfNull(queueName);
        var signal = For(queueName);
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another sender woke it in between; one wake-up is enough.
            }
        }
    }

    /// <summary>Waits up to <paramref name="delay"/>; true when woken by a send to <paramref name="queueName"/>.</summary>
    public static Task<bool> WaitAsync(string queueName, TimeSpan delay, CancellationToken cancellationToken) =>
        For(queueName).WaitAsync(delay, cancellationToken);

    private static SemaphoreSlim For(string queueName) => Signals.GetOrAdd(queueName, _ => new SemaphoreSlim(0, 1));
}
