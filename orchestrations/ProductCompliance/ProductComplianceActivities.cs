using Microsoft.DurableTask;
using Platform.Domain.Approvals;
using Platform.Domain.Products;
using Platform.Domain.ProductCompliance;

namespace Platform.Orchestrations.ProductCompliance;

public sealed record ProductReviewSlotRequest(ProductReviewPlan Plan, string Slot);

public sealed record ProductReviewDecisionReceived(string ProductId, int Round, ApprovalDecidedEvent Decided);

/// <summary>The deadline passed (<paramref name="Escalation"/> counts from 1) with these slots still open.</summary>
public sealed record ProductReviewEscalation(ProductReviewPlan Plan, int Escalation, IReadOnlyList<string> OpenSlots);

public sealed record ProductReviewCompletion(ProductReviewPlan Plan, ProductComplianceOutcome Outcome, IReadOnlyList<string> OpenSlots);

/// <summary>Loads the product's facts, runs the automated checks (M4.5.1), plans the round and records the checks.</summary>
public sealed class RunProductChecksActivity(ProductReviewChecksStep compliance) : TaskActivity<ProductComplianceRequest, ProductChecksResult>
{
    public override Task<ProductChecksResult> RunAsync(TaskActivityContext context, ProductComplianceRequest input)
        => compliance.RunChecksAsync(input);
}

/// <summary>Signs one reviewer's link and sends it through the outbox; repeating it sends nothing new.</summary>
public sealed class IssueProductReviewLinkActivity(ProductReviewLinkStep compliance) : TaskActivity<ProductReviewSlotRequest, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, ProductReviewSlotRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await compliance.IssueReviewLinkAsync(input.Plan, input.Slot);
        return input.Slot;
    }
}

/// <summary>Files a decision on the product as it arrives; returns the product's status.</summary>
public sealed class RecordProductReviewDecisionActivity(ProductReviewEscalationStep compliance) : TaskActivity<ProductReviewDecisionReceived, ProductStatus>
{
    public override Task<ProductStatus> RunAsync(TaskActivityContext context, ProductReviewDecisionReceived input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return compliance.RecordDecisionAsync(input.ProductId, input.Decided);
    }
}

/// <summary>Reports late reviews to the authority and reminds the reviewers; recovers decisions whose event was lost.</summary>
public sealed class EscalateProductReviewActivity(ProductReviewEscalationStep compliance) : TaskActivity<ProductReviewEscalation, ProductEscalationResult>
{
    public override Task<ProductEscalationResult> RunAsync(TaskActivityContext context, ProductReviewEscalation input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return compliance.EscalateAsync(input.Plan, input.OpenSlots, input.Escalation);
    }
}

/// <summary>Closes the open links, records the outcome on the product and tells the owner; idempotent.</summary>
public sealed class CompleteProductReviewActivity(ProductReviewCompletionStep compliance) : TaskActivity<ProductReviewCompletion, ProductStatus>
{
    public override Task<ProductStatus> RunAsync(TaskActivityContext context, ProductReviewCompletion input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return compliance.CompleteAsync(input.Plan, input.Outcome, input.OpenSlots);
    }
}
