using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Approvals;

namespace Platform.Adapters.Approvals;

/// <summary>
/// Approval slots and their claims in table <c>approvals</c>, one partition per orchestration instance: row
/// <c>slot~{slot}</c> holds the slot, row <c>claim~{slot}</c> the one claim that settles it. The claim is an insert,
/// which Table storage refuses (409) when the row exists, so of two concurrent uses exactly one wins.
/// </summary>
public sealed class TableApprovalStore(TableServiceClient tables) : IApprovalStore
{
    private readonly TableClient _table = tables.GetTableClient("approvals");
    private int _created;

    public async Task AddSlotAsync(ApprovalSlot slot, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(Row(slot.InstanceId, SlotKey(slot.Slot), slot), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Stored by an earlier try of the same step.
        }
    }

    public Task<ApprovalSlot?> GetSlotAsync(string instanceId, string slot, CancellationToken cancellationToken = default)
        => GetAsync<ApprovalSlot>(instanceId, SlotKey(slot), cancellationToken);

    public async Task<bool> TryClaimAsync(ApprovalClaim claim, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(Row(claim.InstanceId, ClaimKey(claim.Slot), claim), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public Task<ApprovalClaim?> GetClaimAsync(string instanceId, string slot, CancellationToken cancellationToken = default)
        => GetAsync<ApprovalClaim>(instanceId, ClaimKey(slot), cancellationToken);

    private async Task<T?> GetAsync<T>(string partition, string row, CancellationToken cancellationToken)
        where T : class
    {
        if (!TableKeys.IsValid(partition) || !TableKeys.IsValid(row))
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is not null ? JsonSerializer.Deserialize<T>(found.Value.GetString("Data"), StorageJson.Options) : null;
    }

    private static TableEntity Row<T>(string partition, string row, T value)
        => new(partition, row) { ["Data"] = JsonSerializer.Serialize(value, StorageJson.Options) };

    private static string SlotKey(string slot) => $"slot~{slot}";

    private static string ClaimKey(string slot) => $"claim~{slot}";

    // Names from a link are signed, but a key that Table storage cannot take must still be a miss, not a fault.

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
