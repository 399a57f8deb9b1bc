using Microsoft.Extensions.Configuration;

namespace Platform.LocalHost.Configuration;

/// <summary>Settings of the local host itself (section <c>LocalHost</c>); the functions' own settings are app settings.</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>Where HTTP functions listen, like <c>func start</c>'s default.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Port of the in-process Durable Task gRPC sidecar; 0 picks a free one.</summary>
    public int DurableSidecarPort { get; set; }

    /// <summary>Pinned so that after a restart the same worker takes its partition leases back at once.</summary>
    public string WorkerId { get; set; } = $"localhost-{Environment.MachineName}";

    /// <summary>How long a stopping host waits for work in flight before it gives up.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a dequeued message stays invisible while a function runs (renewed at half time). Functions uses 10 minutes.</summary>
    public TimeSpan QueueMessageLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Upper bound of the durable backend's idle polling (Functions' default is 30 s; locally we want quick timers).</summary>
    public TimeSpan DurableMaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a durable message taken by a worker stays invisible to others. After a crash, work in flight waits this
    /// long before it is picked up again (the backend's default, 5 minutes, is long for a developer's restart).
    /// </summary>
    public TimeSpan DurableMessageVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    public static LocalHostOptions From(IConfiguration configuration)
    {
        var options = new LocalHostOptions();
        configuration.GetSection(Section).Bind(options);
        if (string.IsNullOrWhiteSpace(options.Urls))
        {
            throw new InvalidOperationException("LocalHost:Urls must name at least one http:// address.");
        }

        if (options.QueueMessageLease < TimeSpan.FromSeconds(2))
        {
            throw new InvalidOperationException("LocalHost:QueueMessageLease must be at least 2 seconds.");
        }

        if (options.DurableMessageVisibilityTimeout < TimeSpan.FromSeconds(10))
        {
            throw new InvalidOperationException("LocalHost:DurableMessageVisibilityTimeout must be at least 10 seconds.");
        }

        if (string.IsNullOrWhiteSpace(options.WorkerId))
        {
            throw new InvalidOperationException("LocalHost:WorkerId must not be empty.");
        }

        return options;
    }
}

/// <summary>host.json <c>extensions:queues</c>, with the Functions defaults.</summary>
public sealed class QueuesHostOptions
{
    public int BatchSize { get; set; } = 16;

    public int? NewBatchThreshold { get; set; }

    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Delay before a failed message is retried.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    public string MessageEncoding { get; set; } = "base64";

    public int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2;

    public static QueuesHostOptions From(IConfiguration configuration)
    {
        var options = new QueuesHostOptions();
        configuration.GetSection($"{SettingsLoader.HostJsonSection}:extensions:queues").Bind(options);
        if (options.BatchSize is < 1 or > 32)
        {
            throw new InvalidOperationException("host.json extensions:queues:batchSize must be between 1 and 32.");
        }

        if (options.MaxDequeueCount < 1)
        {
            throw new InvalidOperationException("host.json extensions:queues:maxDequeueCount must be at least 1.");
        }

        if (options.MessageEncoding is not ("base64" or "none"))
        {
            throw new InvalidOperationException("host.json extensions:queues:messageEncoding must be 'base64' or 'none'.");
        }

        return options;
    }
}
