namespace Platform.Domain.Common;

/// <summary>
/// The registered names of every orchestrator, in one place. The domain starts orchestrations by name because it may not
/// reference the orchestrations assembly; a unit test pins each name to its <c>TaskOrchestrator</c> class. The strings are
/// stored in durable history, so they never change.
/// </summary>
public static class OrchestratorNames
{
    public const string AgreementLifecycle = "AgreementLifecycleOrchestrator";
    public const string AgreementExit = "AgreementExitOrchestrator";
    public const string ScenarioReview = "ScenarioReviewOrchestrator";
    public const string DataRequest = "DataRequestOrchestrator";
    public const string ProductCompliance = "ProductComplianceOrchestrator";
    public const string QualityIssue = "QualityIssueOrchestrator";
    public const string BreachWatch = "BreachWatchOrchestrator";
}
