using Platform.Domain.Errors;
using Platform.Domain.Time;

namespace Platform.Domain.Agreements;

/// <summary>The rules of the Measures for agreements, as pure functions.</summary>
public static class AgreementRules
{
    public const int MaximumTermYears = 5;
    public static readonly int[] ReminderDaysBeforeEnd = [180, 90, 30];

    /// <summary>
    /// M3.4: a term of at most five years. The latest allowed end date is the same calendar date five years after the
    /// start; a start on 29 February ends at the latest on 28 February five years later (there is no 29th then).
    /// </summary>
    public static DateOnly LatestEndDate(DateOnly startsOn) => startsOn.AddYears(MaximumTermYears);

    public static void ValidateTerm(DateOnly startsOn, DateOnly endsOn)
    {
        if (endsOn < startsOn)
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", "The agreement ends before it starts.",
                new Dictionary<string, string[]> { ["endsOn"] = ["Must not be before startsOn."] });
        }

        if (endsOn > LatestEndDate(startsOn))
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.term_exceeds_5_years",
                $"An authorized operation agreement lasts at most 5 years (M3.4): starting {startsOn:yyyy-MM-dd} it must end by {LatestEndDate(startsOn):yyyy-MM-dd}.",
                new Dictionary<string, string[]> { ["endsOn"] = [$"Must be on or before {LatestEndDate(startsOn):yyyy-MM-dd}."] });
        }
    }

    /// <summary>M5.6: the agreement is filed within one month of signing.</summary>
    public static DateOnly FilingDueOn(DateTimeOffset signedAt) => FilingDueOn(ChinaTime.LegalDate(signedAt));

    /// <summary>M5.6: the filing month counts from the legal signing date, not from when the agreement was entered.</summary>
    public static DateOnly FilingDueOn(DateOnly signedOn) => signedOn.AddMonths(1);

    /// <summary>
    /// M3.4: the signing date is a legal date that has happened (not after today, CST) and does not fall after the end
    /// of the term it signs.
    /// </summary>
    public static void ValidateSigning(DateOnly signedOn, DateOnly endsOn, DateOnly todayCst)
    {
        if (signedOn > todayCst)
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", $"The agreement cannot be signed in the future (today is {todayCst:yyyy-MM-dd}, CST).",
                new Dictionary<string, string[]> { ["signedOn"] = [$"Must be on or before {todayCst:yyyy-MM-dd}."] });
        }

        if (signedOn > endsOn)
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", "The agreement is signed after its term ends.",
                new Dictionary<string, string[]> { ["signedOn"] = [$"Must be on or before endsOn ({endsOn:yyyy-MM-dd})."] });
        }
    }

    /// <summary>M3.4: an agreement whose term begins after today (CST) is <c>signed</c> until 00:00 CST of its start date.</summary>
    public static AgreementStatus InitialStatus(DateOnly startsOn, DateOnly todayCst)
        => startsOn > todayCst ? AgreementStatus.Signed : AgreementStatus.Active;

    /// <summary>M5.6: the filing date lies between the signing date and today (CST).</summary>
    public static void ValidateFiledOn(Agreement agreement, DateOnly filedOn, DateOnly todayCst)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        if (filedOn < agreement.SigningDate || filedOn > todayCst)
        {
            throw new DomainException(FailureKind.Unprocessable, "agreement.invalid",
                $"The filing date must lie between the signing date {agreement.SigningDate:yyyy-MM-dd} and today {todayCst:yyyy-MM-dd} (CST).",
                new Dictionary<string, string[]> { ["filedOn"] = [$"Must be between {agreement.SigningDate:yyyy-MM-dd} and {todayCst:yyyy-MM-dd}."] });
        }
    }

    /// <summary>
    /// M3.4, docs/lifecycles.md: nothing that uses data (scenario submission, data requests, grants, sandbox jobs, product
    /// registration and calls) works outside <c>active</c>/<c>expiring</c>; 409 <c>agreement.not_in_force</c> with the dates.
    /// The one guard every such command calls.
    /// </summary>
    public static void EnsureInForce(Agreement agreement)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        if (agreement.IsLive)
        {
            return;
        }

        var status = Wire(agreement.Status);
        var why = agreement.Status == AgreementStatus.Signed
            ? $"its term begins on {agreement.StartsOn:yyyy-MM-dd} (CST)"
            : $"its term ran from {agreement.StartsOn:yyyy-MM-dd} to {agreement.EndsOn:yyyy-MM-dd} (CST)";
        throw new DomainException(FailureKind.Conflict, NotInForceCode,
            $"Agreement '{agreement.Id}' is {status}: {why}; data is used only while an agreement is in force (M3.4).",
            new Dictionary<string, string[]>
            {
                ["status"] = [status],
                ["signedOn"] = [agreement.SigningDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)],
                ["startsOn"] = [agreement.StartsOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)],
                ["endsOn"] = [agreement.EndsOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)],
            });
    }

    public const string NotInForceCode = "agreement.not_in_force";

    public static string Wire(AgreementStatus status) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    /// <summary>
    /// What the lifecycle waits for, in order: the filing deadline (end of its day, CST), reminders 180/90/30 days
    /// before the end (start of that day, CST) and the expiry (end of the last day, CST). Points already passed at
    /// signing are left out.
    /// </summary>
    public static IReadOnlyList<AgreementMilestone> Milestones(DateTimeOffset signedAt, DateOnly endsOn)
        => Milestones(signedAt, ChinaTime.LegalDate(signedAt), ChinaTime.LegalDate(signedAt), endsOn);

    /// <summary>
    /// What the lifecycle of an agreement entered at <paramref name="enteredAt"/> waits for: as above, the filing deadline
    /// counted from <paramref name="signedOn"/> (M5.6), and, when the term begins later, its start at 00:00 CST of
    /// <paramref name="startsOn"/> (M3.4).
    /// </summary>
    public static IReadOnlyList<AgreementMilestone> Milestones(DateTimeOffset enteredAt, DateOnly signedOn, DateOnly startsOn, DateOnly endsOn)
    {
        var signedAt = enteredAt;
        var filingDue = FilingDueOn(signedOn);
        var milestones = new List<AgreementMilestone>
        {
            new(AgreementMilestoneKind.Start, ChinaTime.StartOfDayUtc(startsOn).UtcDateTime, startsOn),
            new(AgreementMilestoneKind.FilingDeadline, ChinaTime.EndOfDayUtc(filingDue).UtcDateTime, filingDue),
            Reminder(AgreementMilestoneKind.Reminder180, endsOn, 180),
            Reminder(AgreementMilestoneKind.Reminder90, endsOn, 90),
            Reminder(AgreementMilestoneKind.Reminder30, endsOn, 30),
            new(AgreementMilestoneKind.Expiry, ChinaTime.EndOfDayUtc(endsOn).UtcDateTime, endsOn),
        };
        return milestones
            // A filing deadline already past at entry (signed long before) still fires, at once, to mark the filing overdue (M5.6).
            .Where(m => m.DueUtc > signedAt.UtcDateTime || m.Kind == AgreementMilestoneKind.FilingDeadline)
            .OrderBy(m => m.DueUtc)
            .ThenBy(m => m.Kind)
            .ToList();
    }

    private static AgreementMilestone Reminder(AgreementMilestoneKind kind, DateOnly endsOn, int daysBefore)
    {
        var date = endsOn.AddDays(-daysBefore);
        return new AgreementMilestone(kind, ChinaTime.StartOfDayUtc(date).UtcDateTime, date);
    }

    public static int DaysBefore(AgreementMilestoneKind kind) => kind switch
    {
        AgreementMilestoneKind.Reminder180 => 180,
        AgreementMilestoneKind.Reminder90 => 90,
        AgreementMilestoneKind.Reminder30 => 30,
        _ => 0,
    };

    /// <summary>
    /// How a reached milestone changes the agreement; reapplying one already recorded changes nothing. A signed agreement
    /// records reminders and the filing deadline as they come but changes state only at its start (M3.4): then it is
    /// active, or expiring when a reminder already passed.
    /// </summary>
    public static Agreement Apply(Agreement agreement, AgreementMilestoneKind kind, DateTimeOffset now)
    {
        if (agreement.HasMilestone(kind) || agreement.HasEnded)
        {
            return agreement;
        }

        var recorded = agreement with
        {
            Milestones = [.. agreement.Milestones, new MilestoneRecord(kind, LegalDateOf(agreement, kind), now)],
        };
        var signed = agreement.Status == AgreementStatus.Signed;
        return kind switch
        {
            AgreementMilestoneKind.Start when signed => recorded with
            {
                Status = agreement.Milestones.Any(m => DaysBefore(m.Kind) > 0) ? AgreementStatus.Expiring : AgreementStatus.Active,
            },
            AgreementMilestoneKind.Start => recorded,
            AgreementMilestoneKind.FilingDeadline => recorded with { FilingOverdue = agreement.Filing is null },
            AgreementMilestoneKind.Expiry => recorded with { Status = AgreementStatus.Expired },
            _ when signed => recorded,
            _ => recorded with { Status = AgreementStatus.Expiring },
        };
    }

    private static DateOnly LegalDateOf(Agreement agreement, AgreementMilestoneKind kind) => kind switch
    {
        AgreementMilestoneKind.FilingDeadline => agreement.FilingDueOn,
        AgreementMilestoneKind.Expiry => agreement.EndsOn,
        AgreementMilestoneKind.Start => agreement.StartsOn,
        _ => agreement.EndsOn.AddDays(-DaysBefore(kind)),
    };

    /// <summary>M3.6: whether the ground for an early termination holds today; throws 409/422 when it does not.</summary>
    public static void EnsureTerminable(Agreement agreement, TerminationGround ground, string? detail, DateOnly todayCst)
    {
        // M3.6: a signed agreement can be ended before its term begins as well as during it.
        if (agreement.HasEnded)
        {
            throw new DomainException(FailureKind.Conflict, "agreement.not_active", $"The agreement is already {agreement.Status.ToString().ToLowerInvariant()}.");
        }

        switch (ground)
        {
            case TerminationGround.BreachUnrectified when !agreement.Breaches.Any(b => b.UnrectifiedPastDeadline(todayCst)):
                throw new DomainException(FailureKind.Unprocessable, "agreement.termination_ground_not_met",
                    "Termination for an unrectified breach needs a breach whose rectification deadline has passed without rectification (M3.6).",
                    new Dictionary<string, string[]> { ["ground"] = ["No unrectified breach is past its deadline."] });
            case TerminationGround.Expired when todayCst <= agreement.EndsOn:
                throw new DomainException(FailureKind.Unprocessable, "agreement.termination_ground_not_met",
                    $"The agreement runs until {agreement.EndsOn:yyyy-MM-dd}; it has not expired.",
                    new Dictionary<string, string[]> { ["ground"] = ["The term has not ended."] });
            case TerminationGround.Sanctioned or TerminationGround.Other when string.IsNullOrWhiteSpace(detail):
                throw new DomainException(FailureKind.Unprocessable, "agreement.invalid", "Say why the agreement is terminated.",
                    new Dictionary<string, string[]> { ["detail"] = ["Required for this ground."] });
        }
    }

    /// <summary>
    /// M3.3, M3.4: an agreement covers its plan's scope or a narrower one the authority states; a stated scope reaching
    /// beyond the plan's is 422 <c>scope.outside_authorization</c>.
    /// </summary>
    public static void EnsureWithinPlanScope(Platform.Domain.Plans.AuthorizationScope plan, Platform.Domain.Plans.AuthorizationScope? stated)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (stated is not null && !plan.Contains(stated))
        {
            throw new DomainException(FailureKind.Unprocessable, Platform.Domain.Plans.AuthorizationScope.OutsideCode,
                "The agreement's scope reaches beyond the approved plan's (M3.3); state the plan's scope or a narrower one.",
                new Dictionary<string, string[]> { ["scope"] = [$"Must lie within the plan's region {plan.Region} and its listed resources and domains."] });
        }
    }
}
