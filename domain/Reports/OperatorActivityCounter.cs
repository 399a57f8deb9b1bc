using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Domain.Oversight;
using Platform.Domain.Products;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;

namespace Platform.Domain.Reports;

/// <summary>
/// Counts what operators did in a CST year from the platform's records (M5.6). Each store is asked once for the year's
/// records (filtered in storage by time, and by operator when counting one), which are then grouped by operator and
/// counted by <see cref="AnnualReportRules"/>: the yearly run reads each table once, not once per operator.
/// </summary>
public sealed class OperatorActivityCounter(
    IScenarioStore scenarios,
    IDataRequestStore dataRequests,
    IGrantStore grants,
    ISandboxJobStore sandboxJobs,
    IIncidentStore incidents,
    IProductReadModel products)
{
    public async Task<OperatorActivityCounts> CountAsync(string operatorId, int year, CancellationToken cancellationToken = default)
        => (await CountAsync([operatorId], year, operatorId, cancellationToken))[operatorId];

    /// <summary>The year's counts of each of <paramref name="operatorIds"/>.</summary>
    public Task<IReadOnlyDictionary<string, OperatorActivityCounts>> CountAsync(IReadOnlyCollection<string> operatorIds, int year, CancellationToken cancellationToken = default)
        => CountAsync(operatorIds, year, operatorIds.Count == 1 ? operatorIds.First() : null, cancellationToken);

    private async Task<IReadOnlyDictionary<string, OperatorActivityCounts>> CountAsync(IReadOnlyCollection<string> operatorIds, int year, string? onlyOperator, CancellationToken cancellationToken)
    {
        var from = AnnualReportCalendar.YearStartUtc(year);
        var to = AnnualReportCalendar.YearEndUtc(year);
        var yearScenarios = (await scenarios.ListActiveBetweenAsync(onlyOperator, from, to, cancellationToken)).ToLookup(s => s.OperatorId, StringComparer.Ordinal);
        var yearRequests = (await dataRequests.ListActiveBetweenAsync(onlyOperator, from, to, cancellationToken)).ToLookup(r => r.OperatorId, StringComparer.Ordinal);
        var yearGrants = (await grants.ListIssuedBetweenAsync(onlyOperator, from, to, cancellationToken)).ToLookup(g => g.OperatorId, StringComparer.Ordinal);
        var yearJobs = (await sandboxJobs.ListSubmittedBetweenAsync(onlyOperator, from, to, cancellationToken)).ToLookup(j => j.OrganizationId, StringComparer.Ordinal);
        var yearIncidents = (await incidents.ListReportedBetweenAsync(onlyOperator, from, to, cancellationToken)).ToLookup(i => i.OrganizationId, StringComparer.Ordinal);
        var counts = new Dictionary<string, OperatorActivityCounts>(StringComparer.Ordinal);
        foreach (var operatorId in operatorIds)
        {
            var productCounts = await products.CountForOwnerAsync(operatorId, year, cancellationToken);
            counts[operatorId] = new OperatorActivityCounts(
                AnnualReportRules.ScenariosSubmitted(yearScenarios[operatorId], year),
                AnnualReportRules.ScenariosApproved(yearScenarios[operatorId], year),
                AnnualReportRules.DataRequestsSubmitted(yearRequests[operatorId], year),
                AnnualReportRules.DataRequestsApproved(yearRequests[operatorId], year),
                AnnualReportRules.GrantsIssued(yearGrants[operatorId], year),
                AnnualReportRules.SandboxJobs(yearJobs[operatorId], year),
                productCounts.Submitted,
                productCounts.Published,
                productCounts.Calls,
                AnnualReportRules.IncidentsReported(yearIncidents[operatorId], year));
        }

        return counts;
    }
}
