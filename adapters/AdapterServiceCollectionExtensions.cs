using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Adapters.Agreements;
using Platform.Adapters.Approvals;
using Platform.Adapters.Audit;
using Platform.Adapters.Calendar;
using Platform.Adapters.DataRequests;
using Platform.Adapters.Disclosure;
using Platform.Adapters.Grants;
using Platform.Adapters.Jobs;
using Platform.Adapters.Masking;
using Platform.Adapters.Organizations;
using Platform.Adapters.OperatorSecurity;
using Platform.Adapters.Oversight;
using Platform.Adapters.Personnel;
using Platform.Adapters.Plans;
using Platform.Adapters.Products;
using Platform.Adapters.Quality;
using Platform.Adapters.Reports;
using Platform.Adapters.Resources;
using Platform.Adapters.Sandbox;
using Platform.Adapters.Scenarios;
using Platform.Adapters.Secrets;
using Platform.Adapters.Time;
using Platform.Domain.Audit;
using Platform.Domain.Secrets;
using Platform.Domain.Time;


namespace Platform.Adapters;

public static class AdapterServiceCollectionExtensions
{
    /// <summary>The storage connection setting shared with the Functions host.</summary>
    public const string StorageConnectionSetting = "AzureWebJobsStorage";

    /// <summary>
    /// Registers the clock and time compression, the secret store, the audit log and trail, and (unless one is
    /// registered already) a <see cref="TableServiceClient"/> for <c>AzureWebJobsStorage</c>. Settings are validated at start-up.
    /// </summary>
    public static IServiceCollection AddPlatformAdapters(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        services.TryAddSingleton<IClock, SystemClock>();
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(_ => CreateTableServiceClient(configuration, _));

        // Time (docs/lifecycles.md)
        services.AddOptions<PlatformTimeOptions>()
            .Bind(configuration.GetSection(PlatformTimeOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlatformTimeOptions>>(new PlatformTimeOptionsValidator(environment.EnvironmentName));
        services.TryAddSingleton(sp => new TimeCompression(sp.GetRequiredService<IOptions<PlatformTimeOptions>>().Value.TimeCompression));

        // Secrets (docs/api.md#signed-links; settings in README.md): Key Vault when a vault is named, settings otherwise.
        services.AddOptions<KeyVaultOptions>()
            .Bind(configuration.GetSection(KeyVaultOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyVaultOptions>, KeyVaultOptionsValidator>());
        if (!string.IsNullOrWhiteSpace(configuration[$"{KeyVaultOptions.SectionName}:{nameof(KeyVaultOptions.VaultUri)}"]))
        {
            services.TryAddSingleton(sp => new SecretClient(
                new Uri(sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.VaultUri!, UriKind.Absolute),
                sp.GetRequiredService<TokenCredential>()));
            services.TryAddSingleton<ISecretStore, KeyVaultSecretStore>();
        }
        else
        {
            services.TryAddSingleton<ISecretStore>(_ => new ConfigurationSecretStore(configuration));
        }

        // Audit (M5.3)
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        services.TryAddSingleton<TableAuditLog>();
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<TableAuditLog>());
        services.TryAddSingleton<IAuditCheckpointStore>(sp => sp.GetRequiredService<TableAuditLog>());
        services.TryAddSingleton<IAuditTrail, AuditTrail>();
        services.TryAddSingleton<IAuditVerificationQueue, QueueAuditVerificationQueue>();
        services.TryAddSingleton<Platform.Domain.Security.ISecurityEventStore, TableSecurityEventStore>();
        services.TryAddSingleton(sp => new AuditCheckpointSigner(sp.GetRequiredService<ISecretStore>(), sp.GetRequiredService<IOptions<AuditOptions>>().Value.CheckpointKeyName));
        services.TryAddSingleton(sp => new AuditVerificationSettings(sp.GetRequiredService<IOptions<AuditOptions>>().Value.CheckpointInterval));
        services.TryAddSingleton<AuditVerificationService>();

        // Records (Table storage, ETag concurrency)
        services.AddOrganizationStores();
        services.AddAgreementStores();
        services.TryAddSingleton<Platform.Domain.Notifications.INotificationOutbox, Notifications.TableNotificationOutbox>();
        services.AddCalendarStore(configuration);
        services.AddPersonnelStores();
        services.AddPlanStores();
        services.AddScenarioStores();
        services.AddApprovalStores();
        services.AddDataRequestStores();
        services.AddGrantStores();
        services.AddResourceStores();
        services.AddJobAdapters();
        services.AddMaskingAdapters();
        services.AddSandboxAdapters();
        services.AddOversightAdapters();
        services.AddOperatorSecurityAdapters();
        services.AddDisclosureAdapters();
        services.AddQualityAdapters();
        services.AddAnnualReportAdapters();
        services.AddProductAdapters();

        return services;
    }

    private static TableServiceClient CreateTableServiceClient(IConfiguration configuration, IServiceProvider services)
    {
        var connectionString = configuration[StorageConnectionSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new TableServiceClient(connectionString);
        }

        // Identity-based connection, as the Functions host understands it: AzureWebJobsStorage__tableServiceUri or __accountName.
        var section = configuration.GetSection(StorageConnectionSetting);
        var serviceUri = section["tableServiceUri"];
        if (string.IsNullOrWhiteSpace(serviceUri) && section["accountName"] is { Length: > 0 } accountName)
        {
            serviceUri = $"https://{accountName}.table.core.windows.net";
        }

        if (!string.IsNullOrWhiteSpace(serviceUri) && Uri.TryCreate(serviceUri, UriKind.Absolute, out var uri))
        {
            return new TableServiceClient(uri, services.GetRequiredService<TokenCredential>());
        }

        throw new InvalidOperationException(
            $"{StorageConnectionSetting} is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite), " +
            $"or {StorageConnectionSetting}__tableServiceUri / {StorageConnectionSetting}__accountName for a managed identity.");
    }
}
