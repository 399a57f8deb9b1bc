using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Adapters;
using Platform.Functions.Agreements;
using Platform.Functions.Approvals;
using Platform.Functions.Auth;
using Platform.Functions.Contacts;
using Platform.Functions.Contribution;
using Platform.Functions.DataRequests;
using Platform.Functions.Disclosure;
using Platform.Functions.Health;
using Platform.Functions.Http;
using Platform.Functions.Jobs;
using Platform.Functions.Masking;
using Platform.Functions.Notifications;
using Platform.Functions.Sandbox;
using Platform.Functions.OpenApi;
using Platform.Functions.Products;
using Platform.Functions.ProductCompliance;
using Platform.Functions.OperatorSecurity;
using Platform.Functions.Oversight;
using Platform.Functions.Organizations;
using Platform.Functions.Personnel;
using Platform.Functions.Plans;
using Platform.Functions.Portal;
using Platform.Functions.Quality;
using Platform.Functions.Reports;
using Platform.Functions.Scenarios;

namespace Platform.Functions;

public static class PlatformServiceCollectionExtensions
{
    /// <summary>
    /// Everything the HTTP functions need, for both hosts (the Functions worker and the local host): options validated at
    /// start-up, JSON rules, the request pipeline, bearer authentication, storage clients and the OpenAPI document.
    /// The audit log, secret store, clock and time compression come from <c>AddPlatformAdapters</c>.
    /// </summary>
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddPlatformHttp(configuration, environment);
        services.AddPlatformStorageClients(configuration);
        services.AddPlatformAdapters(configuration, environment);
        services.AddOrganizations();
        services.AddAgreements(configuration);
        services.AddPersonnel();
        services.AddPlans();
        services.TryAddSingleton<Platform.Domain.Calendar.CalendarService>();
        services.AddNotificationDelivery(configuration, environment);
        services.AddContacts(configuration);
        services.AddApprovals(configuration);
        services.AddScenarios(configuration);
        services.AddPlatformResources(configuration);
        services.AddDataRequests(configuration);
        services.AddMaskingJobs(configuration);
        services.AddSandboxJobs(configuration);
        services.AddJobReconciliation(configuration);
        services.AddProducts();
        services.AddProductCompliance(configuration);
        services.AddOversight(configuration);
        services.AddOperatorSecurity(configuration);
        services.AddDisclosure(configuration);
        services.AddPortal();
        services.AddQuality(configuration);
        services.AddContribution(configuration);
        services.AddAnnualReports(configuration);
        return services;
    }

    /// <summary>The catalogue (M4.1), with its settings validated at start-up; masking jobs register in <c>AddMaskingJobs</c>.</summary>
    public static IServiceCollection AddPlatformResources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Platform.Domain.Resources.ResourceOptions>().Bind(configuration.GetSection(Platform.Domain.Resources.ResourceOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Platform.Domain.Resources.ResourceOptions>, Resources.ResourceOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<Platform.Domain.Resources.ResourceOptions>>().Value);
        services.TryAddSingleton<Platform.Domain.Resources.ResourceService>();
        services.TryAddSingleton<Platform.Domain.Resources.CatalogService>();
        services.TryAddSingleton<Catalog.CatalogSampleReader>();
        return services;
    }

    public static IServiceCollection AddPlatformHttp(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(environment);
        services.AddLogging();

        services.AddOptions<PlatformHttpOptions>().Bind(configuration.GetSection(PlatformHttpOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlatformHttpOptions>, PlatformHttpOptionsValidator>();

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>>(new AuthOptionsValidator(environment));

        services.TryAddSingleton<JsonSerializerOptions>(PlatformJson.Options);
        services.TryAddSingleton<ProblemDetailsMapper>();
        services.TryAddSingleton<RequestBodyReader>();
        services.TryAddSingleton<ICallerAuthenticator, JwtBearerAuthenticator>();
        services.TryAddSingleton<DevelopmentTokenIssuer>();
        services.TryAddSingleton<ApiHandler>();
        services.TryAddSingleton<IdGenerator>();
        services.TryAddSingleton<OpenApiDocumentProvider>();
        return services;
    }

    /// <summary>Blob, Queue and Table service clients for the <c>AzureWebJobsStorage</c> account; kept if already registered.</summary>
    public static IServiceCollection AddPlatformStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageConnectionOptions>().Configure(options => StorageConnectionOptions.Bind(configuration, options)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageConnectionOptions>, StorageConnectionOptionsValidator>();
        services.AddOptions<StorageClientOptions>().Bind(configuration.GetSection(StorageClientOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageClientOptions>, StorageClientOptionsValidator>();
        services.TryAddSingleton<BlobServiceClient>(provider => Connection(provider).CreateBlobServiceClient(ClientSettings(provider)));
        services.TryAddSingleton<QueueServiceClient>(provider => Connection(provider).CreateQueueServiceClient(ClientSettings(provider)));
        services.TryAddSingleton<TableServiceClient>(provider => Connection(provider).CreateTableServiceClient(ClientSettings(provider)));
        services.TryAddSingleton<StorageHealthCheck>();
        return services;

        static StorageConnectionOptions Connection(IServiceProvider provider) => provider.GetRequiredService<IOptions<StorageConnectionOptions>>().Value;
        static StorageClientOptions ClientSettings(IServiceProvider provider) => provider.GetRequiredService<IOptions<StorageClientOptions>>().Value;
    }
}
