namespace Platform.Adapters.Storage;

/// <summary>What Azure Table storage accepts as a PartitionKey or RowKey; anything else would be a 400 from storage, not a missing record.</summary>
public static class TableKeys
{
    public static bool IsValid(string? key)
        => key is { Length: > 0 and <= 512 } && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
