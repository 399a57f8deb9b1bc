using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>
/// The record side of the compliance review (<see cref="IProductComplianceSubject"/>, called by the product-compliance
/// activities, at least once each: every method is idempotent), including registration on publication.
/// </summary>
public sealed class ProductComplianceRecord(IProductStore store, IGrantStore grants, ISandboxResultStore results, IAuditTrail audit, IClock clock) : IProductComplianceSubject
{
    public async Task<ProductComplianceFacts?> LoadFactsAsync(string productId, CancellationToken cancellationToken = default)
    {
        var product = (await store.GetAsync(productId, cancellationToken))?.Value;
        if (product is null)
        {
            return null;
        }

        var scenarioGrants = new List<ResourceFieldSet>();
        if (product.AgreementId is not null && product.ScenarioId is not null)
        {
            foreach (var grant in (await grants.ListByAgreementAsync(product.AgreementId, cancellationToken)).Where(g => g.ScenarioId == product.ScenarioId).OrderBy(g => g.Id, StringComparer.Ordinal))
            {
                scenarioGrants.AddRange(grant.Tables.Select(t => new ResourceFieldSet(t.ResourceId, t.ProviderId, t.Fields.Select(f => f.Name).ToList())));
            }
        }

        var data = new List<ProductDataSet>();
        foreach (var jobId in product.DataJobIds)
        {
            var result = await results.ReadAsync(jobId, cancellationToken);
            data.Add(result is null
                ? new ProductDataSet(jobId, jobId, [], [])
                : new ProductDataSet(jobId, jobId, result.Columns.Select(c => c.Name).ToList(), result.Rows.Select(r => (IReadOnlyList<string>)r.Select(cell => cell ?? "").ToList()).ToList()));
        }

        return new ProductComplianceFacts(product.Id, product.OperatorId, product.OwnerOrgId, product.ScenarioId, product.ScenarioTitle, product.Name, product.Description,
            product.Kind, product.UseCategory, product.Price, product.InvolvesPersonalInfo, product.InvolvesTradeSecrets, product.ConsentEvidence,
            scenarioGrants, product.UsedData, data, product.DerivedFrom);
    }

    public async Task<ProductStatus> RecordAutomatedChecksAsync(string productId, ProductReviewTrack track, IReadOnlyList<ComplianceFinding> findings, CancellationToken cancellationToken = default)
    {
        var (product, changed) = await store.ChangeWithRetryAsync(productId, p => ProductRules.RecordChecks(p, track, findings, clock.UtcNow), cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "product.checks_recorded", ProductRules.TargetOf(productId), new { round = product.CurrentRound.Number, track, findings }, cancellationToken);
        }

        return product.Status;
    }

    public async Task<ProductStatus> RecordReviewDecisionAsync(string productId, string slot, string reviewer, ApprovalDecision decision, CancellationToken cancellationToken = default)
    {
        var (product, changed) = await store.ChangeWithRetryAsync(productId, p => ProductRules.RecordDecision(p, slot, reviewer, decision, clock.UtcNow), cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "product.review_decided", ProductRules.TargetOf(productId), new { round = product.CurrentRound.Number, slot, reviewer, decision.Kind, decision.Comment }, cancellationToken);
        }

        return product.Status;
    }

    public async Task<ProductStatus> CompleteAsync(string productId, ProductComplianceOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (product, changed) = await store.ChangeWithRetryAsync(productId, p => ProductRules.Complete(p, outcome, clock.UtcNow), cancellationToken);
        if (!changed)
        {
            return product.Status;
        }

        var round = product.CurrentRound;
        var action = outcome.Kind switch
        {
            ProductComplianceOutcomeKind.Published => "product.published",
            ProductComplianceOutcomeKind.Rejected => "product.rejected",
            _ => "product.changes_requested",
        };
        await audit.RecordAsync(Caller.System, action, ProductRules.TargetOf(productId), new { round = round.Number, outcome.Kind, outcome.Comment, outcome.Findings, product.Registration }, cancellationToken);
        // The review tells the owner and the authority the result; the record only files it.
        return product.Status;
    }
}
