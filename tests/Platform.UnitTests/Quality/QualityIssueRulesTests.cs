using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Platform.Domain.Quality;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Xunit;

namespace Platform.UnitTests.Quality;

public sealed class QualityIssueRulesTests
{
    private static readonly DateTimeOffset Raised = QualityTestWorld.MondayMorning;
    private static readonly Caller Raiser = QualityTestWorld.Operator;

    [Fact]
    public void Validate_EmptyDraft_NamesResourceKindAndDescription()
    {
        var failure = Assert.Throws<DomainException>(() => QualityIssueRules.Validate(new QualityIssueDraft(null, null, null, null, "  ", null)));

        Assert.Equal((FailureKind.Unprocessable, QualityIssueRules.InvalidCode), (failure.Kind, failure.Code));
        Assert.Equal(["description", "kind", "resourceId"], failure.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_FieldsKindWithoutFields_NamesFields()
    {
        var failure = Assert.Throws<DomainException>(() => QualityIssueRules.Validate(new QualityIssueDraft("res-1", QualityIssueKind.Fields, [], null, "错误", null)));

        Assert.Equal(["fields"], failure.Errors!.Keys);
    }

    [Fact]
    public void Validate_RowsKindWithBlankRowRef_NamesRowRefs()
    {
        var failure = Assert.Throws<DomainException>(() => QualityIssueRules.Validate(new QualityIssueDraft("res-1", QualityIssueKind.Rows, null, ["12", " "], "错误", null)));

        Assert.Equal(["rowRefs"], failure.Errors!.Keys);
    }

    [Fact]
    public void Validate_GoodDraft_TrimsChineseTextAndKeepsLists()
    {
        var valid = QualityIssueRules.Validate(new QualityIssueDraft(" res-1 ", QualityIssueKind.Rows, null, ["第12行", "第30行"], "  区县名称错误  ", ["核对记录"]));

        Assert.Equal(("res-1", "区县名称错误"), (valid.ResourceId, valid.Description));
        Assert.Equal(["第12行", "第30行"], valid.RowRefs);
        Assert.Equal(["核对记录"], valid.Evidence);
    }

    [Fact]
    public void ResolveFields_UnknownField_RefusedNamingIt()
    {
        var failure = Assert.Throws<DomainException>(() => QualityIssueRules.ResolveFields(["负荷", "身份证号"], ["区域编码", "负荷"]));

        Assert.Contains("身份证号", failure.Errors!["fields"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Acknowledge_Open_BecomesAcknowledged()
    {
        var acknowledged = QualityIssueRules.Acknowledge(NewIssue(), "prov-user", Raised.AddHours(1));

        Assert.Equal((QualityIssueStatus.Acknowledged, "prov-user"), (acknowledged.Status, acknowledged.AcknowledgedBy));
    }

    [Theory]
    [InlineData(QualityIssueStatus.Acknowledged, QualityIssueRules.NotOpenCode)]
    [InlineData(QualityIssueStatus.Corrected, QualityIssueRules.AlreadyResolvedCode)]
    [InlineData(QualityIssueStatus.Disputed, QualityIssueRules.AlreadyResolvedCode)]
    [InlineData(QualityIssueStatus.Closed, QualityIssueRules.ClosedCode)]
    public void Acknowledge_NotOpen_ConflictWithStableCode(QualityIssueStatus status, string code)
    {
        var failure = Assert.Throws<DomainException>(() => QualityIssueRules.Acknowledge(NewIssue() with { Status = status }, "p", Raised));

        Assert.Equal((FailureKind.Conflict, code), (failure.Kind, failure.Code));
    }

    [Theory]
    [InlineData(QualityIssueStatus.Open, QualityIssueRules.NotAcknowledgedCode)]
    [InlineData(QualityIssueStatus.Corrected, QualityIssueRules.AlreadyResolvedCode)]
    [InlineData(QualityIssueStatus.Closed, QualityIssueRules.ClosedCode)]
    public void Resolve_NotAcknowledged_ConflictWithStableCode(QualityIssueStatus status, string code)
    {
        var failure = Assert.Throws<DomainException>(() => Resolve(NewIssue() with { Status = status }, Raised.AddDays(1)));

        Assert.Equal((FailureKind.Conflict, code), (failure.Kind, failure.Code));
    }

    [Fact]
    public void Resolve_BeforeTheDueMoment_CorrectedOnTime()
    {
        var resolved = Resolve(Acknowledged(), QualityTestWorld.DueMonday.AddTicks(-1));

        Assert.Equal(QualityIssueStatus.Corrected, resolved.Status);
        Assert.True(resolved.Resolution!.OnTime);
    }

    [Fact]
    public void Resolve_AtTheDueMoment_NotOnTime()
    {
        var resolved = Resolve(Acknowledged(), QualityTestWorld.DueMonday);

        Assert.False(resolved.Resolution!.OnTime);
    }

    [Fact]
    public void Resolve_AfterEscalation_NotOnTimeEvenIfTheClockSaysEarlier()
    {
        var resolved = Resolve(QualityIssueRules.MarkOverdue(Acknowledged(), Raised), Raised.AddHours(1), QualityResolutionOutcome.Disputed);

        Assert.Equal(QualityIssueStatus.Disputed, resolved.Status);
        Assert.False(resolved.Resolution!.OnTime);
    }

    [Theory]
    [InlineData(QualityIssueStatus.Corrected)]
    [InlineData(QualityIssueStatus.Disputed)]
    public void Close_Resolved_BecomesClosed(QualityIssueStatus status)
    {
        var closed = QualityIssueRules.Close(NewIssue() with { Status = status }, "op-user", " 已核对 ", Raised);

        Assert.Equal((QualityIssueStatus.Closed, "已核对"), (closed.Status, closed.ClosingComment));
    }

    [Theory]
    [InlineData(QualityIssueStatus.Open, QualityIssueRules.NotResolvedCode)]
    [InlineData(QualityIssueStatus.Acknowledged, QualityIssueRules.NotResolvedCode)]
    [InlineData(QualityIssueStatus.Closed, QualityIssueRules.ClosedCode)]
    public void Close_Unresolved_Conflict(QualityIssueStatus status, string code)
    {
        var failure = Assert.Throws<DomainException>(() => QualityIssueRules.Close(NewIssue() with { Status = status }, "op-user", null, Raised));

        Assert.Equal(code, failure.Code);
    }

    [Fact]
    public void MarkOverdue_Twice_SecondChangesNothing()
    {
        var once = QualityIssueRules.MarkOverdue(NewIssue(), QualityTestWorld.DueMonday);

        var twice = QualityIssueRules.MarkOverdue(once, QualityTestWorld.DueMonday.AddDays(1));

        Assert.True(once.Overdue);
        Assert.Equal(QualityTestWorld.DueMonday, once.EscalatedAt);
        Assert.Same(once, twice);
    }

    [Fact]
    public void MarkOverdue_Answered_ChangesNothing()
    {
        var corrected = Resolve(Acknowledged(), Raised.AddDays(1));

        Assert.Same(corrected, QualityIssueRules.MarkOverdue(corrected, QualityTestWorld.DueMonday));
    }

    [Fact]
    public void CheckMoment_FirstAndLater_DueThenEachFurtherPeriod()
    {
        var anchor = Raised.UtcDateTime;
        var due = QualityTestWorld.DueMonday.UtcDateTime;

        Assert.Equal(due, QualityIssueRules.CheckMoment(anchor, due, 1));
        Assert.Equal(due + (due - anchor), QualityIssueRules.CheckMoment(anchor, due, 2));
        Assert.Equal(due + (3 * (due - anchor)), QualityIssueRules.CheckMoment(anchor, due, 4));
    }

    [Theory]
    [InlineData(QualityIssueStatus.Open, true)]
    [InlineData(QualityIssueStatus.Acknowledged, true)]
    [InlineData(QualityIssueStatus.Corrected, false)]
    [InlineData(QualityIssueStatus.Disputed, false)]
    [InlineData(QualityIssueStatus.Closed, false)]
    public void KeepsWaiting_OnlyWhileUnanswered(QualityIssueStatus status, bool waits)
        => Assert.Equal(waits, QualityIssueRules.KeepsWaiting(status));

    [Fact]
    public void NeedsEscalation_CompressedTime_TrueOnceTheCompressedTimerWouldHaveFired()
    {
        var issue = NewIssue();
        var compression = new TimeCompression(10_000);
        var fires = compression.TimerFireTime(issue.RaisedAt, issue.DueAt);

        Assert.False(QualityIssueRules.NeedsEscalation(issue, fires.AddTicks(-1), compression));
        Assert.True(QualityIssueRules.NeedsEscalation(issue, fires, compression));
        Assert.False(QualityIssueRules.NeedsEscalation(QualityIssueRules.MarkOverdue(issue, fires), fires, compression));
    }

    [Theory]
    [InlineData(Roles.Authority, "org-authority", true)]
    [InlineData(Roles.Supervisor, "org-supervisor", true)]
    [InlineData(Roles.Provider, QualityTestWorld.ProviderOrg, true)]
    [InlineData(Roles.Provider, QualityTestWorld.OtherProviderOrg, false)]
    [InlineData(Roles.Operator, QualityTestWorld.OperatorOrg, true)]
    [InlineData(Roles.Operator, "org-other-operator", false)]
    [InlineData(Roles.Developer, QualityTestWorld.OperatorOrg, true)]
    [InlineData(Roles.Personnel, QualityTestWorld.OperatorOrg, false)]
    public void MayRead_ObjectLevel(string role, string organization, bool may)
        => Assert.Equal(may, QualityIssueRules.MayRead(NewIssue(), new Caller("x", role, organization)));

    [Fact]
    public void Wire_Statuses_AreKebabCase()
        => Assert.Equal(["open", "acknowledged", "corrected", "disputed", "closed"], Enum.GetValues<QualityIssueStatus>().Select(QualityIssueRules.Wire));

    private static QualityIssue NewIssue()
    {
        var deadline = ReviewDeadline.Compute(Raised, 5, ShippedCalendars.Calendar);
        var valid = QualityIssueRules.Validate(QualityTestWorld.FieldsDraft("负荷"));
        return QualityIssueRules.Create("qis-1", valid, "电网负荷数据", QualityTestWorld.ProviderOrg, ["负荷"], Raiser, deadline, Raised);
    }

    private static QualityIssue Acknowledged() => QualityIssueRules.Acknowledge(NewIssue(), "prov-user", Raised.AddMinutes(5));

    private static QualityIssue Resolve(QualityIssue issue, DateTimeOffset at, QualityResolutionOutcome outcome = QualityResolutionOutcome.Corrected)
        => QualityIssueRules.Resolve(issue, outcome, "已更正", [], "prov-user", at, at);
}
