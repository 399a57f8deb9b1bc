using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Plans;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Oversight;

/// <summary>What must be filed (M5.6); wire names <c>plan</c>, <c>agreement</c>.</summary>
public enum FilingKind
{
    Plan,
    Agreement,
}

/// <summary>
/// The filing state of one approved plan or signed agreement as the superior authority sees it (M5.6), computed from
/// the record at read time: dates in China Standard Time.
/// </summary>
/// <param name="Title">The plan's title; an agreement is named by its id.</param>
/// <param name="OperatorId">The operator of an agreement; null for a plan.</param>
/// <param name="DecidedOn">The plan's approval date or the agreement's signing date (CST); the month runs from it.</param>
/// <param name="Overdue">Not filed and the due date has passed.</param>
/// <param name="FiledLate">Filed, but after the due date.</param>
/// <param name="DaysOverdue">Days past the due date until filing or, while unfiled, until today; 0 when on time.</param>
public sealed record FilingStatus(
    FilingKind Kind,
    string Id,
    string Title,
    string? OperatorId,
    DateOnly DecidedOn,
    DateOnly FilingDueOn,
    DateOnly? FiledOn,
    string? DocumentRef,
    bool Overdue,
    bool FiledLate,
    int DaysOverdue);

public static class FilingRules
{
    public static FilingStatus OfPlan(Plan plan, DateOnly todayCst)
    {
        var approval = plan.Approval ?? throw new ArgumentException($"Plan '{plan.Id}' is not approved; only approved plans are filed.", nameof(plan));
        return Status(FilingKind.Plan, plan.Id, plan.Title, null, approval.ApprovedOn, PlanRules.FilingDueOn(approval.ApprovedOn), plan.Filing?.FiledOn, plan.Filing?.DocumentRef, todayCst);
    }

    public static FilingStatus OfAgreement(Agreement agreement, DateOnly todayCst)
        => Status(FilingKind.Agreement, agreement.Id, agreement.Id, agreement.OperatorId, ChinaTime.LegalDate(agreement.SignedAt), agreement.FilingDueOn,
            agreement.Filing?.FiledOn, agreement.Filing?.DocumentRef, todayCst);

    // M5.6: filed within one month; the due date itself is still on time, the day after it is overdue.
    private static FilingStatus Status(FilingKind kind, string id, string title, string? operatorId, DateOnly decidedOn, DateOnly dueOn, DateOnly? filedOn, string? documentRef, DateOnly todayCst)
    {
        var lastDay = filedOn ?? todayCst;
        var daysOverdue = Math.Max(0, lastDay.DayNumber - dueOn.DayNumber);
        return new FilingStatus(kind, id, title, operatorId, decidedOn, dueOn, filedOn, documentRef,
            Overdue: filedOn is null && todayCst > dueOn,
            FiledLate: filedOn is { } filed && filed > dueOn,
            DaysOverdue: daysOverdue);
    }
}

/// <summary>
/// The filing overview of the superior authority (M5.6): approved plans first, then agreements, a page at a time.
/// The continuation token says which of the two lists it continues (<c>p:</c> or <c>a:</c>) and the store's own token.
/// </summary>
public sealed class FilingOversightService(IPlanStore plans, IAgreementStore agreements, IClock clock)
{
    private const string PlanPrefix = "p:";
    private const string AgreementPrefix = "a:";

    public async Task<(IReadOnlyList<FilingStatus> Items, string? ContinuationToken)> ListAsync(bool overdueOnly, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var today = ChinaTime.Today(clock);
        var (inAgreements, inner) = ParseToken(continuationToken);
        if (!inAgreements)
        {
            var (page, next) = await plans.QueryAsync(PlanStatus.Approved, pageSize, inner, cancellationToken);
            var items = page.Where(p => p.Approval is not null).Select(p => FilingRules.OfPlan(p, today)).Where(f => !overdueOnly || f.Overdue).ToList();
            return (items, next is null ? AgreementPrefix : PlanPrefix + next);
        }

        var (agreementPage, agreementNext) = await agreements.ListAsync(null, pageSize, inner, cancellationToken);
        var agreementItems = agreementPage.Select(a => FilingRules.OfAgreement(a, today)).Where(f => !overdueOnly || f.Overdue).ToList();
        return (agreementItems, agreementNext is null ? null : AgreementPrefix + agreementNext);
    }

    private static (bool InAgreements, string? Inner) ParseToken(string? token)
    {
        if (token is null)
        {
            return (false, null);
        }

        if (token.StartsWith(PlanPrefix, StringComparison.Ordinal) && token.Length > PlanPrefix.Length)
        {
            return (false, token[PlanPrefix.Length..]);
        }

        if (token.StartsWith(AgreementPrefix, StringComparison.Ordinal))
        {
            return (true, token.Length > AgreementPrefix.Length ? token[AgreementPrefix.Length..] : null);
        }

        throw new DomainException(FailureKind.BadRequest, "request.invalid_paging", "continuationToken is not one this service issued.",
            new Dictionary<string, string[]> { ["continuationToken"] = ["Not a token of this list."] });
    }
}

/// <summary>
/// Sweep step (M5.6): approved plans and signed agreements still unfiled after their month are reported to the
/// authority once each. Agreements whose lifecycle already reached its filing deadline milestone were reported by the
/// lifecycle itself and are left alone; the sweep is the only reminder plans have and the safety net for agreements.
/// </summary>
public sealed class FilingOverdueSweepStep(IPlanStore plans, IAgreementStore agreements, SweepFlags flags) : IDeadlineSweepStep
{
    public const string StepName = "filing-overdue";
    private const int PageSize = 200;

    public string Name => StepName;

    public async Task<int> SweepAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default)
    {
        var today = ChinaTime.LegalDate(nowUtc);
        var flagged = 0;
        string? token = null;
        do
        {
            var (page, next) = await plans.QueryAsync(PlanStatus.Approved, PageSize, token, cancellationToken);
            foreach (var plan in page.Where(p => p.IsFilingOverdue(today)))
            {
                var status = FilingRules.OfPlan(plan, today);
                if (await flags.FlagOnceAsync(StepName, plan.Id, Message(status, $"实施方案《{plan.Title}》", $"plans/{plan.Id}", nowUtc), cancellationToken))
                {
                    flagged++;
                }
            }

            token = next;
        }
        while (token is not null);

        do
        {
            var (page, next) = await agreements.ListAsync(null, PageSize, token, cancellationToken);
            foreach (var agreement in page.Where(a => !a.HasMilestone(AgreementMilestoneKind.FilingDeadline)))
            {
                var status = FilingRules.OfAgreement(agreement, today);
                if (status.Overdue
                    && await flags.FlagOnceAsync(StepName, agreement.Id, Message(status, $"授权运营协议 {agreement.Id}", $"agreements/{agreement.Id}", nowUtc), cancellationToken))
                {
                    flagged++;
                }
            }

            token = next;
        }
        while (token is not null);

        return flagged;
    }

    private static Notification Message(FilingStatus status, string what, string target, DateTimeOffset now)
        => new(SweepFlags.NotificationId(status.Id, StepName), Recipient.Role(Roles.Authority), "filing",
            status.Kind == FilingKind.Plan ? "实施方案备案已逾期" : "授权运营协议备案已逾期",
            $"{what}应于 {status.FilingDueOn:yyyy-MM-dd}（北京时间）前完成备案（M5.6），目前尚未备案，已逾期 {status.DaysOverdue} 天。",
            null, target, now);
}
