using Azure.Data.Tables;

namespace Fixture.Functions;

/// <summary>Where fixture functions record what happened to them, so tests can observe the host from outside.</summary>
public sealed class FixtureStore(TableServiceClient tables, Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public TableClient Table { get; } = tables.GetTableClient(configuration["Fixture:Table"] ?? "fixtureevents");

    public async Task RecordAsync(string partition, string row, IDictionary<string, object>? values = null)
    {
        await Table.CreateIfNotExistsAsync();
        var entity = new TableEntity(partition, row);
        foreach (var (key, value) in values ?? new Dictionary<string, object>())
        {
            entity[key] = value;
        }

        await Table.UpsertEntityAsync(entity);
    }
}
