using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Organizations;
using Platform.Domain.Oversight;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>
/// Builds a new product record from a draft (M4.5, M4.6): by an operator from its approved scenario and released
/// full-mode sandbox outputs, or by an admitted developer (or operator) re-developing a delivered product. Checks the
/// sources, the caller's standing and the price; stores nothing.
/// </summary>
public sealed class ProductDrafting(
    IProductStore store,
    IScenarioStore scenarios,
    IAgreementStore agreements,
    ProductSourceResolver sourceResolver,
    DeveloperAdmissionService admissions,
    PriceCapService priceCaps,
    IOperatorAccessGuard accessGuard,
    IClock clock)
{
    public Task<Product> BuildAsync(string id, ProductDraft draft, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return string.IsNullOrWhiteSpace(draft.DerivedFrom)
            ? FromSandboxOutputsAsync(id, draft, caller, cancellationToken)
            : DerivedAsync(id, draft, caller, cancellationToken);
    }

    private async Task<Product> FromSandboxOutputsAsync(string id, ProductDraft draft, Caller caller, CancellationToken cancellationToken)
    {
        if (caller.Role != Roles.Operator)
        {
            throw new DomainException(FailureKind.Forbidden, ProductRules.DerivationRequiredCode,
                "A developer builds products by re-developing a delivered product: name it in derivedFrom.");
        }

        // M5.5: a suspended operator's data access is stopped, product building included.
        await accessGuard.EnsureMayStartWorkAsync(caller, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(draft.ScenarioId))
        {
            errors["scenarioId"] = ["The approved scenario the product serves is required."];
        }

        var jobIds = (draft.SourceJobIds ?? []).ToList();
        if (jobIds.Count is 0 or > ProductRules.MaxSourceJobs)
        {
            errors["sourceJobIds"] = [$"Name 1 to {ProductRules.MaxSourceJobs} released full-mode sandbox jobs the product is built from."];
        }

        var content = ProductRules.ValidateContent(draft, errors);
        var scenario = (await scenarios.GetAsync(draft.ScenarioId!.Trim(), cancellationToken))?.Value;
        if (scenario is null || scenario.OperatorId != caller.Organization)
        {
            throw new DomainException(FailureKind.NotFound, "scenario.not_found", $"Scenario '{draft.ScenarioId}' does not exist.");
        }

        if (scenario.Status != ScenarioStatus.Approved)
        {
            throw new DomainException(FailureKind.Conflict, "product.scenario_not_approved", "Products are built for an approved scenario (M4.2, M4.5); this scenario is not approved.");
        }

        var agreement = (await agreements.GetAsync(scenario.AgreementId, cancellationToken))?.Value;
        if (agreement is null)
        {
            throw new DomainException(FailureKind.Conflict, "product.agreement_not_active", $"The agreement '{scenario.AgreementId}' of the scenario is not active.");
        }

        // M3.4: products are registered only while the agreement is in force.
        AgreementRules.EnsureInForce(agreement);

        var sources = await sourceResolver.ResolveAsync(jobIds, caller, scenario, agreement, errors, cancellationToken);
        var useCategory = ProductWire.Of(scenario.Content.UseCategory);
        ProductRules.CheckPrice(useCategory, content.Kind, content.Price, await priceCaps.CapOfAsync(content.Kind, cancellationToken));
        // M4.5.1, M4.5.2: the flags come from the fields the source jobs used; the operator may add a flag, never remove one.
        var (personal, commercial) = ProductRules.RiskFlagsOf(sources);
        var now = clock.UtcNow;
        return new Product(id, caller.Organization, OrganizationKind.Operator, caller.Organization, agreement.Id, scenario.Id, scenario.Content.Title,
            content.Kind, content.Name, content.Description, content.Price, useCategory, content.InvolvesPersonalInfo || personal, content.InvolvesTradeSecrets || commercial, content.ConsentEvidence,
            sources.Select(s => new ProductSource(s.Job.Id, s.Grant.Id, s.Job.ResultHash, s.Job.Run?.RowCount)).ToList(),
            ProductRules.UsedDataOf(sources), null, [], [], ProductStatus.InReview,
            [ProductRules.NewRound(1, now) with { InstanceId = ProductWorkflow.InstanceId(id, 1) }], null, now, caller.Subject, now);
    }

    private async Task<Product> DerivedAsync(string id, ProductDraft draft, Caller caller, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (draft.SourceJobIds is { Count: > 0 })
        {
            errors["sourceJobIds"] = ["A derived product builds on its origin's data; do not name sandbox jobs."];
        }

        var content = ProductRules.ValidateContent(draft, errors);
        DeveloperStanding standing;
        if (caller.Role == Roles.Operator)
        {
            await accessGuard.EnsureMayStartWorkAsync(caller, cancellationToken);
            standing = new DeveloperStanding(true, new HashSet<string>());
        }
        else
        {
            standing = await admissions.StandingAsync(caller.Organization, cancellationToken);
            // M4.6.2, M4.6.5: only developers admitted to the platform (approved by the authority) may re-develop products.
            if (!standing.Admitted)
            {
                throw new DomainException(FailureKind.Forbidden, ProductRules.DeveloperNotAdmittedCode,
                    "Your organisation has not been admitted as a product developer; an operator applies for admission under its rules and the authority approves it.");
            }
        }

        var originId = draft.DerivedFrom!.Trim();
        var origin = originId.Length > 64 ? null : (await store.GetAsync(originId, cancellationToken))?.Value;
        if (origin is null || (origin.Status != ProductStatus.Published && !ProductRules.MayRead(origin, caller)))
        {
            throw new DomainException(FailureKind.NotFound, ProductRules.NotFoundCode, $"Product '{originId}' does not exist.",
                new Dictionary<string, string[]> { ["derivedFrom"] = ["Not a product."] });
        }

        ProductRules.CheckRedevelopment(origin, caller.Organization, standing.ControllingOperators);
        if (origin.Status != ProductStatus.Published)
        {
            throw new DomainException(FailureKind.Conflict, "product.origin_not_published", "Only delivered (published) products can be re-developed.");
        }

        ProductRules.CheckPrice(origin.UseCategory, content.Kind, content.Price, await priceCaps.CapOfAsync(content.Kind, cancellationToken));
        var now = clock.UtcNow;
        var ownerKind = caller.Role == Roles.Operator ? OrganizationKind.Operator : OrganizationKind.Developer;
        var operatorId = ownerKind == OrganizationKind.Operator ? caller.Organization : origin.OperatorId;
        return new Product(id, caller.Organization, ownerKind, operatorId, origin.AgreementId, origin.ScenarioId, origin.ScenarioTitle,
            content.Kind, content.Name, content.Description, content.Price, origin.UseCategory,
            content.InvolvesPersonalInfo || origin.InvolvesPersonalInfo, content.InvolvesTradeSecrets || origin.InvolvesTradeSecrets, content.ConsentEvidence,
            origin.Sources, origin.UsedData, origin.Id, [.. origin.Lineage, origin.Id], ProductRules.LineageOperatorsOf(origin).Order(StringComparer.Ordinal).ToList(),
            ProductStatus.InReview, [ProductRules.NewRound(1, now) with { InstanceId = ProductWorkflow.InstanceId(id, 1) }], null, now, caller.Subject, now);
    }
}
