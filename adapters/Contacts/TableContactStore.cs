using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Common;
using Platform.Domain.Contacts;
using Platform.Domain.Organizations;

namespace Platform.Adapters.Contacts;

/// <summary>
/// Contacts and webhooks in table <c>contacts</c>: one partition per owner (<c>org:{id}</c> or <c>role:authority</c>),
/// one row per contact, and the row <c>~webhook</c> for the owner's webhook. ETags guard concurrent edits.
/// </summary>
public sealed class TableContactStore(TableServiceClient tables, ContactStoreOptions? options = null) : IContactStore
{
    private const string WebhookRow = "~webhook";

    private readonly TableClient _table = tables.GetTableClient((options ?? new ContactStoreOptions()).TableName);
    private int _created;

    public async Task<string> AddAsync(Contact contact, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.AddEntityAsync(ToEntity(contact.Owner, contact.Id, contact), cancellationToken);
        return response.Headers.ETag?.ToString() ?? "";
    }

    public async Task<Versioned<Contact>?> GetAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(owner) || !TableKeys.IsValid(id) || id == WebhookRow)
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(owner, id, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? new Versioned<Contact>(Read<Contact>(entity), entity.ETag.ToString()) : null;
    }

    public async Task<IReadOnlyList<Contact>> ListAsync(string owner, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(owner))
        {
            return [];
        }

        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {owner} and RowKey ne {WebhookRow}");
        var contacts = new List<Contact>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            contacts.Add(Read<Contact>(entity));
        }

        return contacts;
    }

    public async Task<string> ReplaceAsync(Contact contact, string ifMatch, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.UpdateEntityAsync(ToEntity(contact.Owner, contact.Id, contact), new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken);
        return response.Headers.ETag?.ToString() ?? "";
    }

    public async Task<bool> DeleteAsync(string owner, string id, string? ifMatch, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(owner, id, cancellationToken) is null)
        {
            return false;
        }

        try
        {
            await _table.DeleteEntityAsync(owner, id, ifMatch is null ? ETag.All : new ETag(ifMatch), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task<WebhookEndpoint?> GetWebhookAsync(string owner, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsValid(owner))
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(owner, WebhookRow, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? Read<WebhookEndpoint>(entity) : null;
    }

    public async Task PutWebhookAsync(WebhookEndpoint webhook, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await _table.UpsertEntityAsync(ToEntity(webhook.Owner, WebhookRow, webhook), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> DeleteWebhookAsync(string owner, CancellationToken cancellationToken = default)
    {
        if (await GetWebhookAsync(owner, cancellationToken) is null)
        {
            return false;
        }

        await _table.DeleteEntityAsync(owner, WebhookRow, ETag.All, cancellationToken);
        return true;
    }

    private static TableEntity ToEntity<T>(string owner, string row, T value) => new(owner, row)
    {
        ["Data"] = JsonSerializer.Serialize(value, StorageJson.Options),
    };

    private static T Read<T>(TableEntity entity)
        => JsonSerializer.Deserialize<T>(entity.GetString("Data"), StorageJson.Options)
           ?? throw new InvalidOperationException($"Row {entity.PartitionKey}/{entity.RowKey} of the contacts table holds nothing.");

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}

/// <summary>Settings section <c>Contacts</c>.</summary>
public sealed class ContactStoreOptions
{
    public const string SectionName = "Contacts";

    /// <summary><c>Contacts:TableName</c>: the table of contacts and webhooks.</summary>
    public string TableName { get; set; } = "contacts";
}

public sealed class ContactStoreOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ContactStoreOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ContactStoreOptions options)
        => options?.TableName is { Length: >= 3 and <= 63 } table && char.IsAsciiLetter(table[0]) && table.All(char.IsAsciiLetterOrDigit)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail($"Contacts:TableName must be 3-63 letters and digits starting with a letter (got '{options?.TableName}').");
}
