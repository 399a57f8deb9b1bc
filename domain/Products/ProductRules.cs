using Platform.Domain.Security;
using Platform.Domain.Approvals;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Platform.Domain.Time;

namespace Platform.Domain.Products;

/// <summary>What a caller submits (POST /api/products), unchecked.</summary>
public sealed record ProductDraft(
    string? ScenarioId,
    ProductKind? Kind,
    string? Name,
    string? Description,
    decimal? Price,
    IReadOnlyList<string?>? SourceJobIds,
    string? DerivedFrom,
    bool InvolvesPersonalInfo,
    bool InvolvesTradeSecrets,
    IReadOnlyList<string?>? ConsentEvidence);

/// <summary>The checked descriptive part of a draft.</summary>
public sealed record ProductContent(ProductKind Kind, string Name, string Description, decimal Price, bool InvolvesPersonalInfo, bool InvolvesTradeSecrets, IReadOnlyList<string> ConsentEvidence);

public static class ProductRules
{
    public const string NotFoundCode = "product.not_found";

    public static string TargetOf(string productId) => $"products/{productId}";

    public static DomainException NotFound(string id) => new(FailureKind.NotFound, NotFoundCode, $"Product '{id}' does not exist.");

    /// <summary>
    /// Object-level access to the record (content, sources, review rounds, consent evidence): the owner, the authority
    /// and supervisors; the operator a developer's product rests on; the providers whose data it uses and reviewers who
    /// decided on it (they review it). Publication does not open the record: the public form is the published listing.
    /// </summary>
    // M4.5.1: review decisions and consent evidence stay with the product's parties; the public sees the registration.
    public static bool MayRead(Product product, Caller caller) => caller.Role switch
    {
        Roles.Authority or Roles.Supervisor => true,
        _ when caller.Organization.Length == 0 => false,
        _ => caller.Organization == product.OwnerOrgId
             || caller.Organization == product.OperatorId
             || product.ProviderIds.Contains(caller.Organization, StringComparer.Ordinal)
             || product.Rounds.SelectMany(r => r.Decisions).Any(d => d.Reviewer == $"org:{caller.Organization}"),
    };

    public const string InvalidCode = "product.invalid";
    public const string PriceNotFreeCode = "product.price_not_free";
    public const string PriceAboveCapCode = "product.price_above_cap";
    public const string PriceCapNotSetCode = "product.price_cap_not_set";
    public const string RedevelopmentForbiddenCode = "product.operator_redevelopment_forbidden";
    public const string DeveloperNotAdmittedCode = "product.developer_not_admitted";
    public const string DerivationRequiredCode = "product.derivation_required";
    public const string SubjectAuthorizationRequiredCode = "product.subject_authorization_required";
    public const int MaxSourceJobs = 20;
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxConsentEvidence = 50;
    public const int MaxReferenceLength = 500;
    public const int MaxFindingsKept = 50;

    public static string PublicGood => ProductWire.Of(ScenarioUseCategory.PublicGood);

    public static string Industry => ProductWire.Of(ScenarioUseCategory.Industry);

    /// <summary>Checks the descriptive fields; throws 422 <c>product.invalid</c> with errors per field.</summary>
    public static ProductContent ValidateContent(ProductDraft draft, Dictionary<string, string[]>? errors = null)
    {
        errors ??= [];
        if (draft.Kind is null)
        {
            errors["kind"] = [$"Required: one of {string.Join(", ", ProductWire.All<ProductKind>())}."];
        }

        if (string.IsNullOrWhiteSpace(draft.Name) || draft.Name.Trim().Length > MaxNameLength)
        {
            errors["name"] = [$"Required, at most {MaxNameLength} characters."];
        }

        if (string.IsNullOrWhiteSpace(draft.Description) || draft.Description.Trim().Length > MaxDescriptionLength)
        {
            errors["description"] = [$"Required, at most {MaxDescriptionLength} characters."];
        }

        if (draft.Price is null || draft.Price < 0 || decimal.Round(draft.Price.Value, 2) != draft.Price.Value || draft.Price > 1_000_000_000m)
        {
            errors["price"] = ["A non-negative price in yuan (CNY) with at most 2 decimals is required; 0 for a free product."];
        }

        var evidence = new List<string>();
        var given = draft.ConsentEvidence ?? [];
        if (given.Count > MaxConsentEvidence)
        {
            errors["consentEvidence"] = [$"At most {MaxConsentEvidence} references."];
        }

        for (var i = 0; i < given.Count && i < MaxConsentEvidence; i++)
        {
            if (string.IsNullOrWhiteSpace(given[i]) || given[i]!.Trim().Length > MaxReferenceLength)
            {
                errors[$"consentEvidence[{i}]"] = [$"A reference of 1 to {MaxReferenceLength} characters."];
            }
            else
            {
                evidence.Add(given[i]!.Trim());
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, InvalidCode, "The product has invalid fields.", errors);
        }

        return new ProductContent(draft.Kind!.Value, draft.Name!.Trim(), draft.Description!.Trim(), draft.Price!.Value, draft.InvolvesPersonalInfo, draft.InvolvesTradeSecrets, evidence);
    }

    /// <summary>
    /// M4.5.3: public-good products are free; industry products carry a fee no higher than the government-guided cap the
    /// authority set for the product's kind. Without a cap an industry price cannot be checked, so it is refused.
    /// </summary>
    public static void CheckPrice(string useCategory, ProductKind kind, decimal price, decimal? cap)
    {
        if (useCategory == PublicGood)
        {
            if (price != 0)
            {
                throw new DomainException(FailureKind.Unprocessable, PriceNotFreeCode, "Public-good products are provided free of charge (M4.5.3); the price must be 0.",
                    new Dictionary<string, string[]> { ["price"] = ["Must be 0 for a public-good product."] });
            }

            return;
        }

        var kindWire = ProductWire.Of(kind);
        if (cap is null)
        {
            throw new DomainException(FailureKind.Unprocessable, PriceCapNotSetCode, $"The authority has not set a government-guided price cap for '{kindWire}' products yet; industry products cannot be priced until it does.",
                new Dictionary<string, string[]> { ["price"] = [$"No price cap for kind '{kindWire}'."] });
        }

        if (price > cap.Value)
        {
            throw new DomainException(FailureKind.Unprocessable, PriceAboveCapCode, $"The price {price} CNY is above the government-guided cap of {cap.Value} CNY for '{kindWire}' products (M4.5.3).",
                new Dictionary<string, string[]> { ["price"] = [$"At most {cap.Value} CNY."] });
        }
    }

    /// <summary>
    /// M4.6.1: an operator may not re-develop its own delivered products, directly (it derives itself) or indirectly
    /// (through a developer it controls). "Its own" covers the whole lineage: a product a developer derived from the
    /// operator's product is still the operator's delivered data.
    /// </summary>
    public static void CheckRedevelopment(Product origin, string deriverOrgId, IReadOnlySet<string> controllingOperators)
    {
        var lineage = LineageOperatorsOf(origin);
        if (lineage.Contains(deriverOrgId))
        {
            throw new DomainException(FailureKind.Forbidden, RedevelopmentForbiddenCode,
                "An operator may not re-develop its own delivered products (M4.6.1).");
        }

        var controller = controllingOperators.FirstOrDefault(lineage.Contains);
        if (controller is not null)
        {
            throw new DomainException(FailureKind.Forbidden, RedevelopmentForbiddenCode,
                $"The developer is controlled by operator '{controller}', whose delivered product this is; an operator may not re-develop its own products through a developer it controls (M4.6.1).");
        }
    }

    public static IReadOnlySet<string> LineageOperatorsOf(Product product)
        => product.LineageOperatorIds.Append(product.OperatorId).ToHashSet(StringComparer.Ordinal);

    /// <summary>The fields each source job read, per resource, with the provider named by the grant.</summary>
    public static IReadOnlyList<ResourceFieldSet> UsedDataOf(IEnumerable<(SandboxJob Job, Grants.Grant Grant)> sources)
    {
        var byResource = new SortedDictionary<string, (string Provider, SortedSet<string> Fields)>(StringComparer.Ordinal);
        foreach (var (job, grant) in sources)
        {
            foreach (var table in job.Run?.Tables ?? [])
            {
                var provider = grant.Tables.FirstOrDefault(t => t.ResourceId == table.ResourceId)?.ProviderId ?? grant.ProviderId;
                if (!byResource.TryGetValue(table.ResourceId, out var entry))
                {
                    entry = (provider, new SortedSet<string>(StringComparer.Ordinal));
                    byResource[table.ResourceId] = entry;
                }

                entry.Fields.UnionWith(table.FieldsRead);
            }
        }

        return byResource.Select(e => new ResourceFieldSet(e.Key, e.Value.Provider, e.Value.Fields.ToList())).ToList();
    }

    /// <summary>
    /// M4.5.1, M4.5.2: a product's risk flags come from the classification of every field its source jobs' statements used
    /// (<see cref="SandboxJobTable.FieldsRead"/>: the fields the release analysis resolved, else every loaded field) — a
    /// personal or sensitive-personal field makes it personal, a commercial-secret, trade-secret or
    /// confidential-business field makes it commercial-sensitive. A field the grant no longer describes counts as both.
    /// </summary>
    public static (bool Personal, bool CommercialSensitive) RiskFlagsOf(IEnumerable<(SandboxJob Job, Grants.Grant Grant)> sources)
    {
        var personal = false;
        var commercial = false;
        foreach (var (job, grant) in sources)
        {
            foreach (var table in job.Run?.Tables ?? [])
            {
                var granted = grant.Tables.FirstOrDefault(t => t.ResourceId == table.ResourceId);
                foreach (var name in table.FieldsRead)
                {
                    var field = granted?.Fields.FirstOrDefault(f => f.Name == name);
                    personal |= field is null || field.Classification.IsPersonal;
                    commercial |= field is null || field.Classification.IsCommercialSensitive;
                }
            }
        }

        return (personal, commercial);
    }

    /// <summary>Registration number 登记编号: derived from the id, so a repeated completion registers the same number.</summary>
    public static string RegistrationNumber(string productId, DateOnly registeredOn)
        => $"HBDP-{registeredOn:yyyyMMdd}-{productId[^10..].ToUpperInvariant()}";

    public static ProductReviewRound NewRound(int number, DateTimeOffset now)
        => new(number, "", now, null, null, null, [], null, null, null, null);

    // M4.5.1: the automated compliance checks of a round are recorded once; a repeated activity changes nothing.
    public static Product RecordChecks(Product product, ProductReviewTrack track, IReadOnlyList<ComplianceFinding> findings, DateTimeOffset now)
    {
        var round = product.CurrentRound;
        if (product.Status != ProductStatus.InReview || round.Findings is not null)
        {
            return product;
        }

        return WithRound(product, round with { Track = track, Findings = Kept(findings), FindingCount = findings.Count, ChecksRecordedAt = now }, now);
    }

    // M4.5.1: each reviewer's decision on the round is filed once, only while the product is in review.
    public static Product RecordDecision(Product product, string slot, string reviewer, ApprovalDecision decision, DateTimeOffset now)
    {
        var round = product.CurrentRound;
        if (product.Status != ProductStatus.InReview || round.Decisions.Any(d => d.Slot == slot))
        {
            return product;
        }

        return WithRound(product, round with { Decisions = [.. round.Decisions, new ProductReviewDecision(slot, reviewer, decision)] }, now);
    }

    // M4.5.1: only a product that passed its compliance review is registered and published; the number is kept on repeats.
    public static Product Complete(Product product, ProductComplianceOutcome outcome, DateTimeOffset now)
    {
        var round = product.CurrentRound;
        if (product.Status != ProductStatus.InReview || round.Outcome is not null)
        {
            return product;
        }

        var ended = round with { Outcome = outcome.Kind, OutcomeComment = outcome.Comment, OutcomeFindings = Kept(outcome.Findings), EndedAt = now };
        var status = outcome.Kind switch
        {
            ProductComplianceOutcomeKind.Published => ProductStatus.Published,
            ProductComplianceOutcomeKind.Rejected => ProductStatus.Rejected,
            _ => ProductStatus.ChangesRequested,
        };
        var registration = outcome.Kind == ProductComplianceOutcomeKind.Published
            ? new ProductRegistration(RegistrationNumber(product.Id, ChinaTime.LegalDate(now)), ChinaTime.LegalDate(now), now)
            : null;
        return WithRound(product, ended, now) with { Status = status, Registration = registration ?? product.Registration };
    }

    /// <summary>Agreement expiry or termination stops a review that has not ended; a published product stays published.</summary>
    public static Product Withdraw(Product product, string reason, DateTimeOffset now)
    {
        if (!product.IsUnderReview)
        {
            return product;
        }

        var round = product.CurrentRound;
        var ended = round.EndedAt is null ? round with { EndedAt = now, EndReason = reason } : round;
        return WithRound(product, ended, now) with { Status = ProductStatus.Withdrawn };
    }

    // M4.5.1: a product sent back for changes is reviewed again in full, in a new round.
    public static Product Resubmit(Product product, ProductContent content, string instanceId, DateTimeOffset now)
    {
        if (product.Status != ProductStatus.ChangesRequested)
        {
            throw new DomainException(FailureKind.Conflict, "product.resubmission_not_allowed", "Only a product whose review asked for changes can be resubmitted.");
        }

        var round = NewRound(product.CurrentRound.Number + 1, now) with { InstanceId = instanceId };
        return product with
        {
            Kind = content.Kind,
            Name = content.Name,
            Description = content.Description,
            Price = content.Price,
            InvolvesPersonalInfo = content.InvolvesPersonalInfo,
            InvolvesTradeSecrets = content.InvolvesTradeSecrets,
            ConsentEvidence = content.ConsentEvidence,
            Status = ProductStatus.InReview,
            Rounds = [.. product.Rounds, round],
            UpdatedAt = now,
        };
    }

    /// <summary>The record keeps the first findings (a table row is bounded); the count says how many there were, the audit log has them all.</summary>
    public static IReadOnlyList<ComplianceFinding> Kept(IReadOnlyList<ComplianceFinding> findings)
        => findings.Count <= MaxFindingsKept ? findings : findings.Take(MaxFindingsKept).ToList();

    private static Product WithRound(Product product, ProductReviewRound round, DateTimeOffset now)
        => product with { Rounds = [.. product.Rounds.Take(product.Rounds.Count - 1), round], UpdatedAt = now };
}
