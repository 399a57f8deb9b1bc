using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Oversight;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Products;

/// <summary>
/// Data products (M4.5, M4.6), what HTTP changes: submission and resubmission (the record itself is built by
/// <see cref="ProductDrafting"/>); each starts a compliance review round.
/// </summary>
public sealed class ProductCommands(
    IProductStore store,
    ProductDrafting drafting,
    ProductQueries queries,
    PriceCapService priceCaps,
    IOperatorAccessGuard accessGuard,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression)
{
    public async Task<Versioned<Product>> CreateAsync(string id, ProductDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var product = await drafting.BuildAsync(id, draft, caller, cancellationToken);
        var etag = await store.AddAsync(product, cancellationToken);
        await audit.RecordAsync(caller, "product.submitted", ProductRules.TargetOf(id), new
        {
            product.Kind, product.Name, product.Price, product.UseCategory, product.ScenarioId, product.DerivedFrom,
            sources = product.Sources.Select(s => new { s.JobId, s.ResultHash }), product.InvolvesPersonalInfo,
        }, cancellationToken);
        await StartReviewAsync(product, workflows, cancellationToken);
        return new Versioned<Product>(product, etag);
    }

    /// <summary>After <c>changes-requested</c>, the owner revises the product; a new review round starts.</summary>
    public async Task<Versioned<Product>> ResubmitAsync(string id, ProductDraft draft, string? ifMatch, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var current = await queries.GetAsync(id, caller, cancellationToken);
        if (current.Value.OwnerOrgId != caller.Organization || caller.Role is not (Roles.Operator or Roles.Developer))
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the organisation that owns the product can resubmit it.");
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The product changed since you read it; read it again and retry.");
        }

        await accessGuard.EnsureMayStartWorkAsync(caller, cancellationToken);

        var content = ProductRules.ValidateContent(draft);
        ProductRules.CheckPrice(current.Value.UseCategory, content.Kind, content.Price, await priceCaps.CapOfAsync(content.Kind, cancellationToken));
        var now = clock.UtcNow;
        var round = current.Value.CurrentRound.Number + 1;
        var updated = ProductRules.Resubmit(current.Value, content, ProductWorkflow.InstanceId(id, round), now);
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "product.resubmitted", ProductRules.TargetOf(id), new { round, content }, cancellationToken);
        await StartReviewAsync(updated, workflows, cancellationToken);
        return new Versioned<Product>(updated, etag);
    }

    private async Task StartReviewAsync(Product product, IWorkflowGateway workflows, CancellationToken cancellationToken)
    {
        var round = product.CurrentRound;
        await workflows.StartAsync(ProductWorkflow.OrchestratorName, round.InstanceId,
            new ProductComplianceRequest(product.Id, round.Number, round.StartedAt.UtcDateTime, compression.Factor), cancellationToken);
    }

}
