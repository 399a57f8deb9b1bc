using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

// The integration tests run in four lanes, one test collection each, side by side (xunit.runner.json: collections in
// parallel, at most four tests at once, so each lane always has its slot). Tests within a lane run one after another.
// Only the Azurite lane (AzuriteCollection) uses the shared Azurite; every other lane's hosts run on storage of their own
// (PrivateAzurite), so no host consumes another lane's fixed-name queues (sandbox-jobs, masking-jobs) or sweeps its
// tables. The two isolated lanes below are grouped only to balance the run time; see docs/testing.md.

/// <summary>
/// Lane "Isolated A": hosts killed and restarted while durable work is under way (job heartbeat, agreement exit,
/// agreement lifecycles on compressed durable timers), each class on an Azurite of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class IsolatedCollectionA
{
    public const string Name = "Isolated A";
}

/// <summary>
/// Lane "Isolated B": the README run command on a clean clone (its own Azurite, ports and build: the most CPU-hungry test),
/// the audit flood host and the storage outage, each on an Azurite of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class IsolatedCollectionB
{
    public const string Name = "Isolated B";
}
