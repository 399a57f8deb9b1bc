using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Platform.Adapters.Storage;

namespace Platform.Functions.Health;

/// <summary>
/// The storage account behind <c>AzureWebJobsStorage</c>, in either form the Functions host accepts: a connection
/// string (Azurite locally), or identity-based settings (<c>AzureWebJobsStorage__accountName</c> or
/// <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>, optionally <c>__clientId</c> for a
/// user-assigned managed identity) used with <see cref="DefaultAzureCredential"/>.
/// </summary>
public sealed class StorageConnectionOptions
{
    public const string SettingName = "AzureWebJobsStorage";

    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    public string? ClientId { get; set; }

    public bool UsesIdentity => string.IsNullOrWhiteSpace(ConnectionString);

    public static void Bind(IConfiguration configuration, StorageConnectionOptions options)
    {
        var section = configuration.GetSection(SettingName);
        options.ConnectionString = NullIfBlank(section.Value);
        options.AccountName = NullIfBlank(section["accountName"]);
        options.BlobServiceUri = UriOrNull(section["blobServiceUri"] ?? section["serviceUri"]);
        options.QueueServiceUri = UriOrNull(section["queueServiceUri"]);
        options.TableServiceUri = UriOrNull(section["tableServiceUri"]);
        options.ClientId = NullIfBlank(section["clientId"]);
    }

    public BlobServiceClient CreateBlobServiceClient(StorageClientOptions? client = null)
    {
        var clientOptions = (client ?? new StorageClientOptions()).Apply(new BlobClientOptions());
        return UsesIdentity ? new BlobServiceClient(Endpoint(BlobServiceUri, "blob"), Credential(), clientOptions) : new BlobServiceClient(ConnectionString, clientOptions);
    }

    /// <summary>Messages are Base64 because host.json tells queue triggers to expect that encoding.</summary>
    public QueueServiceClient CreateQueueServiceClient(StorageClientOptions? client = null)
    {
        var clientOptions = (client ?? new StorageClientOptions()).Apply(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        return UsesIdentity
            ? new QueueServiceClient(Endpoint(QueueServiceUri, "queue"), Credential(), clientOptions)
            : new QueueServiceClient(ConnectionString, clientOptions);
    }

    /// <summary>A table client whose calls create a missing table again (a reset or fresh storage account).</summary>
    public TableServiceClient CreateTableServiceClient(StorageClientOptions? client = null)
    {
        var settings = client ?? new StorageClientOptions();
        var clientOptions = settings.Apply(new TableClientOptions()).WithRecreation(plain => CreateTableServiceClient(settings.Apply(plain)));
        return CreateTableServiceClient(clientOptions);
    }

    private TableServiceClient CreateTableServiceClient(TableClientOptions clientOptions)
        => UsesIdentity ? new TableServiceClient(Endpoint(TableServiceUri, "table"), Credential(), clientOptions) : new TableServiceClient(ConnectionString, clientOptions);

    private Uri Endpoint(Uri? explicitUri, string service)
        => explicitUri
           ?? (AccountName is null
               ? throw new InvalidOperationException($"{SettingName}__{service}ServiceUri or {SettingName}__accountName must be set.")
               : new Uri($"https://{AccountName}.{service}.core.windows.net"));

    private TokenCredential Credential()
        => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId });

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Uri? UriOrNull(string? value)
        => Uri.TryCreate(NullIfBlank(value), UriKind.Absolute, out var uri) ? uri : null;
}

public sealed class StorageConnectionOptionsValidator : IValidateOptions<StorageConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageConnectionOptions options)
    {
        if (!options.UsesIdentity)
        {
            return ValidateOptionsResult.Success;
        }

        var everyServiceNamed = options.BlobServiceUri is not null && options.QueueServiceUri is not null && options.TableServiceUri is not null;
        return options.AccountName is not null || everyServiceNamed
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{StorageConnectionOptions.SettingName} must be a storage connection string, or identity-based settings must name the account: " +
                $"{StorageConnectionOptions.SettingName}__accountName, or all of __blobServiceUri, __queueServiceUri and __tableServiceUri.");
    }
}
