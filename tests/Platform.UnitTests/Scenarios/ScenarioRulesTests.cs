using FsCheck.Xunit;
using Platform.Domain.Approvals;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Organizations;
using Platform.Domain.Scenarios;
using Xunit;

namespace Platform.UnitTests.Scenarios;

public sealed class ScenarioRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    public static ScenarioDraft Draft(IReadOnlyList<DataNeedDraft?>? needs = null, bool expertReview = false, IReadOnlyList<string?>? experts = null) => new(
        " 充电设施布局优化 ", "优化布局", ScenarioUseCategory.PublicGood, "减少排队", "绿色出行", "按次收费",
        needs ?? [new DataNeedDraft("res-1", "org-p1", ["区域", "负荷"], "评估电网承载能力"), new DataNeedDraft("res-2", "org-p2", ["车流量"], "识别需求热点")],
        expertReview, experts);

    /// <summary>Validates the draft and takes each need's holder from a catalogue in which every named resource is published by the provider the draft names.</summary>
    public static ScenarioContent Resolved(ScenarioDraft draft)
        => ScenarioRules.WithHolders(ScenarioRules.Validate(draft), draft.DataNeeds!.OfType<DataNeedDraft>()
            .GroupBy(n => n.ResourceId!).ToDictionary(g => g.Key, g => new ResourceHolder(g.Key, g.First().ProviderId!, null)));

    [Fact]
    public void Validate_CompleteDraft_TrimmedContent()
    {
        var content = ScenarioRules.Validate(Draft());

        Assert.Equal("充电设施布局优化", content.Title);
        Assert.Equal(2, content.DataNeeds.Count);
        Assert.Equal(["区域", "负荷"], content.DataNeeds[0].Fields);
    }

    [Fact]
    public void Validate_EverythingMissing_NamesEachField()
    {
        var error = Assert.Throws<DomainException>(() => ScenarioRules.Validate(new ScenarioDraft(null, " ", null, null, null, null, null, false, null)));

        Assert.Equal((FailureKind.Unprocessable, "scenario.invalid"), (error.Kind, error.Code));
        Assert.Equal(["title", "purpose", "economicValue", "socialValue", "businessModel", "useCategory", "dataNeeds"], error.Errors!.Keys);
    }

    [Fact]
    public void Validate_NeedWithoutJustificationFieldsOrProvider_NamesThePathProviderNotAsked()
    {
        var error = Assert.Throws<DomainException>(() => ScenarioRules.Validate(Draft([
            new DataNeedDraft("res-1", "org-p1", ["区域"], "理由"),
            new DataNeedDraft("res-2", null, [], " "),
            null,
        ])));

        // M4.2: the provider comes from the catalogue, so a need without providerId is complete.
        Assert.Equal(["dataNeeds[1].fields", "dataNeeds[1].justification", "dataNeeds[2]"], error.Errors!.Keys);
    }

    [Fact]
    public void Validate_DuplicateFieldsOrResources_Refused()
    {
        var duplicateField = Assert.Throws<DomainException>(() => ScenarioRules.Validate(Draft([new DataNeedDraft("res-1", "org-p1", ["区域", "区域"], "理由")])));
        var duplicateResource = Assert.Throws<DomainException>(() => ScenarioRules.Validate(Draft([new DataNeedDraft("res-1", "org-p1", ["a"], "理由"), new DataNeedDraft("res-1", "org-p1", ["b"], "理由")])));

        Assert.True(duplicateField.Errors!.ContainsKey("dataNeeds[0].fields"));
        Assert.True(duplicateResource.Errors!.ContainsKey("dataNeeds[1].resourceId"));
    }

    [Fact]
    public void Validate_ExpertsSuggestedWithoutAskingForReview_Refused()
    {
        var expertsNotAsked = Assert.Throws<DomainException>(() => ScenarioRules.Validate(Draft(expertReview: false, experts: ["org-e1"])));

        Assert.True(expertsNotAsked.Errors!.ContainsKey("experts"));
    }

    [Fact]
    public void Validate_ExpertReviewAskedWithoutNamingExperts_Accepted()
    {
        // M2.3: the operator may only ask for expert review; the authority chooses the experts.
        var content = ScenarioRules.Validate(Draft(expertReview: true));

        Assert.True(content.ExpertReview);
        Assert.Empty(content.Experts);
    }

    [Fact]
    public void ReviewSlots_ExpertsSuggestedByOperator_NoExpertSlot()
    {
        var content = Resolved(Draft([new DataNeedDraft("res-1", "org-p1", ["a"], "理由")], expertReview: true, experts: ["org-e1"]));

        Assert.Equal(["authority", "provider-org-p1"], ScenarioRules.ReviewSlots(content).Select(s => s.Slot));
    }

    [Fact]
    public void WithHolders_BodyNamesAnotherProvider_HolderFromCatalogue()
    {
        var content = ScenarioRules.Validate(Draft([new DataNeedDraft("res-1", "org-p2", ["a"], "理由")]));

        var resolved = ScenarioRules.WithHolders(content, new Dictionary<string, ResourceHolder> { ["res-1"] = new("res-1", "org-p1", null) });

        Assert.Equal("org-p1", resolved.DataNeeds[0].ProviderId);
        Assert.Equal(["authority", "provider-org-p1"], ScenarioRules.ReviewSlots(resolved).Select(s => s.Slot));
    }

    [Fact]
    public void WithHolders_SharedInResource_OriginalProviderReviewsToo()
    {
        var content = ScenarioRules.Validate(Draft([new DataNeedDraft("res-1", null, ["a"], "理由")]));

        var resolved = ScenarioRules.WithHolders(content, new Dictionary<string, ResourceHolder> { ["res-1"] = new("res-1", "org-p1", "org-origin") });

        Assert.Equal(["authority", "provider-org-p1", "provider-org-origin"], ScenarioRules.ReviewSlots(resolved).Select(s => s.Slot));
    }

    [Fact]
    public void WithHolders_UnknownOrUnpublishedResource_422NamingTheNeed()
    {
        var content = ScenarioRules.Validate(Draft());

        var error = Assert.Throws<DomainException>(() => ScenarioRules.WithHolders(content, new Dictionary<string, ResourceHolder> { ["res-1"] = new("res-1", "org-p1", null) }));

        Assert.Equal((FailureKind.Unprocessable, "scenario.invalid"), (error.Kind, error.Code));
        Assert.Equal(["dataNeeds[1].resourceId"], error.Errors!.Keys);
    }

    [Fact]
    public void AddExpert_OpenRound_SlotAddedOnceAndCarriedIntoNextRound()
    {
        var scenario = NewScenario();

        var (added, isNew) = ScenarioRules.AddExpert(scenario, "org-e1", Now);
        var (again, isNewAgain) = ScenarioRules.AddExpert(added, "org-e1", Now);
        var changed = ScenarioRules.EndRound(again, 1, ReviewRoundOutcome.ChangesRequested, Now);
        var next = ScenarioRules.Resubmit(changed, changed.Content, "scenario-review-scn-1-r2", Now, Now.AddDays(5));

        Assert.True(isNew);
        Assert.False(isNewAgain);
        Assert.Same(added, again);
        Assert.Equal(["authority", "provider-org-p1", "expert-org-e1"], added.CurrentRound.Reviews.Select(r => r.Slot));
        Assert.Equal(["authority", "provider-org-p1", "expert-org-e1"], next.CurrentRound.Reviews.Select(r => r.Slot));
    }

    [Fact]
    public void AddExpert_RoundEnded_409NotInReview()
    {
        var ended = ScenarioRules.EndRound(NewScenario(), 1, ReviewRoundOutcome.Approved, Now);

        var error = Assert.Throws<DomainException>(() => ScenarioRules.AddExpert(ended, "org-e1", Now));

        Assert.Equal((FailureKind.Conflict, "scenario.not_in_review"), (error.Kind, error.Code));
    }

    [Theory]
    [InlineData("org-op", "91420100MA4K0000XX", OrganizationKind.Reviewer, true)]
    [InlineData("org-e1", "91420100MA4KOPERAT", OrganizationKind.Reviewer, true)]
    [InlineData("org-dev", "91420100MA4K0DEV01", OrganizationKind.Developer, true)]
    [InlineData("org-e1", "91420100MA4K0EXP01", OrganizationKind.Reviewer, false)]
    public void ReviewerConflict_OwnOrganisationOrDeveloper_Refused(string id, string creditCode, OrganizationKind kind, bool conflict)
    {
        var operatorOrganization = new Organization("org-op", "运营机构", OrganizationKind.Operator, "91420100MA4KOPERAT", "420100", Now, "authority", null);
        var reviewer = new Organization(id, "评审单位", kind, creditCode, "420100", Now, "authority", null);

        Assert.Equal(conflict, ScenarioRules.ReviewerConflict(reviewer, operatorOrganization) is not null);
    }

    [Fact]
    public void ReviewSlots_TwoNeedsOfOneProviderAndExperts_AuthorityEachProviderOnceThenExperts()
    {
        var content = Resolved(Draft([
            new DataNeedDraft("res-1", "org-p1", ["a"], "理由"),
            new DataNeedDraft("res-2", "org-p2", ["b"], "理由"),
            new DataNeedDraft("res-3", "org-p1", ["c"], "理由"),
        ], expertReview: true, experts: ["org-e1"]));

        var slots = ScenarioRules.ReviewSlots(content, ["org-e1"]);

        Assert.Equal(["authority", "provider-org-p1", "provider-org-p2", "expert-org-e1"], slots.Select(s => s.Slot));
        Assert.Equal(Recipient.Role("authority"), slots[0].Reviewer);
        Assert.Equal(Recipient.Organization("org-p2"), slots[2].Reviewer);
        Assert.Equal(ReviewerKind.Expert, slots[3].Kind);
    }

    [Fact]
    public void RecordDecision_Twice_KeepsTheFirst()
    {
        var scenario = NewScenario();
        var approve = new ApprovalDecision(ApprovalDecisionKind.Approve, new Dictionary<string, int>(), null, Now);
        var reject = approve with { Kind = ApprovalDecisionKind.Reject };

        var once = ScenarioRules.RecordDecision(scenario, 1, "authority", approve, Now);
        var twice = ScenarioRules.RecordDecision(once, 1, "authority", reject, Now);

        Assert.Same(once, twice);
        Assert.Equal(ApprovalDecisionKind.Approve, twice.CurrentRound.Reviews[0].Decision!.Kind);
    }

    [Fact]
    public void EndRound_Outcomes_MoveTheScenarioOnceOnly()
    {
        var scenario = NewScenario();

        var changes = ScenarioRules.EndRound(scenario, 1, ReviewRoundOutcome.ChangesRequested, Now);
        var again = ScenarioRules.EndRound(changes, 1, ReviewRoundOutcome.Approved, Now);

        Assert.Equal(ScenarioStatus.ChangesRequested, changes.Status);
        Assert.Same(changes, again);
        Assert.Same(changes, ScenarioRules.RecordDecision(changes, 1, "authority", new ApprovalDecision(ApprovalDecisionKind.Approve, new Dictionary<string, int>(), null, Now), Now));
    }

    [Fact]
    public void Resubmit_AfterChanges_NewRoundWithFreshReviews()
    {
        var changed = ScenarioRules.EndRound(NewScenario(), 1, ReviewRoundOutcome.ChangesRequested, Now);
        var content = Resolved(Draft([new DataNeedDraft("res-1", "org-p1", ["a"], "理由")]));

        var resubmitted = ScenarioRules.Resubmit(changed, content, "scenario-review-scn-1-r2", Now.AddDays(1), Now.AddDays(6));

        Assert.Equal(ScenarioStatus.InReview, resubmitted.Status);
        Assert.Equal(2, resubmitted.CurrentRound.Number);
        Assert.Equal(["authority", "provider-org-p1"], resubmitted.CurrentRound.Reviews.Select(r => r.Slot));
        Assert.All(resubmitted.CurrentRound.Reviews, r => Assert.Null(r.Decision));
    }

    [Theory]
    [InlineData(ScenarioStatus.InReview)]
    [InlineData(ScenarioStatus.Approved)]
    [InlineData(ScenarioStatus.Rejected)]
    [InlineData(ScenarioStatus.Cancelled)]
    public void Resubmit_NotAfterChanges_409(ScenarioStatus status)
    {
        var scenario = NewScenario() with { Status = status };

        var error = Assert.Throws<DomainException>(() => ScenarioRules.Resubmit(scenario, scenario.Content, "x-r2", Now, Now));

        Assert.Equal((FailureKind.Conflict, "scenario.resubmission_not_allowed"), (error.Kind, error.Code));
    }

    [Fact]
    public void MarkOverdue_OpenReview_MarkedOnceDecidedNever()
    {
        var scenario = NewScenario();
        var decided = ScenarioRules.RecordDecision(scenario, 1, "authority", new ApprovalDecision(ApprovalDecisionKind.Approve, new Dictionary<string, int>(), null, Now), Now);

        var overdue = ScenarioRules.MarkOverdue(decided, 1, "provider-org-p1", Now.AddDays(5));
        var notTheDecidedOne = ScenarioRules.MarkOverdue(overdue, 1, "authority", Now.AddDays(5));
        var secondTime = ScenarioRules.MarkOverdue(overdue, 1, "provider-org-p1", Now.AddDays(10));

        Assert.True(overdue.CurrentRound.Reviews[1].Overdue);
        Assert.Equal(Now.AddDays(5), overdue.CurrentRound.Reviews[1].EscalatedAt);
        Assert.Same(overdue, notTheDecidedOne);
        Assert.Same(overdue, secondTime);
    }

    [Fact]
    public void Aggregation_AllApprove_Approved()
        => Assert.Equal(ReviewRoundOutcome.Approved, Decide(("a", ApprovalDecisionKind.Approve), ("b", ApprovalDecisionKind.Approve), ("c", ApprovalDecisionKind.Approve)));

    [Fact]
    public void Aggregation_OneRejectWhileOthersPending_RejectedAtOnce()
        => Assert.Equal(ReviewRoundOutcome.Rejected, Decide(("b", ApprovalDecisionKind.Reject)));

    [Fact]
    public void Aggregation_RejectAndChanges_Rejected()
        => Assert.Equal(ReviewRoundOutcome.Rejected, Decide(("a", ApprovalDecisionKind.Changes), ("b", ApprovalDecisionKind.Reject), ("c", ApprovalDecisionKind.Approve)));

    [Fact]
    public void Aggregation_ChangesWithOthersPending_StillPending()
        => Assert.Null(Decide(("a", ApprovalDecisionKind.Changes), ("b", ApprovalDecisionKind.Approve)));

    [Fact]
    public void Aggregation_ChangesOnceAllAnswered_ChangesRequested()
        => Assert.Equal(ReviewRoundOutcome.ChangesRequested, Decide(("a", ApprovalDecisionKind.Approve), ("b", ApprovalDecisionKind.Changes), ("c", ApprovalDecisionKind.Approve)));

    [Fact]
    public void Aggregation_NobodyAnswered_Pending()
        => Assert.Null(Decide());

    [Fact]
    public void Aggregation_DecisionsOfSlotsNotInTheRound_Ignored()
        => Assert.Null(ScenarioReviewAggregation.Decide(["a"], new Dictionary<string, ApprovalDecisionKind> { ["x"] = ApprovalDecisionKind.Reject }));

    [Property]
    public bool Aggregation_AnyAnswers_SilenceNeverApprovesAndRejectWins(byte[] answers)
    {
        // Each byte is one slot: 0 unanswered, 1 approve, 2 reject, 3 changes.
        var slots = Enumerable.Range(0, Math.Max(1, answers.Length)).Select(i => $"s{i}").ToList();
        var decisions = new Dictionary<string, ApprovalDecisionKind>();
        for (var i = 0; i < answers.Length; i++)
        {
            if (answers[i] % 4 != 0)
            {
                decisions[slots[i]] = (ApprovalDecisionKind)((answers[i] % 4) - 1);
            }
        }

        ReviewRoundOutcome? expected = decisions.ContainsValue(ApprovalDecisionKind.Reject) ? ReviewRoundOutcome.Rejected
            : decisions.Count < slots.Count ? null
            : decisions.ContainsValue(ApprovalDecisionKind.Changes) ? ReviewRoundOutcome.ChangesRequested
            : ReviewRoundOutcome.Approved;
        return ScenarioReviewAggregation.Decide(slots, decisions) == expected;
    }

    private static ReviewRoundOutcome? Decide(params (string Slot, ApprovalDecisionKind Kind)[] decisions)
        => ScenarioReviewAggregation.Decide(["a", "b", "c"], decisions.ToDictionary(d => d.Slot, d => d.Kind));

    public static Scenario NewScenario()
    {
        var content = Resolved(Draft([new DataNeedDraft("res-1", "org-p1", ["a"], "理由")]));
        return new Scenario("scn-1", "agr-1", "org-op", ScenarioStatus.InReview,
            [ScenarioRules.NewRound(1, "scenario-review-scn-1-r1", content, Now, Now.AddDays(5))], Now, "operator", Now);
    }
}
