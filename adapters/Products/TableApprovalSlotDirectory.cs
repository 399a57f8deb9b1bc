using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Products;

namespace Platform.Adapters.Products;

/// <summary>Reads the slot rows (<c>slot~{slot}</c>) an approval round stored in table <c>approvals</c>.</summary>
public sealed class TableApprovalSlotDirectory(TableServiceClient tables) : IApprovalSlotDirectory
{
    private const string SlotPrefix = "slot~";
    private readonly TableClient _table = tables.GetTableClient("approvals");

    public async Task<IReadOnlyList<string>> ListSlotsAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(instanceId))
        {
            return [];
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {SlotPrefix} and RowKey lt {"slot~~"}");
        var slots = new List<string>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            slots.Add(entity.RowKey[SlotPrefix.Length..]);
        }

        return slots;
    }
}
