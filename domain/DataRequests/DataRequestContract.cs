using Platform.Domain.Workflows;

namespace Platform.Domain.DataRequests;

/// <summary>
/// The strings of data requests that live outside the code — the orchestrator name and instance ids durable history
/// stores, the approval subject kind, the notification category, the error codes clients read — kept in one place.
/// </summary>
public static class DataRequestContract
{
    public const string Kind = "data-request";
    public const string Orchestrator = OrchestratorNames.DataRequest;
    public const string SubjectKind = "data-request";
    public const string NotificationCategory = "data-request";
    public const string GrantIdPrefix = "grt";
    public const string SampleJobIdPrefix = "msk";
    public const string NotFoundCode = "data_request.not_found";
    public const string NotPendingCode = "data_request.not_pending";
    public const string AlreadyDecidedCode = "data_request.review_already_decided";
    public const string AgreementNotActiveCode = "data_request.agreement_not_active";
    public const string ScenarioNotApprovedCode = "data_request.scenario_not_approved";
    public const string ResourceNotPublishedCode = "data_request.resource_not_published";

    /// <summary>Marks a review claim made on the authenticated route; the rest names the kept submission.</summary>
    public const string ApiClaimPrefix = "api:";

    public static string InstanceIdOf(string dataRequestId) => WorkflowInstanceIds.For(Kind, dataRequestId);

    public static string TargetOf(string dataRequestId) => $"data-requests/{dataRequestId}";
}
