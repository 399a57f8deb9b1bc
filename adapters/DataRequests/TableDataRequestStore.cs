using Azure.Data.Tables;
using Platform.Adapters.Storage;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;

namespace Platform.Adapters.DataRequests;

/// <summary>
/// Data requests in table <c>datarequests</c> (partition <c>data-request</c>), and the decisions providers send on the
/// authenticated review route beside them (partition <c>review-submission</c>).
/// </summary>
public sealed class TableDataRequestStore(TableServiceClient tables) : IDataRequestStore
{
    public const string TableName = "datarequests";
    private const int AgreementPageSize = 200;
    private readonly JsonTableStore<DataRequest> _requests = new(tables, TableName, "data-request", "data_request");
    private readonly JsonTableStore<ReviewSubmission> _submissions = new(tables, TableName, "review-submission", "review_submission");

    public Task<string> AddAsync(DataRequest request, CancellationToken cancellationToken = default)
        => _requests.AddAsync(request.Id, request, null, Columns(request), cancellationToken);

    public Task<Versioned<DataRequest>?> GetAsync(string id, CancellationToken cancellationToken = default) => _requests.GetAsync(id, cancellationToken);

    public Task<string> ReplaceAsync(DataRequest request, string ifMatch, CancellationToken cancellationToken = default)
        => _requests.ReplaceAsync(request.Id, request, ifMatch, Columns(request), cancellationToken);

    public Task<(IReadOnlyList<DataRequest> Items, string? ContinuationToken)> ListAsync(string? operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => _requests.QueryAsync(operatorId is null ? null : TableClient.CreateQueryFilter($"OperatorId eq {operatorId}"), pageSize, continuationToken, cancellationToken);

    public Task<IReadOnlyList<DataRequest>> ListByAgreementAsync(string agreementId, CancellationToken cancellationToken = default)
        => _requests.QueryAllAsync(TableClient.CreateQueryFilter($"AgreementId eq {agreementId}"), AgreementPageSize, cancellationToken);

    public Task<IReadOnlyList<DataRequest>> ListActiveBetweenAsync(string? operatorId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        var period = TableClient.CreateQueryFilter($"SubmittedAt lt {toUtc} and UpdatedAt ge {fromUtc}");
        return _requests.QueryAllAsync(operatorId is null ? period : $"{TableClient.CreateQueryFilter($"OperatorId eq {operatorId}")} and {period}", cancellationToken);
    }

    public async Task AddSubmissionAsync(ReviewSubmission submission, CancellationToken cancellationToken = default)
    {
        try
        {
            await _submissions.AddAsync(submission.Id, submission, null, new Dictionary<string, object> { ["DataRequestId"] = submission.DataRequestId }, cancellationToken);
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            // Stored by an earlier try of the same request.
        }
    }

    public async Task<ReviewSubmission?> GetSubmissionAsync(string id, CancellationToken cancellationToken = default)
        => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit) ? (await _submissions.GetAsync(id, cancellationToken))?.Value : null;

    private static Dictionary<string, object> Columns(DataRequest request) => new()
    {
        ["OperatorId"] = request.OperatorId,
        ["AgreementId"] = request.AgreementId,
        ["ScenarioId"] = request.ScenarioId,
        ["Status"] = request.Status.ToString().ToLowerInvariant(),
        ["SubmittedAt"] = request.SubmittedAt,
        ["UpdatedAt"] = request.UpdatedAt,
    };
}
