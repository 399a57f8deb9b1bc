using Platform.Domain.Approvals;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Security;

namespace Platform.Domain.Scenarios;

/// <summary>A scenario as sent by the operator, before validation (every field may be missing).</summary>
public sealed record ScenarioDraft(
    string? Title,
    string? Purpose,
    ScenarioUseCategory? UseCategory,
    string? EconomicValue,
    string? SocialValue,
    string? BusinessModel,
    IReadOnlyList<DataNeedDraft?>? DataNeeds,
    bool ExpertReview,
    IReadOnlyList<string?>? Experts);

public sealed record DataNeedDraft(string? ResourceId, string? ProviderId, IReadOnlyList<string?>? Fields, string? Justification);

/// <summary>A reviewer asked in a round, and the slot name its decision is filed under.</summary>
public sealed record ReviewSlotAssignment(string Slot, ReviewerKind Kind, Recipient Reviewer);

/// <summary>The rules of the Measures for scenario review (M4.2 "one scenario, one review"), as pure functions.</summary>
public static class ScenarioRules
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 4000;
    public const int MaxDataNeeds = 50;
    public const int MaxFieldsPerNeed = 200;
    public const int MaxFieldNameLength = 128;
    public const int MaxResourceIdLength = 128;
    public const int MaxExperts = 10;
    public const string AuthoritySlot = "authority";

    /// <summary>M4.2: the criteria every reviewer scores, in the order of the Measures.</summary>
    public static readonly IReadOnlyList<ApprovalCriterion> Criteria =
    [
        new("economicValue", "经济价值", "场景能否带来可衡量的经济效益"),
        new("socialValue", "社会价值", "场景对公共服务、社会治理或民生的作用"),
        new("businessModel", "商业模式", "盈利方式与收费安排是否清晰、可持续"),
        new("reasonableness", "合理性", "数据用途与场景目的是否相符、方案是否合理"),
        new("necessity", "必要性", "所申请的数据和字段是否为实现场景所必需（最小必要）"),
        new("satisfiability", "可满足性", "所需数据能否由数据提供单位按要求提供"),
    ];

    /// <summary>Checks a draft; returns the content with text trimmed, or throws 422 <c>scenario.invalid</c> naming each bad field.</summary>
    public static ScenarioContent Validate(ScenarioDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, string[]>();
        var title = Text(draft.Title, "title", MaxTitleLength, errors);
        var purpose = Text(draft.Purpose, "purpose", MaxTextLength, errors);
        var economicValue = Text(draft.EconomicValue, "economicValue", MaxTextLength, errors);
        var socialValue = Text(draft.SocialValue, "socialValue", MaxTextLength, errors);
        var businessModel = Text(draft.BusinessModel, "businessModel", MaxTextLength, errors);
        if (draft.UseCategory is null)
        {
            errors["useCategory"] = ["Required: public-good or industry."];
        }

        var needs = new List<DataNeed>();
        if (draft.DataNeeds is not { Count: > 0 })
        {
            // M4.2: a scenario is reviewed for the data it needs; without any there is nothing to authorise.
            errors["dataNeeds"] = ["Name at least one data need."];
        }
        else if (draft.DataNeeds.Count > MaxDataNeeds)
        {
            errors["dataNeeds"] = [$"At most {MaxDataNeeds} data needs."];
        }
        else
        {
            for (var i = 0; i < draft.DataNeeds.Count; i++)
            {
                if (ValidateNeed(draft.DataNeeds[i], $"dataNeeds[{i}]", errors) is { } need)
                {
                    needs.Add(need);
                }
            }

            foreach (var duplicate in needs.GroupBy(n => n.ResourceId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors[$"dataNeeds[{needs.FindLastIndex(n => n.ResourceId == duplicate.Key)}].resourceId"] = [$"Resource '{duplicate.Key}' is named twice; list all its fields in one need."];
            }
        }

        // M2.3: the authority organises expert review as needed; the operator may only ask for it. Experts it names
        // are suggestions the authority may take up (POST /scenarios/{id}/experts), never reviewers by themselves.
        var experts = (draft.Experts ?? []).Select(e => e?.Trim() ?? "").ToList();
        if (!draft.ExpertReview && experts.Count > 0)
        {
            errors["experts"] = ["Experts are suggested but expertReview is false; set expertReview to true or leave experts out."];
        }
        else if (experts.Count > MaxExperts)
        {
            errors["experts"] = [$"At most {MaxExperts} experts."];
        }
        else if (experts.Any(e => e.Length == 0))
        {
            errors["experts"] = ["Expert ids must not be empty."];
        }
        else if (experts.Distinct(StringComparer.Ordinal).Count() != experts.Count)
        {
            errors["experts"] = ["An expert is named twice."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "The scenario has invalid fields.", errors);
        }

        return new ScenarioContent(title!, purpose!, draft.UseCategory!.Value, economicValue!, socialValue!, businessModel!, needs, draft.ExpertReview, experts);
    }

    /// <summary>
    /// M4.2: the data needs with their holders taken from the published catalogue — whatever provider the body named.
    /// A need for a resource that is unknown or not published is 422 <c>scenario.invalid</c> naming the need.
    /// </summary>
    public static ScenarioContent WithHolders(ScenarioContent content, IReadOnlyDictionary<string, ResourceHolder> published)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(published);
        var errors = new Dictionary<string, string[]>();
        var needs = new List<DataNeed>(content.DataNeeds.Count);
        for (var i = 0; i < content.DataNeeds.Count; i++)
        {
            var need = content.DataNeeds[i];
            if (!published.TryGetValue(need.ResourceId, out var holder))
            {
                errors[$"dataNeeds[{i}].resourceId"] = [$"'{need.ResourceId}' is not a published resource of the catalogue."];
                continue;
            }

            needs.Add(need with { ProviderId = holder.ProviderId, SharedFrom = holder.SharedFrom });
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "scenario.invalid", "Some data needs name resources that are not published.", errors);
        }

        return content with { DataNeeds = needs };
    }

    /// <summary>
    /// docs/lifecycles.md, M4.2: who is asked, in parallel — the authority, every provider whose data is needed (the holder of
    /// each resource and, for data shared in, its original provider; once each), and the experts the authority added
    /// (M2.3), who stay on for later rounds.
    /// </summary>
    public static IReadOnlyList<ReviewSlotAssignment> ReviewSlots(ScenarioContent content, IReadOnlyList<string>? experts = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var slots = new List<ReviewSlotAssignment> { new(AuthoritySlot, ReviewerKind.Authority, Recipient.Role(Roles.Authority)) };
        var providers = content.DataNeeds.SelectMany(n => n.Providers).Distinct(StringComparer.Ordinal).ToList();
        slots.AddRange(providers.Select(p => new ReviewSlotAssignment(ProviderSlot(p), ReviewerKind.Provider, Recipient.Organization(p))));
        slots.AddRange((experts ?? []).Where(e => !providers.Contains(e)).Distinct(StringComparer.Ordinal).Select(ExpertSlot));
        return slots;
    }

    public static string ProviderSlot(string providerId) => $"provider-{providerId}";

    public static ReviewSlotAssignment ExpertSlot(string expertId) => new($"expert-{expertId}", ReviewerKind.Expert, Recipient.Organization(expertId));

    /// <summary>The experts the authority added to a round (carried into the next round on resubmission).</summary>
    public static IReadOnlyList<string> ExpertsOf(ScenarioRound round)
        => round.Reviews.Where(r => r.ReviewerKind == ReviewerKind.Expert).Select(r => r.Reviewer.Value).ToList();

    /// <summary>
    /// M2.3: the authority adds an expert reviewer to the open round of a scenario under review. Adding one already
    /// on the round changes nothing; a round that ended takes no new reviewer (409 <c>scenario.not_in_review</c>).
    /// </summary>
    public static (Scenario Scenario, bool Added) AddExpert(Scenario scenario, string expertId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var round = scenario.CurrentRound;
        if (scenario.Status != ScenarioStatus.InReview || round.Outcome is not null)
        {
            throw new DomainException(FailureKind.Conflict, "scenario.not_in_review",
                $"Experts are added to a scenario under review; this one is {Wire(scenario.Status)}.");
        }

        var slot = ExpertSlot(expertId);
        if (round.Reviews.Any(r => r.Reviewer == slot.Reviewer))
        {
            return (scenario, false);
        }

        var added = round with { Reviews = [.. round.Reviews, new ScenarioReview(slot.Slot, slot.Kind, slot.Reviewer, null, false, null)] };
        return (scenario with { Rounds = [.. scenario.Rounds.Take(scenario.Rounds.Count - 1), added], UpdatedAt = now }, true);
    }

    /// <summary>
    /// M2.3 (impartial review): a reviewer may not be the operator itself, nor share its legal identity (same unified
    /// social credit code), nor be an operator or developer organisation; returns why, or null when it may review.
    /// </summary>
    public static string? ReviewerConflict(Organization reviewer, Organization operatorOrganization)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentNullException.ThrowIfNull(operatorOrganization);
        if (reviewer.Id == operatorOrganization.Id || string.Equals(reviewer.CreditCode, operatorOrganization.CreditCode, StringComparison.OrdinalIgnoreCase))
        {
            return "The reviewer belongs to the operator's own organisation.";
        }

        return reviewer.Kind is OrganizationKind.Operator or OrganizationKind.Developer
            ? "Operators and product developers cannot review scenarios."
            : null;
    }

    /// <summary>The platform role a reviewer of this kind holds (for the audit record of a decision).</summary>
    public static string RoleOf(ReviewerKind kind) => kind switch
    {
        ReviewerKind.Authority => Roles.Authority,
        ReviewerKind.Provider => Roles.Provider,
        _ => Roles.Reviewer,
    };

    public static ScenarioStatus StatusAfter(ReviewRoundOutcome outcome) => outcome switch
    {
        ReviewRoundOutcome.Approved => ScenarioStatus.Approved,
        ReviewRoundOutcome.Rejected => ScenarioStatus.Rejected,
        ReviewRoundOutcome.ChangesRequested => ScenarioStatus.ChangesRequested,
        _ => ScenarioStatus.Cancelled,
    };

    /// <summary>Files a reviewer's decision in its round; a slot already decided, or a round already ended, keeps what it has.</summary>
    public static Scenario RecordDecision(Scenario scenario, int round, string slot, ApprovalDecision decision, DateTimeOffset now)
        => ChangeReview(scenario, round, slot, now, review => review.Decision is null ? review with { Decision = decision } : review, allowEnded: false);

    /// <summary>A decision that arrived as its round ended (it raced the end): kept on record, it changes no outcome.</summary>
    public static Scenario RecordLateDecision(Scenario scenario, int round, string slot, ApprovalDecision decision, DateTimeOffset now)
        => ChangeReview(scenario, round, slot, now, review => review.Decision is null ? review with { Decision = decision } : review, allowEnded: true);

    /// <summary>M4.2: a review left unanswered past its deadline is marked overdue and escalated — never decided by silence.</summary>
    public static Scenario MarkOverdue(Scenario scenario, int round, string slot, DateTimeOffset now)
        => ChangeReview(scenario, round, slot, now, review => review.Decision is null && !review.Overdue ? review with { Overdue = true, EscalatedAt = now } : review, allowEnded: false);

    /// <summary>Ends a round with its outcome and moves the scenario on; ending a round twice keeps the first outcome.</summary>
    public static Scenario EndRound(Scenario scenario, int round, ReviewRoundOutcome outcome, DateTimeOffset now)
    {
        var current = scenario.Round(round);
        if (current is null || current.Outcome is not null)
        {
            return scenario;
        }

        var ended = current with { Outcome = outcome, EndedAt = now };
        var isLatest = current.Number == scenario.CurrentRound.Number;
        return scenario with
        {
            Rounds = scenario.Rounds.Select(r => r.Number == round ? ended : r).ToList(),
            Status = isLatest && scenario.Status == ScenarioStatus.InReview ? StatusAfter(outcome) : scenario.Status,
            UpdatedAt = now,
        };
    }

    /// <summary>M4.2: after a request for changes the operator may resubmit; the resubmission is reviewed as a new round.</summary>
    public static Scenario Resubmit(Scenario scenario, ScenarioContent content, string instanceId, DateTimeOffset now, DateTimeOffset dueAt)
    {
        if (scenario.Status != ScenarioStatus.ChangesRequested)
        {
            throw new DomainException(FailureKind.Conflict, "scenario.resubmission_not_allowed",
                $"Only a scenario whose reviewers asked for changes can be resubmitted; this one is {Wire(scenario.Status)}.");
        }

        var number = scenario.CurrentRound.Number + 1;
        var round = NewRound(number, instanceId, content, now, dueAt, ExpertsOf(scenario.CurrentRound));
        return scenario with { Status = ScenarioStatus.InReview, Rounds = [.. scenario.Rounds, round], UpdatedAt = now };
    }

    public static ScenarioRound NewRound(int number, string instanceId, ScenarioContent content, DateTimeOffset now, DateTimeOffset dueAt, IReadOnlyList<string>? experts = null)
        => new(number, instanceId, now, dueAt, content,
            ReviewSlots(content, experts).Select(s => new ScenarioReview(s.Slot, s.Kind, s.Reviewer, null, false, null)).ToList(), null, null);

    public static string Wire(ScenarioStatus status) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    public static string Wire(ReviewRoundOutcome outcome) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(outcome.ToString());

    private static Scenario ChangeReview(Scenario scenario, int round, string slot, DateTimeOffset now, Func<ScenarioReview, ScenarioReview> change, bool allowEnded)
    {
        var current = scenario.Round(round);
        var review = current?.Reviews.FirstOrDefault(r => r.Slot == slot);
        if (current is null || review is null || (!allowEnded && current.Outcome is not null))
        {
            return scenario;
        }

        var changed = change(review);
        if (ReferenceEquals(changed, review))
        {
            return scenario;
        }

        var updatedRound = current with { Reviews = current.Reviews.Select(r => r.Slot == slot ? changed : r).ToList() };
        return scenario with { Rounds = scenario.Rounds.Select(r => r.Number == round ? updatedRound : r).ToList(), UpdatedAt = now };
    }

    private static DataNeed? ValidateNeed(DataNeedDraft? need, string path, Dictionary<string, string[]> errors)
    {
        if (need is null)
        {
            errors[path] = ["A data need must be an object."];
            return null;
        }

        var before = errors.Count;
        var resourceId = need.ResourceId?.Trim();
        if (string.IsNullOrEmpty(resourceId) || resourceId.Length > MaxResourceIdLength)
        {
            errors[$"{path}.resourceId"] = [$"Required, at most {MaxResourceIdLength} characters."];
        }

        // M4.2: the provider is derived from the resource (WithHolders); a providerId in the body is ignored.
        var fields = (need.Fields ?? []).Select(f => f?.Trim() ?? "").ToList();
        if (fields.Count == 0)
        {
            errors[$"{path}.fields"] = ["Name at least one field (M4.3 data minimisation: only the fields needed)."];
        }
        else if (fields.Count > MaxFieldsPerNeed)
        {
            errors[$"{path}.fields"] = [$"At most {MaxFieldsPerNeed} fields."];
        }
        else if (fields.Any(f => f.Length == 0 || f.Length > MaxFieldNameLength))
        {
            errors[$"{path}.fields"] = [$"Field names are 1 to {MaxFieldNameLength} characters."];
        }
        else if (fields.Distinct(StringComparer.Ordinal).Count() != fields.Count)
        {
            errors[$"{path}.fields"] = ["A field is named twice."];
        }

        // M4.2: reviewers judge the necessity of each need, so each says why it is needed.
        var justification = need.Justification?.Trim();
        if (string.IsNullOrEmpty(justification) || justification.Length > MaxTextLength)
        {
            errors[$"{path}.justification"] = [$"Required: why this data is needed (at most {MaxTextLength} characters)."];
        }

        return errors.Count == before ? new DataNeed(resourceId!, "", fields, justification!) : null;
    }

    private static string? Text(string? value, string field, int maxLength, Dictionary<string, string[]> errors)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors[field] = ["Required."];
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            errors[field] = [$"At most {maxLength} characters."];
            return null;
        }

        return trimmed;
    }
}

/// <summary>
/// M4.2 aggregation of a round: any reject → rejected (at once: no later answer can change it); otherwise, once
/// every slot has answered, any changes → changes-requested, else approved. Until then the round is pending (null):
/// silence never approves.
/// </summary>
public static class ScenarioReviewAggregation
{
    public static ReviewRoundOutcome? Decide(IReadOnlyCollection<string> slots, IReadOnlyDictionary<string, ApprovalDecisionKind> decisions)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(decisions);
        var answered = slots.Where(decisions.ContainsKey).Select(s => decisions[s]).ToList();
        if (answered.Contains(ApprovalDecisionKind.Reject))
        {
            return ReviewRoundOutcome.Rejected;
        }

        if (slots.Count == 0 || answered.Count < slots.Count)
        {
            return null;
        }

        return answered.Contains(ApprovalDecisionKind.Changes) ? ReviewRoundOutcome.ChangesRequested : ReviewRoundOutcome.Approved;
    }
}
