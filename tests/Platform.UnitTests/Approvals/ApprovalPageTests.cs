using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Platform.Domain.Approvals;
using Platform.Domain.Errors;
using Platform.Functions.Approvals;
using Xunit;

namespace Platform.UnitTests.Approvals;

public sealed class ApprovalPageTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static ApprovalPageModel Model(ApprovalSlotState state = ApprovalSlotState.Open, ApprovalClaim? claim = null, string title = "充电设施布局优化")
        => new(FixedSubject.Slot(),
            new ApprovalSubjectFacts("应用场景评审", $"是否同意「{title}」？", [new("场景名称", title)], [new("数据需求 1", [new("申请理由", "评估电网承载能力")])], FixedSubject.Criteria),
            state, claim, Now.AddDays(30));

    [Fact]
    public void Render_OpenSlot_ChineseFactsCriteriaAndFormWithoutScript()
    {
        var html = ApprovalPage.Render(Model());

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.Contains("充电设施布局优化", html, StringComparison.Ordinal);
        Assert.Contains("评估电网承载能力", html, StringComparison.Ordinal);
        Assert.Contains("name=\"scores.necessity\" value=\"5\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"decision\" value=\"changes\"", html, StringComparison.Ordinal);
        Assert.Contains("2026-04-01 10:00（北京时间）", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MarkupInValues_IsEncodedNotInterpreted()
    {
        var html = ApprovalPage.Render(Model(title: "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"));

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DecidedSlot_ShowsTheDecisionAndNoForm()
    {
        var decision = new ApprovalDecision(ApprovalDecisionKind.Reject, new Dictionary<string, int> { ["necessity"] = 1 }, "字段过多", Now);
        var html = ApprovalPage.Render(Model(ApprovalSlotState.Decided, new ApprovalClaim("i", "s", ApprovalSlotState.Decided, decision, "n", null, Now)));

        Assert.Contains("data-decision=\"reject\"", html, StringComparison.Ordinal);
        Assert.Contains("字段过多", html, StringComparison.Ordinal);
        Assert.Contains("必要性", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ClosedSlot_SaysTheRoundEndedAndNoForm()
    {
        var html = ApprovalPage.Render(Model(ApprovalSlotState.Closed));

        Assert.Contains("本轮评审已结束", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithErrors_KeepsWhatWasEntered()
    {
        var entered = new ApprovalDecisionInput(ApprovalDecisionKind.Changes, "请补充<说明>", new Dictionary<string, int> { ["necessity"] = 2 });

        var html = ApprovalPage.Render(Model(), null, new Dictionary<string, string[]> { ["scores.socialValue"] = ["请打分"] }, entered);

        Assert.Contains("请打分", html, StringComparison.Ordinal);
        Assert.Contains("name=\"scores.necessity\" value=\"2\" checked", html, StringComparison.Ordinal);
        Assert.Contains("value=\"changes\" checked", html, StringComparison.Ordinal);
        Assert.Contains("请补充&lt;说明&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, "approval.link_invalid", "链接无效")]
    [InlineData(410, "approval.link_expired", "链接已过期")]
    [InlineData(410, "approval.link_closed", "评审已结束")]
    [InlineData(409, "approval.link_used", "已作出决定")]
    public void RenderProblem_EachRefusal_HasItsChineseTitleAndCode(int status, string code, string title)
    {
        var html = ApprovalPage.RenderProblem(status, code, "detail <b>");

        Assert.Contains(title, html, StringComparison.Ordinal);
        Assert.Contains(code, html, StringComparison.Ordinal);
        Assert.Contains("detail &lt;b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadForm_DecisionCommentAndScores_ReadAsInput()
    {
        var form = new FormCollection(new Dictionary<string, StringValues>
        {
            ["decision"] = "approve",
            ["comment"] = "同意",
            ["scores.necessity"] = "4",
            ["scores.socialValue"] = "",
        });

        var input = ApprovalFunctions.ReadForm(form);

        Assert.Equal(ApprovalDecisionKind.Approve, input.Decision);
        Assert.Equal("同意", input.Comment);
        Assert.Equal(new Dictionary<string, int> { ["necessity"] = 4 }, input.Scores);
    }

    [Theory]
    [InlineData("decision", "maybe")]
    [InlineData("decision", "1")]
    [InlineData("scores.necessity", "four")]
    [InlineData("scores.necessity", "4.5")]
    public void ReadForm_BadValue_422NamingTheField(string field, string value)
    {
        var form = new FormCollection(new Dictionary<string, StringValues> { [field] = value });

        var error = Assert.Throws<DomainException>(() => ApprovalFunctions.ReadForm(form));

        Assert.Equal("approval.invalid", error.Code);
        Assert.True(error.Errors!.ContainsKey(field));
    }

    [Theory]
    [InlineData("P30D", 30 * 24 * 3600)]
    [InlineData("PT10S", 10)]
    [InlineData("P1DT2H", 26 * 3600)]
    [InlineData("00:00:05", 5)]
    [InlineData("5.00:00:00", 5 * 24 * 3600)]
    public void DurationSetting_IsoOrTimeSpan_Parsed(string text, int seconds)
    {
        Assert.True(DurationSetting.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("five days")]
    [InlineData("P5X")]
    public void DurationSetting_Nonsense_NotParsed(string text)
    {
        Assert.False(DurationSetting.TryParse(text, out _));
    }

    [Fact]
    public void LinkOptions_Defaults_Valid()
    {
        var options = new LinkOptions();
        var settings = options.ToSettings();

        Assert.True(new LinkOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(("link-signing-key-1", TimeSpan.FromDays(30), (string?)null), (settings.ActiveKeyId, settings.Lifetime, settings.PublicBaseUrl));
        Assert.Empty(settings.AcceptedKeyIds);
    }

    [Fact]
    public void LinkOptions_AcceptedKeysListed_ParsedAndAccepted()
    {
        var settings = new LinkOptions { ActiveKeyId = "link-signing-key-2", AcceptedKeyIds = "link-signing-key-1, link-signing-key-0" }.ToSettings();

        Assert.True(settings.Accepts("link-signing-key-2"));
        Assert.True(settings.Accepts("link-signing-key-0"));
        Assert.False(settings.Accepts("personnel-id-hash-key"));
    }

    [Theory]
    [InlineData("ActiveKeyId", "", "Links:ActiveKeyId")]
    [InlineData("ActiveKeyId", "key.with.dots", "Links:ActiveKeyId")]
    [InlineData("AcceptedKeyIds", "ok-key, bad/key", "Links:AcceptedKeyIds")]
    [InlineData("Lifetime", "P0D", "Links:Lifetime")]
    [InlineData("Lifetime", "forever", "Links:Lifetime")]
    [InlineData("PublicBaseUrl", "not a url", "Platform:PublicBaseUrl")]
    [InlineData("PublicBaseUrl", "ftp://files.example.cn", "Platform:PublicBaseUrl")]
    public void LinkOptions_BadSetting_FailsNamingIt(string property, string value, string settingName)
    {
        var options = new LinkOptions();
        typeof(LinkOptions).GetProperty(property)!.SetValue(options, value);

        var result = new LinkOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(settingName, result.FailureMessage, StringComparison.Ordinal);
    }
}
