using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Platform.Domain.Reports;
using Platform.Functions.Reports;
using Xunit;
using Platform.Domain.Sandbox;

namespace Platform.UnitTests.Reports;

public sealed class AnnualReportPageTests
{
    private const string Hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>\"&'";

    private static OperatorAnnualReport Report(string name, OperatorReportNarrative narrative)
        => new("2026-org-1", 2026, "org-1", name, ["agr-1"],
            new OperatorActivityCounts(3, 2, 4, 3, 3, new SandboxJobCounts(5, 3, 2, new Dictionary<string, int> { ["released"] = 4, ["withheld"] = 1 }), 1, 1, 1200, 0),
            ReportTestWorld.Cst(2027, 1, 1, 0, 0, 5), narrative, OperatorReportStatus.Draft, new DateOnly(2027, 1, 31),
            ReportTestWorld.Cst(2027, 2, 1, 0, 0, 0), ReportTestWorld.Cst(2027, 1, 1, 0, 0, 5), ReportTestWorld.Cst(2027, 1, 1, 0, 0, 5));

    private static AuthorityAnnualReport Authority() => new("2026", 2026,
        new PlatformFigures(3, 1, 0, 2, 1, new Dictionary<string, int> { ["leak"] = 1 }, 1, 1),
        OperatorActivityCounts.None, ["org-1"], ReportTestWorld.Cst(2027, 1, 1), new DateOnly(2027, 1, 31));

    [Fact]
    public void Render_ChineseNarrative_AppearsAsReadableText()
    {
        var view = new AnnualReportsView(2026, null, null, [Report("武汉数据运营有限公司", new OperatorReportNarrative(Summary: "全年完成 3 个应用场景，运行平稳。"))]);

        var html = AnnualReportPage.Render(view, ReportTestWorld.Cst(2027, 1, 2));

        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.Contains("2026 年度公共数据资源授权运营报告", html, StringComparison.Ordinal);
        Assert.Contains("武汉数据运营有限公司", html, StringComparison.Ordinal);
        Assert.Contains("全年完成 3 个应用场景，运行平稳。", html, StringComparison.Ordinal);
        Assert.Contains("<td>5 次（样本模式 3 次，全量模式 2 次）</td>", html, StringComparison.Ordinal);
        Assert.Contains("结果已放行", html, StringComparison.Ordinal);
        Assert.Contains("2027年1月31日", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileTextInNameAndNarrative_EncodedNeverMarkup()
    {
        var view = new AnnualReportsView(2026, null, null, [Report("恶意" + Hostile, new OperatorReportNarrative(Summary: Hostile, DataSecurity: "数据安全" + Hostile))]);

        var html = AnnualReportPage.Render(view, ReportTestWorld.Cst(2027, 1, 2));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("恶意&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("数据安全&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AuthorityReport_ShowsPlatformFiguresAndProgress()
    {
        var view = new AnnualReportsView(2026, Authority(), new OperatorReportProgress(2, 1, 1, 1), [Report("运营机构一", OperatorReportNarrative.Empty)]);

        var html = AnnualReportPage.Render(view, ReportTestWorld.Cst(2027, 2, 2));

        Assert.Contains("主管部门年度工作报告", html, StringComparison.Ordinal);
        Assert.Contains("<td>3 份</td>", html, StringComparison.Ordinal);
        Assert.Contains("其中数据泄露", html, StringComparison.Ordinal);
        Assert.Contains("1 份（其中逾期提交 1 份）", html, StringComparison.Ordinal);
        Assert.Contains("（未填写）", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_Executed_Utf8HtmlWithCspAndNoStore()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var html = AnnualReportPage.Render(new AnnualReportsView(2026, null, null, [Report("运营机构一", OperatorReportNarrative.Empty)]), ReportTestWorld.Cst(2027, 1, 2));

        await AnnualReportPage.Result(html).ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));

        Assert.Equal("text/html; charset=utf-8", context.Response.ContentType);
        Assert.Equal(AnnualReportPage.ContentSecurityPolicy, context.Response.Headers.ContentSecurityPolicy.ToString());
        Assert.Contains("default-src 'none'", AnnualReportPage.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", AnnualReportPage.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.Equal(html, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }
}
