using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

public static class SandboxServiceCollectionExtensions
{
    /// <summary>The sandbox jobs' table, queue and result blobs, and the engine (the storage service clients come from the central registration).</summary>
    public static IServiceCollection AddSandboxAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<ISandboxJobStore, TableSandboxJobStore>();
        services.TryAddSingleton<ISandboxResultStore, BlobSandboxResultStore>();
        services.TryAddSingleton<ISandboxReleaseControlStore, TableSandboxReleaseControlStore>();
        services.TryAddSingleton<ISandboxCellFingerprintStore, TableSandboxCellFingerprintStore>();
        services.TryAddSingleton<ISandboxBudgetStore, TableSandboxBudgetStore>();
        services.TryAddSingleton<ISandboxNoiseBudgetStore, TableSandboxNoiseBudgetStore>();
        services.TryAddSingleton<ISandboxJobQueue, QueueSandboxJobQueue>();

        // The sandbox engine (M5.1): a fresh locked-down DuckDB per job, staging in the temp directory.
        services.TryAddSingleton<ISandboxEngine>(_ => new SandboxEngine());
        return services;
    }
}
