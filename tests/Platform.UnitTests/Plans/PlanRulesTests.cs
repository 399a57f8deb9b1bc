using Platform.Domain.Errors;
using Platform.Domain.Plans;
using Xunit;

namespace Platform.UnitTests.Plans;

public sealed class PlanRulesTests
{
    [Theory]
    [InlineData("2026-01-31", "2026-02-28")]
    [InlineData("2028-01-31", "2028-02-29")]
    [InlineData("2026-01-15", "2026-02-15")]
    [InlineData("2026-12-31", "2027-01-31")]
    [InlineData("2026-03-31", "2026-04-30")]
    public void FilingDueOn_OneCalendarMonthAfterApproval_ClampsToMonthEnd(string approvedOn, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), PlanRules.FilingDueOn(DateOnly.Parse(approvedOn)));
    }

    [Theory]
    [InlineData("2026-02-28", false)]
    [InlineData("2026-03-01", true)]
    [InlineData("2026-01-31", false)]
    public void IsFilingOverdue_UnfiledPlan_OverdueOnlyAfterTheDueDate(string today, bool overdue)
    {
        var plan = Approved(new DateOnly(2026, 1, 31));

        Assert.Equal(overdue, plan.IsFilingOverdue(DateOnly.Parse(today)));
    }

    [Fact]
    public void IsFilingOverdue_FiledLate_IsNoLongerOverdue()
    {
        var plan = Approved(new DateOnly(2026, 1, 31)) with { Filing = new PlanFiling("鄂数备〔2026〕3号", new DateOnly(2026, 3, 5), DateTimeOffset.UnixEpoch, "authority-user") };

        Assert.False(plan.IsFilingOverdue(new DateOnly(2026, 6, 1)));
    }

    [Fact]
    public void IsFilingOverdue_Draft_IsNeverOverdueAndHasNoDueDate()
    {
        var draft = Approved(new DateOnly(2026, 1, 31)) with { Status = PlanStatus.Draft, Approval = null };

        Assert.Null(draft.FilingDueOn);
        Assert.False(draft.IsFilingOverdue(new DateOnly(2030, 1, 1)));
    }

    [Fact]
    public void ValidateList_TrimsEntriesAndKeepsOrder()
    {
        Assert.Equal(["企业登记信息", "不动产登记"], PlanRules.ValidateList("resourceCatalog", [" 企业登记信息 ", "不动产登记"]));
    }

    [Fact]
    public void ValidateList_BlankAndRepeatedEntries_NamedByIndex()
    {
        var failure = Assert.Throws<DomainException>(() => PlanRules.ValidateList("productList", ["报告", "", "报告"]));

        Assert.Equal("plan.invalid", failure.Code);
        Assert.Equal(["productList[1]", "productList[2]"], failure.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ValidateList_TooManyEntries_NamesTheList()
    {
        var entries = Enumerable.Range(0, PlanRules.MaxListEntries + 1).Select(i => (string?)$"r{i}").ToList();

        var failure = Assert.Throws<DomainException>(() => PlanRules.ValidateList("resourceCatalog", entries));

        Assert.True(failure.Errors!.ContainsKey("resourceCatalog"));
    }

    [Fact]
    public void ValidateContent_BadRegionMissingModeAndBlankTitle_NamesEachField()
    {
        var failure = Assert.Throws<DomainException>(() => PlanRules.ValidateContent(" ", null, "991234", null));

        Assert.Equal(["mode", "region", "title"], failure.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    private static Plan Approved(DateOnly approvedOn) => new(
        "pln-1", "湖北省公共数据授权运营实施方案", PlanMode.Whole, "420000", null, [], [], PlanStatus.Approved,
        new PlanApproval("湖北省人民政府", "鄂政函〔2026〕1号", approvedOn, DateTimeOffset.UnixEpoch, "authority-user"), null,
        DateTimeOffset.UnixEpoch, "authority-user", DateTimeOffset.UnixEpoch, "authority-user");
}
