using Azure.Data.Tables;
using Fixture.Functions;
using Microsoft.Extensions.DependencyInjection;
using Platform.LocalHost;

// The local host running the test-only fixture functions, so the host's behaviour is proven apart from the platform's.
return await LocalFunctionsHost.RunAsync(
    new FunctionsAppDefinition
    {
        FunctionsAssembly = typeof(FixtureStore).Assembly,
        ConfigureServices = (services, configuration, _) =>
        {
            services.AddSingleton(new TableServiceClient(configuration["AzureWebJobsStorage"]));
            services.AddSingleton<FixtureStore>();
        },
        DefaultSettingsFile = Path.Combine(AppContext.BaseDirectory, "fixture.settings.json"),
    },
    args);
