using Platform.Domain.Agreements;
using Platform.Domain.Approvals;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Products;

/// <summary>
/// Data products (M4.5, M4.6): submission and resubmission (the record itself is built by
/// <see cref="ProductDrafting"/>), reads and usage; the record side of the compliance review
/// (<see cref="IProductComplianceSubject"/>, every method idempotent); registration; and what oversight reads
/// (<see cref="IProductReadModel"/>).
/// </summary>
public sealed class ProductService(
    IProductStore store,
    ProductDrafting drafting,
    IGrantStore grants,
    ISandboxResultStore results,
    PriceCapService priceCaps,
    IOperatorAccessGuard accessGuard,
    IProductUsageStore usage,
    INotificationOutbox outbox,
    IAuditTrail audit,
    IClock clock,
    TimeCompression compression) : IProductComplianceSubject, IProductReadModel
{
    public const string NotFoundCode = "product.not_found";
    public const string NotificationCategory = ProductNotices.Category;

    public static string TargetOf(string productId) => $"products/{productId}";

    public async Task<Versioned<Product>> CreateAsync(string id, ProductDraft draft, Caller caller, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        var product = await drafting.BuildAsync(id, draft, caller, cancellationToken);
        var etag = await store.AddAsync(product, cancellationToken);
        await audit.RecordAsync(caller, "product.submitted", TargetOf(id), new
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
        var current = await GetAsync(id, caller, cancellationToken);
        if (current.Value.OwnerOrgId != caller.Organization || caller.Role is not (Roles.Operator or Roles.Developer))
        {
            throw new DomainException(FailureKind.Forbidden, "auth.forbidden_role", "Only the organisation that owns the product can resubmit it.");
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw new DomainException(FailureKind.PreconditionFailed, "concurrency.etag_mismatch", "The product changed since you read it; read it again and retry.");
        }

        if (caller.Role == Roles.Operator)
        {
            await accessGuard.EnsureNotSuspendedAsync(caller.Organization, cancellationToken);
        }

        var content = ProductRules.ValidateContent(draft);
        ProductRules.CheckPrice(current.Value.UseCategory, content.Kind, content.Price, await priceCaps.CapOfAsync(content.Kind, cancellationToken));
        var now = clock.UtcNow;
        var round = current.Value.CurrentRound.Number + 1;
        var updated = ProductRules.Resubmit(current.Value, content, ProductWorkflow.InstanceId(id, round), now);
        var etag = await store.ReplaceAsync(updated, current.ETag, cancellationToken);
        await audit.RecordAsync(caller, "product.resubmitted", TargetOf(id), new { round, content }, cancellationToken);
        await StartReviewAsync(updated, workflows, cancellationToken);
        return new Versioned<Product>(updated, etag);
    }

    public async Task<Versioned<Product>> GetAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var found = await store.GetAsync(id, cancellationToken);
        if (found is null || !MayRead(found.Value, caller))
        {
            throw NotFound(id);
        }

        return found;
    }

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListAsync(Caller caller, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListAsync(caller.Role is Roles.Authority or Roles.Supervisor ? null : caller.Organization, pageSize, continuationToken, cancellationToken);

    public Task<(IReadOnlyList<Product> Items, string? ContinuationToken)> ListPublishedAsync(ProductKind? kind, string? useCategory, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => store.ListPublishedAsync(kind, useCategory, pageSize, continuationToken, cancellationToken);

    public async Task<IReadOnlyList<ProductCallMeter>> UsageAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        var product = (await GetAsync(id, caller, cancellationToken)).Value;
        if (!(caller.Role is Roles.Authority or Roles.Supervisor || caller.Organization == product.OwnerOrgId))
        {
            throw NotFound(id);
        }

        return await usage.ListAsync(id, cancellationToken);
    }

    // ---- IProductComplianceSubject (called by the product-compliance activities; at least once each) ----

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
        var (product, changed) = await ChangeWithRetryAsync(productId, p => ProductRules.RecordChecks(p, track, findings, clock.UtcNow), cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "product.checks_recorded", TargetOf(productId), new { round = product.CurrentRound.Number, track, findings }, cancellationToken);
        }

        return product.Status;
    }

    public async Task<ProductStatus> RecordReviewDecisionAsync(string productId, string slot, string reviewer, ApprovalDecision decision, CancellationToken cancellationToken = default)
    {
        var (product, changed) = await ChangeWithRetryAsync(productId, p => ProductRules.RecordDecision(p, slot, reviewer, decision, clock.UtcNow), cancellationToken);
        if (changed)
        {
            await audit.RecordAsync(Caller.System, "product.review_decided", TargetOf(productId), new { round = product.CurrentRound.Number, slot, reviewer, decision.Kind, decision.Comment }, cancellationToken);
        }

        return product.Status;
    }

    public async Task<ProductStatus> CompleteAsync(string productId, ProductComplianceOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (product, changed) = await ChangeWithRetryAsync(productId, p => ProductRules.Complete(p, outcome, clock.UtcNow), cancellationToken);
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
        await audit.RecordAsync(Caller.System, action, TargetOf(productId), new { round = round.Number, outcome.Kind, outcome.Comment, outcome.Findings, product.Registration }, cancellationToken);
        // The review tells the owner and the authority the result; the record only files it.
        return product.Status;
    }

    // ---- Agreement revocation ----

    /// <summary>
    /// When an agreement ends, the operator's products still in review under it are withdrawn (published products stay
    /// published: delivered products are not recalled). Returns how many were withdrawn now, and every product withdrawn
    /// with the agreement (now or by an earlier run), whose open review links the revocation step closes. Idempotent.
    /// </summary>
    public async Task<(int Withdrawn, IReadOnlyList<Product> Stopped)> WithdrawUnderReviewAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        var withdrawn = 0;
        var stopped = new List<Product>();
        var endReason = $"agreement-{reason}";
        foreach (var product in await store.FindAsync(new ProductQuery(OwnerOrgId: agreement.OperatorId, AgreementId: agreement.Id), cancellationToken))
        {
            if (!product.IsUnderReview)
            {
                if (product.Status == ProductStatus.Withdrawn && product.CurrentRound.EndReason?.StartsWith("agreement-", StringComparison.Ordinal) == true)
                {
                    stopped.Add(product);
                }

                continue;
            }

            var (ended, changed) = await ChangeWithRetryAsync(product.Id, p => ProductRules.Withdraw(p, endReason, clock.UtcNow), cancellationToken);
            if (ended.Status == ProductStatus.Withdrawn)
            {
                stopped.Add(ended);
            }

            if (changed)
            {
                withdrawn++;
                await audit.RecordAsync(Caller.System, "product.withdrawn", TargetOf(product.Id), new { agreementId = agreement.Id, reason, round = ended.CurrentRound.Number }, cancellationToken);
                await outbox.SendAsync(ProductNotices.Withdrawn(ended, agreement, clock.UtcNow), cancellationToken);
            }
        }

        return (withdrawn, stopped);
    }

    // ---- IProductReadModel ----

    public async Task<IReadOnlyList<PublishedProductSummary>> ListPublishedAsync(string? operatorId, CancellationToken cancellationToken = default)
    {
        var published = await store.FindAsync(new ProductQuery(OperatorId: operatorId, Status: ProductStatus.Published), cancellationToken);
        return published.OrderBy(p => p.Id, StringComparer.Ordinal).Select(Summary).ToList();
    }

    public async Task<ProductActivityCounts> CountForOwnerAsync(string orgId, int year, CancellationToken cancellationToken = default)
        => await CountAsync(await store.FindAsync(new ProductQuery(OwnerOrgId: orgId), cancellationToken), year, cancellationToken);

    public async Task<ProductActivityCounts> CountForProviderAsync(string providerId, int year, CancellationToken cancellationToken = default)
    {
        var all = await store.FindAsync(new ProductQuery(), cancellationToken);
        return await CountAsync(all.Where(p => p.ProviderIds.Contains(providerId, StringComparer.Ordinal)).ToList(), year, cancellationToken);
    }

    public static PublishedProductSummary Summary(Product p)
        => new(p.Id, p.OperatorId, p.OwnerOrgId, p.Name, p.Kind, p.UseCategory, p.Price, p.Registration?.Number ?? "", p.Registration?.RegisteredOn ?? default,
            p.ResourceIds, p.ProviderIds, p.DerivedFrom);

    private async Task<ProductActivityCounts> CountAsync(IReadOnlyList<Product> products, int year, CancellationToken cancellationToken)
    {
        var submitted = products.Count(p => ChinaTime.LegalDate(p.CreatedAt).Year == year);
        var published = products.Count(p => p.Status == ProductStatus.Published && p.Registration?.RegisteredOn.Year == year);
        long calls = 0;
        foreach (var product in products.Where(p => p.Kind == ProductKind.Api && p.Registration is not null))
        {
            calls += (await usage.ListAsync(product.Id, cancellationToken)).Where(m => m.Day.Year == year).Sum(m => m.Calls);
        }

        return new ProductActivityCounts(submitted, published, calls);
    }

    private async Task StartReviewAsync(Product product, IWorkflowGateway workflows, CancellationToken cancellationToken)
    {
        var round = product.CurrentRound;
        await workflows.StartAsync(ProductWorkflow.OrchestratorName, round.InstanceId,
            new ProductComplianceRequest(product.Id, round.Number, round.StartedAt.UtcDateTime, compression.Factor), cancellationToken);
    }

    /// <summary>
    /// Object-level access: the owner, the authority and supervisors; the operator a developer's product rests on; the
    /// providers whose data it uses and reviewers who decided on it (they review it); anyone signed in once published.
    /// </summary>
    public static bool MayRead(Product product, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        _ when product.Status == ProductStatus.Published => true,
        _ when caller.Organization.Length == 0 => false,
        _ => caller.Organization == product.OwnerOrgId
             || caller.Organization == product.OperatorId
             || product.ProviderIds.Contains(caller.Organization, StringComparer.Ordinal)
             || product.Rounds.SelectMany(r => r.Decisions).Any(d => d.Reviewer == $"org:{caller.Organization}"),
    };

    private static DomainException NotFound(string id) => new(FailureKind.NotFound, NotFoundCode, $"Product '{id}' does not exist.");

    // Decisions and the revocation step may write at the same time: apply this change again on top.
    private Task<(Product Product, bool Changed)> ChangeWithRetryAsync(string id, Func<Product, Product> change, CancellationToken cancellationToken)
        => OptimisticChange.ApplyAsync(ct => store.GetAsync(id, ct), store.ReplaceAsync, change, () => NotFound(id), cancellationToken);
}

/// <summary>
/// The agreement revocation step that withdraws the operator's products still in review (published ones stay) and closes
/// the open slots of their rounds at once, so the links answer 410 and the review stops at its next step. The slots are
/// closed here rather than in <see cref="ProductService"/>, which the approval pages depend on.
/// </summary>
public sealed class ProductReviewRevocationStep(ProductService products, ApprovalService approvals, IApprovalSlotDirectory slotDirectory) : IAgreementRevocationStep
{
    public const string StepName = "product-reviews";

    public string Name => StepName;

    public async Task<string> RevokeAsync(Agreement agreement, string reason, CancellationToken cancellationToken = default)
    {
        var (withdrawn, stopped) = await products.WithdrawUnderReviewAsync(agreement, reason, cancellationToken);
        foreach (var product in stopped)
        {
            var round = product.CurrentRound;
            var decided = round.Decisions.Select(d => d.Slot).ToHashSet(StringComparer.Ordinal);
            var open = (await slotDirectory.ListSlotsAsync(round.InstanceId, cancellationToken)).Where(slot => !decided.Contains(slot)).ToList();
            await approvals.CloseAsync(round.InstanceId, open, $"agreement-{reason}", cancellationToken);
        }

        return $"{withdrawn} product(s) in review withdrawn";
    }
}
