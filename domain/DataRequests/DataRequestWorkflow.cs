namespace Platform.Domain.DataRequests;

/// <summary>Input of the data-request orchestration: which request, when it started waiting, how fast time runs.</summary>
public sealed record DataRequestReviewInput(string DataRequestId, DateTime AnchorUtc, double TimeCompression);

/// <summary>A provider's review as scheduled: when it is due and when to remind (legal instants, UTC).</summary>
public sealed record ScheduledReview(string Slot, string ProviderId, DateTime DueUtc, DateTime? RemindUtc);

/// <summary>What the scheduling step found: the request's status and each review's deadline.</summary>
public sealed record DataRequestReviewPlan(DataRequestStatus Status, IReadOnlyList<ScheduledReview> Reviews);

/// <summary>What filing a decision found: the request's status, whether the review is decided, and whether it approved anything.</summary>
public sealed record DataRequestDecisionOutcome(DataRequestStatus Status, bool Decided, bool AnyApproved);

/// <summary>
/// What a deadline step found: the request's status, and whether the review turned out to be decided already (its
/// decision was on record but its event was lost) — then it approved something or not.
/// </summary>
public sealed record DataRequestEscalationOutcome(DataRequestStatus Status, bool Decided, bool AnyApproved);

/// <summary>Settings of data requests (section <c>DataRequests</c>).</summary>
/// <param name="ReminderWorkingDaysBefore">The reminder goes out at 09:00 CST this many working days before the due date (0: on the due date).</param>
public sealed record DataRequestSettings(int ReminderWorkingDaysBefore)
{
    public const int DefaultReminderWorkingDaysBefore = 1;

    public static readonly DataRequestSettings Default = new(DefaultReminderWorkingDaysBefore);
}
