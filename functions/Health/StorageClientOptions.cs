using Azure.Core;
using Microsoft.Extensions.Options;

namespace Platform.Functions.Health;

/// <summary>
/// Settings section <c>StorageClient</c>: how long the platform's blob, queue and table clients keep trying before they give
/// up (issue 20 item 9). With storage out of reach a request must answer 503 <c>storage.unavailable</c> within its own
/// time, not after the SDK's default minute-scale network timeout and retries, so both are bounded here. Workers and timers
/// retry through their queues and schedules anyway.
/// </summary>
public sealed class StorageClientOptions
{
    public const string SectionName = "StorageClient";

    /// <summary><c>StorageClient:MaxRetries</c>: retries after the first attempt (0–10).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary><c>StorageClient:RetryDelay</c>: the first back-off; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary><c>StorageClient:MaxRetryDelay</c>: the longest back-off between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>StorageClient:NetworkTimeout</c>: how long one attempt may wait for storage to answer. Generous on purpose: an
    /// insert whose answer timed out is sent again by the retry and then meets itself (409), so only storage that does not
    /// answer at all should reach it; refused connections fail at once and are retried after the short delays.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest one storage call can take before the client gives up: every attempt timing out plus the back-offs.</summary>
    public TimeSpan WorstCase => (NetworkTimeout * (MaxRetries + 1)) + (MaxRetryDelay * MaxRetries);

    /// <summary>The longest a whole storage call may take with these settings, checked at start-up.</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(120);

    public T Apply<T>(T options) where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        return options;
    }
}

public sealed class StorageClientOptionsValidator : IValidateOptions<StorageClientOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageClientOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"StorageClient:MaxRetries must be between 0 and 10 (got {options.MaxRetries}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"StorageClient:RetryDelay must be positive and StorageClient:MaxRetryDelay at least as long (got {options.RetryDelay} and {options.MaxRetryDelay}).");
        }

        if (options.NetworkTimeout < TimeSpan.FromSeconds(1) || options.NetworkTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add($"StorageClient:NetworkTimeout must be between 00:00:01 and 00:02:00 (got {options.NetworkTimeout}).");
        }

        if (failures.Count == 0 && options.WorstCase > StorageClientOptions.Ceiling)
        {
            failures.Add($"StorageClient: (MaxRetries + 1) × NetworkTimeout + MaxRetries × MaxRetryDelay is {options.WorstCase}; keep it within {StorageClientOptions.Ceiling} so requests answer 503 in time.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
