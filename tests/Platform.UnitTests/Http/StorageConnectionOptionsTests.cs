using Microsoft.Extensions.Configuration;
using Platform.Functions.Health;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class StorageConnectionOptionsTests
{
    private static StorageConnectionOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
        var options = new StorageConnectionOptions();
        StorageConnectionOptions.Bind(configuration, options);
        return options;
    }

    [Fact]
    public void Bind_ConnectionString_UsesIt()
    {
        var options = Bind(("AzureWebJobsStorage", "UseDevelopmentStorage=true"));

        Assert.False(options.UsesIdentity);
        Assert.Equal("devstoreaccount1", options.CreateBlobServiceClient().AccountName);
        Assert.True(new StorageConnectionOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Bind_AccountNameOnly_UsesIdentityWithPublicEndpoints()
    {
        var options = Bind(("AzureWebJobsStorage:accountName", "platformdata"));

        Assert.True(options.UsesIdentity);
        Assert.Equal(new Uri("https://platformdata.blob.core.windows.net/"), options.CreateBlobServiceClient().Uri);
        Assert.Equal(new Uri("https://platformdata.queue.core.windows.net/"), options.CreateQueueServiceClient().Uri);
        Assert.Equal(new Uri("https://platformdata.table.core.windows.net/"), options.CreateTableServiceClient().Uri);
    }

    [Fact]
    public void Bind_ServiceUris_TakePrecedence()
    {
        var options = Bind(
            ("AzureWebJobsStorage:accountName", "platformdata"),
            ("AzureWebJobsStorage:blobServiceUri", "https://blobs.example.net"));

        Assert.Equal(new Uri("https://blobs.example.net/"), options.CreateBlobServiceClient().Uri);
    }

    [Fact]
    public void Validate_NothingSet_FailsNamingTheSetting()
    {
        var result = new StorageConnectionOptionsValidator().Validate(null, Bind());

        Assert.True(result.Failed);
        Assert.Contains("AzureWebJobsStorage", result.FailureMessage, StringComparison.Ordinal);
    }
}
