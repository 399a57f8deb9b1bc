using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.Organizations;
using Platform.Domain.Quality;
using Platform.Domain.Time;

namespace Platform.Adapters.Quality;

/// <summary>
/// Quality tickets in table <c>qualityissues</c> (partition <c>quality-issue</c>), with the columns lists filter on:
/// provider, raising organisation, resource, status, CST year of raising, and whether it awaits an unescalated answer.
/// </summary>
public sealed class TableQualityIssueStore(TableServiceClient tables) : IQualityIssueStore
{
    public const string TableName = "qualityissues";
    private const int ScanPageSize = 500;
    private readonly JsonTableStore<QualityIssue> _issues = new(tables, TableName, "quality-issue", "quality_issue");

    public Task<string> AddAsync(QualityIssue issue, CancellationToken cancellationToken = default)
        => _issues.AddAsync(issue.Id, issue, null, Columns(issue), cancellationToken);

    public Task<Versioned<QualityIssue>?> GetAsync(string id, CancellationToken cancellationToken = default) => _issues.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(QualityIssue issue, string ifMatch, CancellationToken cancellationToken = default)
        => _issues.ReplaceAsync(issue.Id, issue, ifMatch, Columns(issue), cancellationToken);

    public Task<(IReadOnlyList<QualityIssue> Items, string? ContinuationToken)> ListAsync(QualityIssueQuery query, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filters = new List<string>();
        if (query.ProviderId is { } provider)
        {
            filters.Add(TableClient.CreateQueryFilter($"ProviderId eq {provider}"));
        }

        if (query.RaisedByOrganization is { } raiser)
        {
            filters.Add(TableClient.CreateQueryFilter($"RaisedByOrganization eq {raiser}"));
        }

        if (query.ResourceId is { } resource)
        {
            filters.Add(TableClient.CreateQueryFilter($"ResourceId eq {resource}"));
        }

        if (query.Status is { } status)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {QualityIssueRules.Wire(status)}"));
        }

        return _issues.QueryAsync(filters.Count == 0 ? null : string.Join(" and ", filters), pageSize, continuationToken, cancellationToken);
    }

    public Task<IReadOnlyList<QualityIssue>> ListForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default)
        => ScanAsync(TableClient.CreateQueryFilter($"ProviderId eq {providerId} and Year eq {year}"), cancellationToken);

    public Task<IReadOnlyList<QualityIssue>> ListAwaitingUnescalatedAsync(CancellationToken cancellationToken = default)
        => ScanAsync(TableClient.CreateQueryFilter($"AwaitingEscalation eq {true}"), cancellationToken);

    private Task<IReadOnlyList<QualityIssue>> ScanAsync(string filter, CancellationToken cancellationToken)
        => _issues.QueryAllAsync(filter, ScanPageSize, cancellationToken);

    private static Dictionary<string, object> Columns(QualityIssue issue) => new()
    {
        ["ProviderId"] = issue.ProviderId,
        ["RaisedByOrganization"] = issue.RaisedByOrganization,
        ["ResourceId"] = issue.ResourceId,
        ["Status"] = QualityIssueRules.Wire(issue.Status),
        ["Year"] = ChinaTime.LegalDate(issue.RaisedAt).Year,
        ["AwaitingEscalation"] = issue.AwaitsResolution && !issue.Overdue,
    };
}
