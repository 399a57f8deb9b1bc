using Platform.Functions;
using Platform.LocalHost;

// `dotnet run --project host/LocalHost` runs the platform's functions locally on Azurite, as `func start` would.
return await LocalFunctionsHost.RunAsync(
    new FunctionsAppDefinition
    {
        FunctionsAssembly = typeof(PlatformServiceCollectionExtensions).Assembly,
        ConfigureServices = (services, configuration, environment) => services.AddPlatform(configuration, environment),
        DefaultSettingsFile = Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json"),
    },
    args);
