using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;
using static Platform.Domain.Scenarios.ScenarioService;

namespace Platform.Domain.Scenarios;

/// <summary>
/// The notifications of scenario review (M4.2), built from the records alone so that each text is unit-tested without
/// stores. The ids are stable per round, slot and step: the outbox sends each once.
/// </summary>
public static class ScenarioNotices
{
    /// <summary>
    /// The reviewer's request with its signed link; <paramref name="reminder"/> n &gt; 0 is the n-th reminder after the
    /// deadline, with a fresh link. Silence is never consent.
    /// </summary>
    public static Notification ReviewLink(string scenarioId, ScenarioRound round, ScenarioReview review, int reminder, string operatorName, string linkUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(review);
        var title = round.Content.Title;
        var (subject, body) = reminder > 0
            ? ($"应用场景评审催办：{title}",
               $"您对运营机构 {operatorName} 的应用场景「{title}」（第 {round.Number} 轮）的评审已超过期限 {Cst(round.DueAt)}，已报主管部门。请尽快通过以下新链接评审；评审结果以您的决定为准，不会视为默认同意。")
            : ($"应用场景评审：{title}",
               $"运营机构 {operatorName} 提交了应用场景「{title}」（第 {round.Number} 轮，{ReviewerLabel(review.ReviewerKind)}）。请在 {Cst(round.DueAt)} 前打开链接，按《实施办法》第四章第二条的评审标准打分并作出决定（同意、不同意或需修改）。");
        var id = reminder > 0 ? $"{round.InstanceId}-{review.Slot}-reminder-{reminder}" : $"{round.InstanceId}-{review.Slot}";
        return new Notification(id, review.Reviewer, NotificationCategory, subject, body, linkUrl, TargetOf(scenarioId), now);
    }

    /// <summary>Reports a late review to the authority, once per slot and escalation.</summary>
    public static Notification Overdue(string scenarioId, ScenarioRound round, ScenarioReview review, int escalation, string operatorName, string reviewerName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(review);
        return new Notification(
            $"{round.InstanceId}-{review.Slot}-overdue-{escalation}", Recipient.Role(Roles.Authority), NotificationCategory,
            $"应用场景评审逾期：{round.Content.Title}",
            $"{ReviewerLabel(review.ReviewerKind)} {reviewerName} 未在 {Cst(round.DueAt)} 前完成对运营机构 {operatorName} 的应用场景「{round.Content.Title}」（第 {round.Number} 轮）的评审，现报请跟进。评审继续等待其决定，不以沉默视为同意。",
            null, TargetOf(scenarioId), now);
    }

    /// <summary>The round's result, to the operator and to the authority (one notification each).</summary>
    public static IReadOnlyList<Notification> Result(string scenarioId, string operatorId, ScenarioRound round, ReviewRoundOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(round);
        var result = outcome switch
        {
            ReviewRoundOutcome.Approved => "评审通过。可在该场景下申请所需数据（数据申请仅限评审通过的资源和字段）。",
            ReviewRoundOutcome.Rejected => "评审未通过。",
            ReviewRoundOutcome.ChangesRequested => "评审意见为需修改。请根据评审意见修改后重新提交，重新提交将开始新一轮评审。",
            _ => "评审已取消。",
        };
        return new[] { Recipient.Organization(operatorId), Recipient.Role(Roles.Authority) }
            .Select(recipient => new Notification(
                $"{round.InstanceId}-result-{recipient.Key}", recipient, NotificationCategory,
                $"应用场景评审结果：{round.Content.Title}",
                $"应用场景「{round.Content.Title}」第 {round.Number} 轮评审结果：{result}",
                null, TargetOf(scenarioId), now))
            .ToList();
    }

    /// <summary>Tells the operator that the review was cancelled because its agreement ended.</summary>
    public static Notification Cancelled(Scenario scenario, ScenarioRound round, string agreementId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(round);
        return new Notification(
            $"{round.InstanceId}-cancelled", Recipient.Organization(scenario.OperatorId), NotificationCategory,
            $"应用场景评审已取消：{round.Content.Title}",
            $"授权运营协议 {agreementId} 已结束，应用场景「{round.Content.Title}」的评审随之取消。",
            null, TargetOf(scenario.Id), now);
    }

    private static string ReviewerLabel(ReviewerKind kind) => kind switch
    {
        ReviewerKind.Authority => "主管部门",
        ReviewerKind.Provider => "数据提供单位",
        _ => "评审专家",
    };

    private static string Cst(DateTimeOffset instant) => $"{ChinaTime.ToChinaTime(instant):yyyy-MM-dd HH:mm}（北京时间）";
}
