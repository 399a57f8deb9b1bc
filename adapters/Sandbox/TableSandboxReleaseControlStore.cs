using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>Release controls of grants (issue 14 item 6) in Table storage, one JSON row per grant, guarded by ETags.</summary>
public sealed class TableSandboxReleaseControlStore(TableServiceClient tables) : ISandboxReleaseControlStore
{
    private readonly JsonTableStore<SandboxReleaseControl> _store = new(tables, "sandboxreleasecontrols", "release-control", "release_control");

    public Task<Versioned<SandboxReleaseControl>?> GetAsync(string grantId, CancellationToken cancellationToken = default) => _store.GetAsync(grantId, cancellationToken);

    public Task<string> SaveAsync(SandboxReleaseControl control, string? ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(control);
        return ifMatch is null
            ? _store.AddAsync(control.GrantId, control, cancellationToken: cancellationToken)
            : _store.ReplaceAsync(control.GrantId, control, ifMatch, cancellationToken: cancellationToken);
    }
}
