using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Reports;

namespace Platform.Adapters.Reports;

/// <summary>
/// Annual reports in table <c>Reports:TableName</c> (default <c>annualreports</c>): operator reports in partition <c>operator-report</c> keyed
/// <c>{year}-{operatorId}</c> (so the insert is conditional per year and operator), the authority's in partition
/// <c>authority-report</c> keyed by year. Year, status, due time and the overdue flag are columns for the queries.
/// </summary>
public sealed class TableAnnualReportStore(TableServiceClient tables, string tableName = AnnualReportOptions.DefaultTableName) : IAnnualReportStore
{
    private const string Draft = "draft";
    private readonly JsonTableStore<OperatorAnnualReport> _operatorReports = new(tables, tableName, "operator-report", "report");
    private readonly JsonTableStore<AuthorityAnnualReport> _authorityReports = new(tables, tableName, "authority-report", "report");

    public async Task<bool> TryAddOperatorReportAsync(OperatorAnnualReport report, CancellationToken cancellationToken = default)
    {
        try
        {
            await _operatorReports.AddAsync(report.Id, report, null, Columns(report), cancellationToken);
            return true;
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            return false;
        }
    }

    public Task<Versioned<OperatorAnnualReport>?> GetOperatorReportAsync(int year, string operatorId, CancellationToken cancellationToken = default)
        => _operatorReports.GetAsync(OperatorAnnualReport.IdFor(year, operatorId), cancellationToken);

    public Task<string> ReplaceOperatorReportAsync(OperatorAnnualReport report, string ifMatch, CancellationToken cancellationToken = default)
        => _operatorReports.ReplaceAsync(report.Id, report, ifMatch, Columns(report), cancellationToken);

    public Task<IReadOnlyList<Versioned<OperatorAnnualReport>>> ListOperatorReportsAsync(int year, CancellationToken cancellationToken = default)
        => _operatorReports.QueryAllVersionedAsync(TableClient.CreateQueryFilter($"Year eq {year}"), cancellationToken);

    public Task<IReadOnlyList<Versioned<OperatorAnnualReport>>> ListUnflaggedOverdueAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default)
        => _operatorReports.QueryAllVersionedAsync(TableClient.CreateQueryFilter($"Status eq {Draft} and Overdue eq {false} and DueAt le {nowUtc}"), cancellationToken);

    public async Task<bool> TryAddAuthorityReportAsync(AuthorityAnnualReport report, CancellationToken cancellationToken = default)
    {
        try
        {
            await _authorityReports.AddAsync(report.Id, report, null, new Dictionary<string, object> { ["Year"] = report.Year }, cancellationToken);
            return true;
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            return false;
        }
    }

    public async Task<AuthorityAnnualReport?> GetAuthorityReportAsync(int year, CancellationToken cancellationToken = default)
        => (await _authorityReports.GetAsync(year.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken))?.Value;

    public Task<Versioned<AuthorityAnnualReport>?> GetAuthorityReportVersionedAsync(int year, CancellationToken cancellationToken = default)
        => _authorityReports.GetAsync(year.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    public Task<string> ReplaceAuthorityReportAsync(AuthorityAnnualReport report, string ifMatch, CancellationToken cancellationToken = default)
        => _authorityReports.ReplaceAsync(report.Id, report, ifMatch, new Dictionary<string, object> { ["Year"] = report.Year }, cancellationToken);

    private static Dictionary<string, object> Columns(OperatorAnnualReport report) => new()
    {
        ["Year"] = report.Year,
        ["OperatorId"] = report.OperatorId,
        ["Status"] = report.Status == OperatorReportStatus.Draft ? Draft : "submitted",
        ["DueAt"] = report.DueAt,
        ["Overdue"] = report.Overdue,
    };
}
