using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.LocalHost.Configuration;

namespace Platform.LocalHost.Durable;

/// <summary>
/// The durable backend of the local host: the Durable Task gRPC sidecar over the Durable Task Framework's Azure
/// Storage provider (the same backend Durable Functions uses by default), on the app's storage account.
/// </summary>
public sealed class DurableSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DurableSidecar(WebApplication app, string address, string taskHub)
    {
        _app = app;
        Address = address;
        TaskHub = taskHub;
    }

    public string Address { get; }

    public string TaskHub { get; }

    public static string ResolveTaskHub(IConfiguration configuration)
    {
        var configured = configuration[$"{SettingsLoader.HostJsonSection}:extensions:durableTask:hubName"];
        var hub = string.IsNullOrWhiteSpace(configured) ? "TestHubName" : SettingsLoader.Resolve(configured, configuration);
        if (hub.Length is < 3 or > 45 || !hub.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(hub[0]))
        {
            throw new InvalidOperationException($"Task hub name '{hub}' (host.json extensions:durableTask:hubName) must be 3-45 letters or digits, starting with a letter.");
        }

        return hub;
    }

    public static async Task<DurableSidecar> StartAsync(IConfiguration configuration, LocalHostOptions host, CancellationToken cancellationToken)
    {
        var taskHub = ResolveTaskHub(configuration);
        var connection = Queues.StorageConnection.Resolve(null, configuration);
        var partitionCount = configuration.GetValue<int?>($"{SettingsLoader.HostJsonSection}:extensions:durableTask:storageProvider:partitionCount") ?? 4;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("DurableTask.AzureStorage", LogLevel.Error);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, host.DurableSidecarPort, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = host.ShutdownTimeout);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(sp => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(connection),
            WorkerId = host.WorkerId,
            PartitionCount = partitionCount,
            MaxQueuePollingInterval = host.DurableMaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = host.DurableMessageVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = host.DurableMessageVisibilityTimeout,
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
        }));
        builder.Services.AddSingleton(sp => new SidecarCompatibleOrchestrationService(sp.GetRequiredService<AzureStorageOrchestrationService>()));
        builder.Services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<SidecarCompatibleOrchestrationService>());
        builder.Services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<SidecarCompatibleOrchestrationService>());
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.Services.GetRequiredService<AzureStorageOrchestrationService>().CreateIfNotExistsAsync();
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return new DurableSidecar(app, address, taskHub);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
