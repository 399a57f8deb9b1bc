using Platform.Domain.DataRequests;
using Platform.Domain.Grants;
using Platform.Domain.Oversight;
using Platform.Domain.Products;
using Platform.Domain.SandboxJobs;
using Platform.Domain.Scenarios;

namespace Platform.Domain.Reports;

/// <summary>
/// Counts what an operator did in a CST year from the platform's records (M5.6). Each store is asked only for the
/// operator's records of the year (filtered in storage), then <see cref="AnnualReportRules"/> counts them.
/// </summary>
/// <param name="products">The product records; while they are not registered the product figures are 0.</param>
public sealed class OperatorActivityCounter(
    IScenarioStore scenarios,
    IDataRequestStore dataRequests,
    IGrantStore grants,
    ISandboxJobStore sandboxJobs,
    IIncidentStore incidents,
    IProductReadModel? products = null)
{
    public async Task<OperatorActivityCounts> CountAsync(string operatorId, int year, CancellationToken cancellationToken = default)
    {
        var from = AnnualReportCalendar.YearStartUtc(year);
        var to = AnnualReportCalendar.YearEndUtc(year);
        var operatorScenarios = await scenarios.ListByOperatorActiveBetweenAsync(operatorId, from, to, cancellationToken);
        var operatorRequests = await dataRequests.ListByOperatorActiveBetweenAsync(operatorId, from, to, cancellationToken);
        var operatorGrants = await grants.ListIssuedBetweenAsync(operatorId, from, to, cancellationToken);
        var jobs = await sandboxJobs.ListSubmittedBetweenAsync(operatorId, from, to, cancellationToken);
        var operatorIncidents = await incidents.ListReportedBetweenAsync(operatorId, from, to, cancellationToken);
        var productCounts = products is null ? new ProductActivityCounts(0, 0, 0) : await products.CountForOwnerAsync(operatorId, year, cancellationToken);
        return new OperatorActivityCounts(
            AnnualReportRules.ScenariosSubmitted(operatorScenarios, year),
            AnnualReportRules.ScenariosApproved(operatorScenarios, year),
            AnnualReportRules.DataRequestsSubmitted(operatorRequests, year),
            AnnualReportRules.DataRequestsApproved(operatorRequests, year),
            AnnualReportRules.GrantsIssued(operatorGrants, year),
            AnnualReportRules.SandboxJobs(jobs, year),
            productCounts.Submitted,
            productCounts.Published,
            productCounts.Calls,
            AnnualReportRules.IncidentsReported(operatorIncidents, year));
    }
}
