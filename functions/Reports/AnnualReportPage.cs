using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.Domain.Reports;
using Platform.Domain.Time;

namespace Platform.Functions.Reports;

/// <summary>
/// The annual reports as a printable page in Chinese (M5.6): rendered on the server, no script, nothing loaded from
/// elsewhere, every value HTML-encoded (Chinese stays readable, markup an operator typed is shown, never run), and a
/// print style sheet so the page prints as the document that is filed.
/// </summary>
public static class AnnualReportPage
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly Dictionary<string, string> OutcomeNames = new(StringComparer.Ordinal)
    {
        ["queued"] = "排队中",
        ["running"] = "运行中",
        ["released"] = "结果已放行",
        ["withheld"] = "结果被拦截",
        ["refused"] = "拒绝执行",
        ["failed"] = "执行失败",
        ["cancelled"] = "已停止",
    };

    private static readonly Dictionary<string, string> IncidentNames = new(StringComparer.Ordinal)
    {
        ["loss"] = "数据丢失",
        ["leak"] = "数据泄露",
        ["tampering"] = "数据篡改",
        ["destruction"] = "数据毁损",
        ["major-risk"] = "重大安全风险",
    };

    public static string Render(AnnualReportsView view, DateTimeOffset renderedAt)
    {
        ArgumentNullException.ThrowIfNull(view);
        var year = view.Year.ToString(CultureInfo.InvariantCulture);
        var body = new StringBuilder();
        body.Append("<header><h1>").Append(E(year)).Append(" 年度公共数据资源授权运营报告</h1>");
        body.Append("<p class=\"meta\">依据《湖北省公共数据资源授权运营实施办法（试行）》第五章第六条 · 统计口径：")
            .Append(E(year)).Append(" 年 1 月 1 日至 12 月 31 日（北京时间） · 生成时间：").Append(E(Cst(renderedAt))).Append("</p></header>");

        if (view.AuthorityReport is { } authority)
        {
            AppendAuthority(body, authority, view.Progress);
        }

        foreach (var report in view.OperatorReports)
        {
            AppendOperator(body, report);
        }

        return Document($"{year} 年度公共数据资源授权运营报告", body.ToString());
    }

    public static IActionResult Result(string html) => new AnnualReportPageResult(html);

    private static void AppendAuthority(StringBuilder body, AuthorityAnnualReport report, OperatorReportProgress? progress)
    {
        var platform = report.Platform;
        body.Append("<section class=\"authority\"><h2>一、主管部门年度工作报告（报送上级主管部门）</h2>");
        body.Append("<h3>平台总体情况</h3><table><tbody>");
        Row(body, "本年度有效的授权运营协议", $"{platform.AgreementsActive} 份");
        Row(body, "其中本年度签订", $"{platform.AgreementsSigned} 份");
        Row(body, "其中本年度终止", $"{platform.AgreementsTerminated} 份");
        Row(body, "运营机构", $"{platform.OperatorsWithAgreements} 家");
        Row(body, "数据安全事件", $"{platform.IncidentsReported} 起");
        foreach (var (kind, count) in platform.IncidentsByKind)
        {
            Row(body, $"　其中{IncidentNames.GetValueOrDefault(kind, kind)}", $"{count} 起");
        }

        Row(body, "暂停运营", $"{platform.SuspensionsImposed} 次（涉及 {platform.OperatorsSuspended} 家运营机构）");
        body.Append("</tbody></table>");
        body.Append("<h3>运营机构汇总数据</h3>");
        AppendCounts(body, report.OperatorTotals);
        if (progress is not null)
        {
            body.Append("<h3>运营机构年度报告提交情况</h3><table><tbody>");
            Row(body, "应提交", $"{progress.Requested} 份（截止日期 {report.OperatorReportsDueOn:yyyy年M月d日}）");
            Row(body, "已提交", $"{progress.Submitted} 份（其中逾期提交 {progress.SubmittedLate} 份）");
            Row(body, "逾期未提交", $"{progress.Overdue} 份");
            body.Append("</tbody></table>");
        }

        body.Append("</section>");
    }

    private static void AppendOperator(StringBuilder body, OperatorAnnualReport report)
    {
        body.Append("<section class=\"operator\" data-operator=\"").Append(E(report.OperatorId)).Append("\"><h2>运营机构年度报告：").Append(E(report.OperatorName)).Append("</h2>");
        body.Append("<table><tbody>");
        Row(body, "状态", StatusText(report));
        Row(body, "截止日期", $"{report.DueOn:yyyy年M月d日} 24 时（北京时间）");
        if (report.SubmittedAt is { } submittedAt)
        {
            Row(body, "提交时间", Cst(submittedAt));
        }

        Row(body, "授权运营协议", string.Join("、", report.AgreementIds));
        Row(body, "数据统计时间", Cst(report.CountedAt));
        body.Append("</tbody></table>");
        body.Append("<h3>平台记录数据（系统预填）</h3>");
        AppendCounts(body, report.Counts);
        body.Append("<h3>报告正文</h3>");
        Section(body, "年度运营情况概述", report.Narrative.Summary);
        Section(body, "数据安全管理情况", report.Narrative.DataSecurity);
        Section(body, "数据产品和服务情况", report.Narrative.ProductsAndServices);
        Section(body, "存在问题及整改情况", report.Narrative.ProblemsAndRectification);
        Section(body, "下一年度工作计划", report.Narrative.NextYearPlan);
        body.Append("</section>");
    }

    private static void AppendCounts(StringBuilder body, OperatorActivityCounts counts)
    {
        body.Append("<table class=\"counts\"><thead><tr><th scope=\"col\">项目</th><th scope=\"col\">数量</th></tr></thead><tbody>");
        Row(body, "提交应用场景", $"{counts.ScenariosSubmitted} 个");
        Row(body, "通过审核的应用场景", $"{counts.ScenariosApproved} 个");
        Row(body, "提交数据申请", $"{counts.DataRequestsSubmitted} 次");
        Row(body, "获批数据申请", $"{counts.DataRequestsApproved} 次");
        Row(body, "发放数据授权", $"{counts.GrantsIssued} 项");
        Row(body, "沙箱作业", $"{counts.SandboxJobs.Total} 次（样本模式 {counts.SandboxJobs.Sample} 次，全量模式 {counts.SandboxJobs.Full} 次）");
        foreach (var (outcome, count) in counts.SandboxJobs.ByOutcome)
        {
            Row(body, $"　其中{OutcomeNames.GetValueOrDefault(outcome, outcome)}", $"{count} 次");
        }

        Row(body, "提交数据产品", $"{counts.ProductsSubmitted} 个");
        Row(body, "上架数据产品", $"{counts.ProductsPublished} 个");
        Row(body, "产品调用", $"{counts.ProductCalls} 次");
        Row(body, "报告数据安全事件", $"{counts.IncidentsReported} 起");
        body.Append("</tbody></table>");
    }

    private static string StatusText(OperatorAnnualReport report) => report.Status switch
    {
        OperatorReportStatus.Submitted when report.Late => "已提交（逾期提交）",
        OperatorReportStatus.Submitted => "已提交",
        _ when report.Overdue => "草稿（已逾期未提交）",
        _ => "草稿（待运营机构补充并提交）",
    };

    private static void Row(StringBuilder body, string label, string value)
        => body.Append("<tr><th scope=\"row\">").Append(E(label)).Append("</th><td>").Append(E(value)).Append("</td></tr>");

    private static void Section(StringBuilder body, string title, string? text)
    {
        body.Append("<h4>").Append(E(title)).Append("</h4>");
        body.Append(text is null ? "<p class=\"empty\">（未填写）</p>" : $"<p class=\"narrative\">{E(text)}</p>");
    }

    private static string Cst(DateTimeOffset instant) => $"{ChinaTime.ToChinaTime(instant):yyyy-MM-dd HH:mm}（北京时间）";

    private static string E(string value) => Html.Encode(value);

    private static string Document(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}}</title>
        <style>
        body { font-family: "Source Han Serif SC", "Noto Serif CJK SC", "SimSun", serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.7; color: #111; }
        h1 { font-size: 1.6rem; text-align: center; } h2 { font-size: 1.25rem; border-bottom: 1px solid #999; margin-top: 2rem; }
        h3 { font-size: 1.05rem; margin-top: 1.2rem; } h4 { font-size: 1rem; margin: 0.8rem 0 0.2rem; }
        .meta { text-align: center; color: #444; font-size: 0.9rem; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
        th, td { border: 1px solid #888; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
        th[scope="row"] { width: 40%; font-weight: normal; background: #f3f3f3; }
        .narrative { white-space: pre-wrap; margin: 0; } .empty { color: #777; margin: 0; }
        @page { size: A4; margin: 20mm 18mm; }
        @media print { body { margin: 0; max-width: none; font-size: 11pt; } section.operator { break-before: page; } th[scope="row"] { background: none; } table, h4 { break-inside: avoid; } }
        </style>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;
}

/// <summary>The report page with the headers a page of official figures needs: UTF-8, no caching, no framing, no script.</summary>
public sealed class AnnualReportPageResult(string html) : IActionResult
{
    public string Html { get; } = html;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var body = Encoding.UTF8.GetBytes(Html);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["X-Frame-Options"] = "DENY";
        response.Headers.ContentSecurityPolicy = AnnualReportPage.ContentSecurityPolicy;
        await response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
    }
}
