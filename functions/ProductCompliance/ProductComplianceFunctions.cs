using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;
using Platform.Functions.Workflows;
using Platform.Orchestrations.ProductCompliance;

namespace Platform.Functions.ProductCompliance;

/// <summary>Thin Functions wrappers of the product-compliance orchestrator and its activities (class-based, in orchestrations/).</summary>
public sealed class ProductComplianceFunctions(
    RunProductChecksActivity runChecks,
    IssueProductReviewLinkActivity issueLink,
    RecordProductReviewDecisionActivity recordDecision,
    EscalateProductReviewActivity escalate,
    CompleteProductReviewActivity complete)
{
    [Function(nameof(ProductComplianceOrchestrator))]
    public Task<ProductComplianceResult> RunReview([OrchestrationTrigger] TaskOrchestrationContext context, ProductComplianceRequest input)
        => new ProductComplianceOrchestrator().RunAsync(context, input);

    [Function(nameof(RunProductChecksActivity))]
    public Task<ProductChecksResult> RunChecks([ActivityTrigger] ProductComplianceRequest input)
        => runChecks.RunAsync(FunctionActivityContext.For(nameof(RunProductChecksActivity)), input);

    [Function(nameof(IssueProductReviewLinkActivity))]
    public Task<string> IssueLink([ActivityTrigger] ProductReviewSlotRequest input)
        => issueLink.RunAsync(FunctionActivityContext.For(nameof(IssueProductReviewLinkActivity)), input);

    [Function(nameof(RecordProductReviewDecisionActivity))]
    public Task<ProductStatus> RecordDecision([ActivityTrigger] ProductReviewDecisionReceived input)
        => recordDecision.RunAsync(FunctionActivityContext.For(nameof(RecordProductReviewDecisionActivity)), input);

    [Function(nameof(EscalateProductReviewActivity))]
    public Task<ProductEscalationResult> Escalate([ActivityTrigger] ProductReviewEscalation input)
        => escalate.RunAsync(FunctionActivityContext.For(nameof(EscalateProductReviewActivity)), input);

    [Function(nameof(CompleteProductReviewActivity))]
    public Task<ProductStatus> Complete([ActivityTrigger] ProductReviewCompletion input)
        => complete.RunAsync(FunctionActivityContext.For(nameof(CompleteProductReviewActivity)), input);
}
