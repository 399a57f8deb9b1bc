using System.Reflection;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.LocalHost.Configuration;
using Platform.LocalHost.Discovery;
using Platform.LocalHost.Durable;
using Platform.LocalHost.Http;
using Platform.LocalHost.Queues;
using Platform.LocalHost.Timers;

namespace Platform.LocalHost;

/// <summary>What a local host run needs to know about the functions app it hosts.</summary>
public sealed class FunctionsAppDefinition
{
    /// <summary>The assembly whose <c>[Function]</c> methods are hosted.</summary>
    public required Assembly FunctionsAssembly { get; init; }

    /// <summary>The same service registration the functions app's Program.cs makes.</summary>
    public required Action<IServiceCollection, IConfiguration, IHostEnvironment> ConfigureServices { get; init; }

    /// <summary>A local.settings.json-shaped file whose Values are the embedded defaults (optional).</summary>
    public string? DefaultSettingsFile { get; init; }
}

/// <summary>
/// Runs an isolated-worker Functions app without the Functions Core Tools: HTTP, queue and timer triggers, and
/// orchestrator/activity functions on the Durable Task Framework's Azure Storage backend through a gRPC sidecar.
/// </summary>
public sealed class LocalFunctionsHost : IAsyncDisposable
{
    private readonly DurableSidecar _sidecar;
    private readonly GrpcChannel _channel;

    private LocalFunctionsHost(WebApplication app, DurableSidecar sidecar, GrpcChannel channel, IReadOnlyList<FunctionDescriptor> functions)
    {
        App = app;
        _sidecar = sidecar;
        _channel = channel;
        Functions = functions;
    }

    public WebApplication App { get; }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Builds configuration in the Functions host's order: embedded defaults, host.json, local.settings.json, environment, command line.</summary>
    public static IConfigurationRoot BuildConfiguration(FunctionsAppDefinition definition, string[] args)
    {
        var builder = new ConfigurationBuilder();
        var baseDirectory = AppContext.BaseDirectory;
        var hostJson = Path.Combine(baseDirectory, "host.json");
        if (File.Exists(hostJson))
        {
            builder.AddInMemoryCollection(SettingsLoader.ReadHostJson(hostJson));
        }

        if (definition.DefaultSettingsFile is { } defaults && File.Exists(defaults))
        {
            builder.AddInMemoryCollection(SettingsLoader.ReadLocalSettings(defaults));
        }

        foreach (var candidate in new[] { Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"), Path.Combine(baseDirectory, "local.settings.json") }.Distinct())
        {
            if (File.Exists(candidate))
            {
                builder.AddInMemoryCollection(SettingsLoader.ReadLocalSettings(candidate));
                break;
            }
        }

        builder.AddEnvironmentVariables();
        builder.AddCommandLine(args);
        return builder.Build();
    }

    public static async Task<LocalFunctionsHost> StartAsync(FunctionsAppDefinition definition, string[] args, CancellationToken cancellationToken = default)
    {
        var configuration = BuildConfiguration(definition, args);
        var hostOptions = LocalHostOptions.From(configuration);
        var queueOptions = QueuesHostOptions.From(configuration);
        var functions = FunctionCatalog.Discover(definition.FunctionsAssembly);
        var environmentName = configuration["AZURE_FUNCTIONS_ENVIRONMENT"] ?? configuration["DOTNET_ENVIRONMENT"] ?? configuration["ASPNETCORE_ENVIRONMENT"] ?? Environments.Production;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environmentName,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = definition.FunctionsAssembly.GetName().Name,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(hostOptions.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 100 * 1024 * 1024); // the Functions host's limit
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = hostOptions.ShutdownTimeout);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("DurableTask", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.DurableTask", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        // What the isolated worker's ASP.NET Core integration provides to functions returning IActionResult.
        builder.Services.AddMvcCore();
        builder.Services.AddSingleton(TimeProvider.System);
        definition.ConfigureServices(builder.Services, builder.Configuration, builder.Environment);

        var rootServices = new RootServices();
        var sidecar = await DurableSidecar.StartAsync(configuration, hostOptions, cancellationToken);
        var channel = GrpcChannel.ForAddress(sidecar.Address);
        builder.Services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(registry => RegisterDurableFunctions(registry, functions, rootServices));
        });

        foreach (var function in functions)
        {
            switch (function.Kind)
            {
                case TriggerKind.Queue:
                    builder.Services.AddSingleton<IHostedService>(sp => new QueueTriggerListener(
                        function, sp, configuration, queueOptions, hostOptions, sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Function.{function.Name}")));
                    break;
                case TriggerKind.Timer:
                    // Validate the schedule now, not when the hosted service first runs.
                    TimerSchedules.Parse(SettingsLoader.Resolve(((TimerTriggerAttribute)function.Trigger).Schedule, configuration), function.Name);
                    builder.Services.AddSingleton<IHostedService>(sp => new TimerTriggerScheduler(
                        function, sp, configuration, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Function.{function.Name}")));
                    break;
            }
        }

        var app = builder.Build();
        rootServices.Provider = app.Services;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LocalHost");
        var routePrefix = configuration[$"{SettingsLoader.HostJsonSection}:extensions:http:routePrefix"] ?? "api";
        HttpTriggerEndpoints.Map(app, functions, routePrefix, logger);
        app.MapFallback(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "application/problem+json";
            return context.Response.WriteAsync("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"route.not_found\",\"detail\":\"No function answers this route.\"}");
        });

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await sidecar.DisposeAsync();
            throw;
        }

        foreach (var function in functions)
        {
            logger.LogInformation("Function {Name}: {Kind} {Detail}", function.Name, function.Kind, Describe(function, routePrefix));
        }

        // Written straight to stdout whatever the log levels, so scripts and tests can wait for it.
        Console.Out.WriteLine($"Local host ready on {hostOptions.Urls} (task hub {sidecar.TaskHub}, environment {environmentName}).");
        Console.Out.Flush();
        return new LocalFunctionsHost(app, sidecar, channel, functions);
    }

    private static void RegisterDurableFunctions(DurableTaskRegistry registry, IReadOnlyList<FunctionDescriptor> functions, RootServices root)
    {
        foreach (var function in functions)
        {
            switch (function.Kind)
            {
                case TriggerKind.Orchestration:
                    registry.AddOrchestrator(new TaskName(function.Name), () => new FunctionOrchestrator(function, root.Provider));
                    break;
                case TriggerKind.Activity:
                    registry.AddActivity(new TaskName(function.Name), _ => new FunctionActivity(function, root.Provider));
                    break;
            }
        }
    }

    /// <summary>The worker's registry is built before the app's provider exists; functions resolve from it once built.</summary>
    private sealed class RootServices
    {
        private IServiceProvider? _provider;

        public IServiceProvider Provider
        {
            get => _provider ?? throw new InvalidOperationException("The local host has not finished building its services.");
            set => _provider = value;
        }
    }

    private static string Describe(FunctionDescriptor function, string routePrefix) => function.Trigger switch
    {
        HttpTriggerAttribute http => $"[{string.Join(",", http.Methods ?? ["*"])}] /{routePrefix}/{http.Route ?? function.Name}",
        QueueTriggerAttribute queue => $"queue {queue.QueueName}",
        TimerTriggerAttribute timer => $"schedule {timer.Schedule}",
        _ => "",
    };

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => App.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _channel.Dispose();
        await _sidecar.DisposeAsync();
    }

    /// <summary>Starts, runs until Ctrl+C or SIGTERM, and stops within the bounded shutdown timeout.</summary>
    public static async Task<int> RunAsync(FunctionsAppDefinition definition, string[] args)
    {
        try
        {
            await using var host = await StartAsync(definition, args);
            await host.WaitForShutdownAsync();
            return 0;
        }
        catch (Exception e) when (e is FunctionBindingException or InvalidOperationException or IOException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            Console.Error.WriteLine($"Local host failed to start: {e.Message}");
            return 2;
        }
    }
}
