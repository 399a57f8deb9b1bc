using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Oversight;

/// <summary>Grades of the yearly operator evaluation (M5.7); wire names <c>excellent</c>, <c>good</c>, <c>pass</c>, <c>fail</c>.</summary>
public enum EvaluationGrade
{
    Excellent,
    Good,
    Pass,
    Fail,
}

/// <summary>The authority's evaluation of an operator's work under one agreement in one calendar year (M5.7).</summary>
public sealed record OperatorEvaluation(
    string AgreementId,
    string OperatorId,
    int Year,
    EvaluationGrade Grade,
    int Score,
    string? Comment,
    string DocumentRef,
    DateTimeOffset RecordedAt,
    string RecordedBy);

public sealed record NewEvaluation(int? Year, EvaluationGrade? Grade, int? Score, string? Comment, string? DocumentRef);

/// <summary>Evaluations in table <c>evaluations</c>: one row per agreement and year.</summary>
public interface IEvaluationStore
{
    /// <summary>Conditional insert: 409 <c>evaluation.already_recorded</c> when the agreement already has one for the year.</summary>
    Task AddAsync(OperatorEvaluation evaluation, CancellationToken cancellationToken = default);

    Task<OperatorEvaluation?> GetAsync(string agreementId, int year, CancellationToken cancellationToken = default);

    /// <summary>The agreement's evaluations, oldest year first.</summary>
    Task<IReadOnlyList<OperatorEvaluation>> ListAsync(string agreementId, CancellationToken cancellationToken = default);

    /// <summary>Every evaluation of the operator under any of its agreements.</summary>
    Task<IReadOnlyList<OperatorEvaluation>> ListByOperatorAsync(string operatorId, CancellationToken cancellationToken = default);
}

/// <summary>The operator is marked for re-examination (M5.7): the fail evaluation that put it there.</summary>
public sealed record Reexamination(string AgreementId, int Year, int Score, string DocumentRef, DateTimeOffset EvaluatedAt);

/// <summary>The authority's explicit decision to sign with an operator under re-examination anyway (M5.7), audited.</summary>
public sealed record ReexaminationOverride(string Reason, DateTimeOffset At, string By);

public static class ReexaminationRules
{
    public const string UnderReexaminationCode = "agreement.operator_under_reexamination";
    public const int MaxReasonLength = 2000;

    /// <summary>
    /// M5.7 (重要依据): a <c>fail</c> evaluation marks the operator for re-examination while it is the latest evaluation of
    /// its agreement; a later evaluation of that agreement that passes lifts the mark. The most recent fail wins.
    /// </summary>
    public static Reexamination? Pending(IEnumerable<OperatorEvaluation> evaluations)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        return evaluations
            .GroupBy(e => e.AgreementId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(e => e.Year).Last())
            .Where(e => e.Grade == EvaluationGrade.Fail)
            .OrderByDescending(e => e.Year).ThenByDescending(e => e.RecordedAt)
            .Select(e => new Reexamination(e.AgreementId, e.Year, e.Score, e.DocumentRef, e.RecordedAt))
            .FirstOrDefault();
    }

    /// <summary>
    /// M5.7: signing with an operator under re-examination is 409 <c>agreement.operator_under_reexamination</c> unless the
    /// authority gives an explicit override with a reason; returns the trimmed reason when the override applies, null when none is needed.
    /// </summary>
    public static string? EnsureMaySign(Reexamination? pending, string? overrideReason)
    {
        var reason = string.IsNullOrWhiteSpace(overrideReason) ? null : overrideReason.Trim();
        if (reason?.Length > MaxReasonLength)
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", "The override reason is too long.",
                new Dictionary<string, string[]> { ["reexaminationOverrideReason"] = [$"At most {MaxReasonLength} characters."] });
        }

        if (pending is null)
        {
            return null;
        }

        return reason ?? throw new DomainException(FailureKind.Conflict, UnderReexaminationCode,
            $"The operator is under re-examination after its {pending.Year} evaluation of agreement {pending.AgreementId} was 'fail' (M5.7); "
            + "sign only with an explicit override: reexaminationOverrideReason.");
    }
}

public static class EvaluationRules
{
    public const int MaxCommentLength = 4000;
    public const int MaxDocumentRefLength = 200;

    public static DomainException AlreadyRecorded(string agreementId, int year)
        => new(FailureKind.Conflict, "evaluation.already_recorded", $"Agreement '{agreementId}' already has its evaluation for {year}; there is one per agreement and year (M5.7).");

    /// <summary>Checks an evaluation of <paramref name="agreement"/>; returns the trimmed comment and document or throws 422 naming each field.</summary>
    public static (string? Comment, string DocumentRef) Validate(NewEvaluation request, Agreement agreement, DateOnly todayCst)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Year is null)
        {
            errors["year"] = ["year is required: the calendar year evaluated."];
        }

        if (request.Grade is null)
        {
            errors["grade"] = ["grade is required: excellent, good, pass or fail."];
        }

        if (request.Score is not (>= 0 and <= 100))
        {
            errors["score"] = ["score is required: a whole number from 0 to 100."];
        }

        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim();
        if (comment?.Length > MaxCommentLength)
        {
            errors["comment"] = [$"comment is at most {MaxCommentLength} characters."];
        }

        var documentRef = request.DocumentRef?.Trim();
        if (string.IsNullOrEmpty(documentRef) || documentRef.Length > MaxDocumentRefLength)
        {
            errors["documentRef"] = [$"documentRef is required (the evaluation document number) and at most {MaxDocumentRefLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "evaluation.invalid", "The evaluation has invalid fields.", errors);
        }

        // M5.7: a year of the operator's work under this agreement, and not one still to come.
        var year = request.Year!.Value;
        if (year < agreement.StartsOn.Year || year > agreement.EndsOn.Year || year > todayCst.Year)
        {
            throw new DomainException(FailureKind.Unprocessable, "evaluation.year_outside_term",
                $"{year} is not a year of the agreement's term ({agreement.StartsOn:yyyy-MM-dd} to {agreement.EndsOn:yyyy-MM-dd}) up to this year ({todayCst.Year}).",
                new Dictionary<string, string[]> { ["year"] = [$"Must be from {agreement.StartsOn.Year} to {Math.Min(agreement.EndsOn.Year, todayCst.Year)}."] });
        }

        return (comment, documentRef!);
    }

    /// <summary>
    /// The year whose evaluation is overdue on <paramref name="todayCst"/>: the previous year once its due date (the
    /// configured month-day of this year) has passed; null before that.
    /// </summary>
    public static int? OverdueYear(DateOnly todayCst, MonthDay dueOn) => todayCst > dueOn.InYear(todayCst.Year) ? todayCst.Year - 1 : null;

    /// <summary>
    /// Whether the operator worked under the agreement during <paramref name="year"/> (CST): its term overlaps the year
    /// and it was not terminated before the year began.
    /// </summary>
    public static bool ActiveDuring(Agreement agreement, int year)
    {
        var lastDay = agreement.Termination is { } termination ? Min(agreement.EndsOn, ChinaTime.LegalDate(termination.At)) : agreement.EndsOn;
        return agreement.StartsOn <= new DateOnly(year, 12, 31) && lastDay >= new DateOnly(year, 1, 1);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}

/// <summary>The yearly operator evaluation (M5.7), recorded by the authority and shown on the agreement.</summary>
public sealed class EvaluationService(IAgreementStore agreements, IEvaluationStore store, IAuditTrail audit, INotificationOutbox outbox, IClock clock)
{
    public async Task<OperatorEvaluation> RecordAsync(string agreementId, NewEvaluation request, Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agreement = (await agreements.GetAsync(agreementId, cancellationToken))?.Value
            ?? throw new DomainException(FailureKind.NotFound, "agreement.not_found", $"Agreement '{agreementId}' does not exist.");
        var (comment, documentRef) = EvaluationRules.Validate(request, agreement, ChinaTime.Today(clock));
        var evaluation = new OperatorEvaluation(agreement.Id, agreement.OperatorId, request.Year!.Value, request.Grade!.Value, request.Score!.Value, comment, documentRef, clock.UtcNow, caller.Subject);
        await store.AddAsync(evaluation, cancellationToken);
        await audit.RecordAsync(caller, "evaluation.recorded", $"agreements/{agreement.Id}/evaluations/{evaluation.Year}", evaluation, cancellationToken);
        await outbox.SendAsync(OversightNotices.EvaluationRecorded(evaluation), cancellationToken);
        return evaluation;
    }

    /// <summary>The agreement's evaluations; callers reach them through the agreement, whose access rules apply.</summary>
    public Task<IReadOnlyList<OperatorEvaluation>> ListAsync(string agreementId, CancellationToken cancellationToken = default)
        => store.ListAsync(agreementId, cancellationToken);

    public static string GradeName(EvaluationGrade grade) => OversightNotices.GradeName(grade);
}

/// <summary>The day of the year by which the previous year's evaluation must be recorded (from <see cref="DeadlineSweepOptions"/>).</summary>
public sealed record EvaluationDeadline(MonthDay DueOn);

/// <summary>
/// Sweep step (M5.7): after the due date, every agreement the operator worked under during the previous year without an
/// evaluation for that year is reported to the authority, once per agreement and year.
/// </summary>
public sealed class EvaluationOverdueSweepStep(IAgreementStore agreements, IEvaluationStore evaluations, SweepFlags flags, EvaluationDeadline deadline) : IDeadlineSweepStep
{
    public const string StepName = "evaluation-overdue";
    private const int PageSize = 200;

    public string Name => StepName;

    public async Task<int> SweepAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default)
    {
        if (EvaluationRules.OverdueYear(ChinaTime.LegalDate(nowUtc), deadline.DueOn) is not { } year)
        {
            return 0;
        }

        var flagged = 0;
        string? token = null;
        do
        {
            var (page, next) = await agreements.ListAsync(null, PageSize, token, cancellationToken);
            foreach (var agreement in page.Where(a => EvaluationRules.ActiveDuring(a, year)))
            {
                if (await evaluations.GetAsync(agreement.Id, year, cancellationToken) is not null)
                {
                    continue;
                }

                var itemId = $"{agreement.Id}-{year}";
                var message = OversightNotices.EvaluationOverdue(
                    SweepFlags.NotificationId(itemId, StepName), agreement.Id, agreement.OperatorId, year, deadline.DueOn.InYear(year + 1), nowUtc);
                if (await flags.FlagOnceAsync(StepName, itemId, message, cancellationToken))
                {
                    flagged++;
                }
            }

            token = next;
        }
        while (token is not null);

        return flagged;
    }
}
