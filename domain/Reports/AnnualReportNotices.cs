using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Reports;

/// <summary>
/// The messages of the annual reports (M5.6), pure: given the year, the report and the instant they build the
/// notification — recipient, Chinese subject and body, target. Ids are fixed per year and operator, so a repeated
/// request or sweep sends each message once.
/// </summary>
public static class AnnualReportNotices
{
    public const string Category = "annual-report";

    /// <summary>To the operator: report on the year by the due date (M5.6).</summary>
    public static Notification Requested(int year, string operatorId, DateOnly dueOn, DateTimeOffset now) => new(
        $"annual-report-{year}-{operatorId}-requested", Recipient.Organization(operatorId), Category,
        $"请填报 {year} 年度授权运营情况报告",
        $"请于 {dueOn:yyyy年M月d日}（北京时间）24 时前提交贵单位 {year} 年度授权运营情况报告。平台已根据本年度记录预填场景、数据申请、授权、沙箱作业、产品和安全事件等数据，请核对并补充报告正文后提交。",
        null, AnnualReportService.Target(year, operatorId), now);

    /// <summary>To the authority: the platform-wide draft of the year is ready.</summary>
    public static Notification AuthorityDrafted(int year, int operators, DateOnly dueOn, DateTimeOffset now) => new(
        $"annual-report-{year}-authority-drafted", Recipient.Role(Roles.Authority), Category,
        $"{year} 年度公共数据授权运营工作报告（草稿）已生成",
        $"平台已汇总 {operators} 家运营机构的 {year} 年度数据并生成向上级主管部门报送的年度报告草稿；运营机构报告截止日期为 {dueOn:yyyy年M月d日}。",
        null, $"reports/annual/{year}", now);

    /// <summary>To the authority: an operator submitted its report, late or not.</summary>
    public static Notification Submitted(OperatorAnnualReport submitted, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var late = submitted.Late;
        return new Notification(
            $"annual-report-{submitted.Year}-{submitted.OperatorId}-submitted", Recipient.Role(Roles.Authority), Category,
            $"{submitted.OperatorName} 已提交 {submitted.Year} 年度运营报告{(late ? "（逾期）" : "")}",
            $"{submitted.OperatorName} 于 {ChinaTime.ToChinaTime(now):yyyy-MM-dd HH:mm}（北京时间）提交了 {submitted.Year} 年度授权运营情况报告，截止日期为 {submitted.DueOn:yyyy-MM-dd}{(late ? "，已逾期" : "")}。",
            null, AnnualReportService.Target(submitted.Year, submitted.OperatorId), now);
    }

    /// <summary>To the authority and to the operator: the report is past its due date and still a draft (M5.6).</summary>
    public static IReadOnlyList<Notification> Overdue(OperatorAnnualReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var target = AnnualReportService.Target(report.Year, report.OperatorId);
        return
        [
            new($"annual-report-{report.Year}-{report.OperatorId}-overdue", Recipient.Role(Roles.Authority), Category,
                $"{report.OperatorName} 未按期提交 {report.Year} 年度运营报告",
                $"{report.OperatorName} 的 {report.Year} 年度授权运营情况报告截止日期为 {report.DueOn:yyyy-MM-dd}（北京时间），至今未提交。",
                null, target, now),
            new($"annual-report-{report.Year}-{report.OperatorId}-overdue-operator", Recipient.Organization(report.OperatorId), Category,
                $"{report.Year} 年度运营报告已逾期",
                $"贵单位 {report.Year} 年度授权运营情况报告的截止日期为 {report.DueOn:yyyy-MM-dd}（北京时间），已逾期，请尽快提交；逾期情况已告知主管部门。",
                null, target, now),
        ];
    }
}
