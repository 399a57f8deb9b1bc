using Microsoft.Extensions.Configuration;
using Platform.Domain.Security;
using Platform.Functions;
using Platform.Functions.Auth;
using Platform.LocalHost;

var app = new FunctionsAppDefinition
{
    FunctionsAssembly = typeof(PlatformServiceCollectionExtensions).Assembly,
    ConfigureServices = (services, configuration, environment) => services.AddPlatform(configuration, environment),
    DefaultSettingsFile = Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json"),
};

// `Platform.LocalHost token --role operator --org org-1 [--sub user-1] [--hours 8]` mints a development token.
if (args.Length > 0 && args[0] == "token")
{
    return MintDevelopmentToken(app, args[1..]);
}

// Otherwise run the platform's functions locally on Azurite, as `func start` would. A queue the app sends to in this process
// is polled at once rather than at the listener's next idle poll (issue 18.2).
Platform.Adapters.Storage.JsonQueueSender.Sent += Platform.LocalHost.Queues.QueueWakeUps.Notify;
return await LocalFunctionsHost.RunAsync(app, args);

static int MintDevelopmentToken(FunctionsAppDefinition app, string[] arguments)
{
    var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    for (var i = 0; i + 1 < arguments.Length; i += 2)
    {
        options[arguments[i].TrimStart('-')] = arguments[i + 1];
    }

    if (!options.TryGetValue("role", out var role) || !Roles.Assignable.Contains(role) || !options.TryGetValue("org", out var organization))
    {
        Console.Error.WriteLine($"usage: token --role <{string.Join("|", Roles.Assignable)}> --org <organisation id> [--sub <subject>] [--hours <lifetime>]");
        return 2;
    }

    var configuration = LocalFunctionsHost.BuildConfiguration(app, []);
    var environment = configuration["AZURE_FUNCTIONS_ENVIRONMENT"] ?? "Production";
    var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
    if (!string.Equals(environment, "Development", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(auth.SigningKey))
    {
        Console.Error.WriteLine("Development tokens need AZURE_FUNCTIONS_ENVIRONMENT=Development and Auth:SigningKey set.");
        return 2;
    }

    var subject = options.GetValueOrDefault("sub") ?? $"{role}-user";
    var hours = double.Parse(options.GetValueOrDefault("hours") ?? "8", System.Globalization.CultureInfo.InvariantCulture);
    Console.WriteLine(DevelopmentTokenIssuer.Mint(auth, role, organization, subject, TimeSpan.FromHours(hours), DateTimeOffset.UtcNow));
    return 0;
}
