using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Adapters;
using Platform.Adapters.Audit;
using Platform.Domain.Audit;
using Platform.UnitTests.Time;
using Xunit;

namespace Platform.UnitTests.Audit;

public sealed class AuditRegistrationTests
{
    [Fact]
    public void AddPlatformAdapters_StorageConnection_RegistersTableAuditLogAndTrail()
    {
        using var services = TimeRegistrationTests.Build(Environments.Development, ("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("Audit:TableName", "audittest"));

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType<TableAuditLog>(services.GetRequiredService<IAuditLog>());
        Assert.IsType<AuditTrail>(services.GetRequiredService<IAuditTrail>());
        Assert.Equal("devstoreaccount1", services.GetRequiredService<TableServiceClient>().AccountName);
    }

    [Fact]
    public void AddPlatformAdapters_ManagedIdentityStorage_UsesTheTableServiceUri()
    {
        using var services = TimeRegistrationTests.Build(Environments.Production, ("AzureWebJobsStorage:accountName", "platformdata"));

        var client = services.GetRequiredService<TableServiceClient>();

        Assert.Equal(new Uri("https://platformdata.table.core.windows.net"), client.Uri);
    }

    [Fact]
    public void AddPlatformAdapters_NoStorageSetting_FailsNamingTheSetting()
    {
        using var services = TimeRegistrationTests.Build(Environments.Development);

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IAuditLog>());

        Assert.Contains("AzureWebJobsStorage", error.Message);
    }

    [Fact]
    public void AddPlatformAdapters_BadTableName_FailsAtStartNamingTheSetting()
    {
        using var services = TimeRegistrationTests.Build(Environments.Development, ("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("Audit:TableName", "audit-log"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Audit:TableName", error.Message);
    }

    [Fact]
    public void AddPlatformAdapters_TableServiceClientAlreadyRegistered_KeepsIt()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var existing = new TableServiceClient("UseDevelopmentStorage=true");
        var host = Moq.Mock.Of<IHostEnvironment>(h => h.EnvironmentName == Environments.Development);
        using var services = new ServiceCollection()
            .AddSingleton(existing)
            .AddPlatformAdapters(configuration, host)
            .BuildServiceProvider();

        Assert.Same(existing, services.GetRequiredService<TableServiceClient>());
    }
}
