using Platform.Domain.Calendar;
using Platform.Domain.DataRequests;
using Platform.Domain.Quality;
using Platform.Domain.Time;

namespace Platform.Domain.Contribution;

/// <summary>The weights of the three components (settings <c>Contribution:*</c>): non-negative, summing to more than 0.</summary>
public sealed record ContributionWeights(double DataQuality, double ReviewTimeliness, double Usage)
{
    public static readonly ContributionWeights Default = new(0.4, 0.3, 0.3);
}

/// <summary>The facts behind the data-quality component (M4.7.1, M4.7.2): the provider's tickets raised in the year.</summary>
/// <param name="PublishedResources">The provider's resources now published in the catalogue.</param>
/// <param name="IssuesRaised">Tickets raised against its resources in the year.</param>
/// <param name="Corrected">Tickets answered "corrected" (on time or late).</param>
/// <param name="CorrectedOnTime">Tickets corrected before their deadline.</param>
/// <param name="Disputed">Tickets answered "disputed" (on time or late).</param>
/// <param name="DisputedOnTime">Tickets disputed before their deadline: a timely verified answer, counted neither for nor against.</param>
/// <param name="OverdueOpen">Tickets past their deadline still without an answer.</param>
/// <param name="OpenNotDue">Tickets without an answer whose deadline has not passed: not counted yet.</param>
public sealed record DataQualityInputs(
    int PublishedResources,
    int IssuesRaised,
    int Corrected,
    int CorrectedOnTime,
    int Disputed,
    int DisputedOnTime,
    int OverdueOpen,
    int OpenNotDue);

/// <summary>The facts behind the review-timeliness component (M4.3, M4.7.2): the provider's data-request reviews of the year.</summary>
/// <param name="Reviews">Reviews counted: decided, or marked overdue.</param>
/// <param name="Decided">Reviews decided (on time or late).</param>
/// <param name="OverdueOrLate">Reviews marked overdue or decided late.</param>
/// <param name="MedianReviewWorkingDays">Median working days from day 0 (the 17:00 CST cut-off rule) to the decision, over decided reviews.</param>
/// <param name="PendingNotDue">Reviews still open before their deadline: not counted yet.</param>
public sealed record ReviewTimelinessInputs(int Reviews, int Decided, int OverdueOrLate, double? MedianReviewWorkingDays, int PendingNotDue);

/// <summary>The facts behind the usage component (M4.7.2): what was built on the provider's data in the year.</summary>
/// <param name="Scenarios">Scenarios approved in the year that need the provider's resources.</param>
/// <param name="Grants">Grants over the provider's data issued in the year.</param>
/// <param name="Products">Published products built on the provider's data (0 while product records are not available).</param>
/// <param name="ProductCalls">Calls made to those products.</param>
public sealed record UsageInputs(int Scenarios, int Grants, int Products, long ProductCalls);

/// <summary>One component of the score: its weight, whether it applies (it has facts to judge), its score 0–100, and its parts.</summary>
public sealed record ContributionComponent<TInputs>(
    double Weight,
    bool Applicable,
    double? Score,
    IReadOnlyDictionary<string, double?> Parts,
    TInputs Inputs);

/// <summary>A provider's contribution score for one year (M4.7.2), with every component, its inputs and the formula's parts.</summary>
/// <param name="Score">0–100: the weighted mean of the applicable components; null when none applies with a positive weight.</param>
public sealed record ContributionReport(
    string ProviderId,
    int Year,
    double? Score,
    ContributionComponent<DataQualityInputs> DataQuality,
    ContributionComponent<ReviewTimelinessInputs> ReviewTimeliness,
    ContributionComponent<UsageInputs> Usage,
    DateTimeOffset ComputedAt);

/// <summary>
/// The contribution score formula (M4.7.2), a pure function of its inputs; documented in <c>README.md</c> beside this file.
/// Every score is 0–100 and rounded to one decimal.
/// </summary>
public static class ContributionScore
{
    /// <summary>M4.3: the review period the speed of a review is measured against.</summary>
    public const int ReviewWorkingDays = ReviewDeadline.DataRequestReviewWorkingDays;

    /// <summary>Usage counts at which each usage part reaches half marks (x / (x + h)).</summary>
    public const double ScenariosHalf = 2;
    public const double GrantsHalf = 2;
    public const double ProductsHalf = 1;
    public const double CallsHalf = 1000;

    public static ContributionReport Compute(string providerId, int year, DataQualityInputs quality, ReviewTimelinessInputs timeliness, UsageInputs usage,
        ContributionWeights weights, DateTimeOffset computedAt)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var dataQuality = DataQuality(quality, weights.DataQuality);
        var review = Timeliness(timeliness, weights.ReviewTimeliness);
        var use = Usage(usage, weights.Usage);
        var applicable = new[] { (dataQuality.Applicable, dataQuality.Weight, dataQuality.Score), (review.Applicable, review.Weight, review.Score), (use.Applicable, use.Weight, use.Score) }
            .Where(c => c.Applicable && c.Weight > 0 && c.Score is not null)
            .ToList();
        var weightSum = applicable.Sum(c => c.Weight);
        double? total = weightSum > 0 ? Round(applicable.Sum(c => c.Weight * c.Score!.Value) / weightSum) : null;
        return new ContributionReport(providerId, year, total, dataQuality, review, use, computedAt);
    }

    /// <summary>
    /// Data quality: half issue density (100 / (1 + issues per published resource)), half the share corrected on time
    /// (corrected on time / (corrected + late disputes + overdue unanswered)); density alone while no ticket is due.
    /// Applies once the provider has a published resource or a ticket.
    /// </summary>
    public static ContributionComponent<DataQualityInputs> DataQuality(DataQualityInputs inputs, double weight)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var applicable = inputs.PublishedResources > 0 || inputs.IssuesRaised > 0;
        var issuesPerResource = (double)inputs.IssuesRaised / Math.Max(1, inputs.PublishedResources);
        var density = 100 / (1 + issuesPerResource);
        var due = inputs.Corrected + (inputs.Disputed - inputs.DisputedOnTime) + inputs.OverdueOpen;
        double? share = due > 0 ? (double)inputs.CorrectedOnTime / due : null;
        double? score = !applicable ? null : share is { } s ? (0.5 * density) + (0.5 * 100 * s) : density;
        return new ContributionComponent<DataQualityInputs>(weight, applicable, RoundOrNull(score), new Dictionary<string, double?>
        {
            ["issuesPerResource"] = Round(issuesPerResource, 3),
            ["issueDensityScore"] = Round(density),
            ["correctedOnTimeShare"] = share is { } v ? Round(v, 3) : null,
        }, inputs);
    }

    /// <summary>
    /// Review timeliness: half the on-time rate (1 − overdue rate), half speed (1 − median working days / (2 × 5), at
    /// least 0; 0 when nothing was decided). Applies once a review was decided or marked overdue in the year.
    /// </summary>
    public static ContributionComponent<ReviewTimelinessInputs> Timeliness(ReviewTimelinessInputs inputs, double weight)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var applicable = inputs.Reviews > 0;
        double? overdueRate = applicable ? (double)inputs.OverdueOrLate / inputs.Reviews : null;
        var speed = inputs.MedianReviewWorkingDays is { } median ? Math.Clamp(1 - (median / (2.0 * ReviewWorkingDays)), 0, 1) : 0;
        double? score = overdueRate is { } rate ? 100 * ((0.5 * (1 - rate)) + (0.5 * speed)) : null;
        return new ContributionComponent<ReviewTimelinessInputs>(weight, applicable, RoundOrNull(score), new Dictionary<string, double?>
        {
            ["overdueRate"] = overdueRate is { } r ? Round(r, 3) : null,
            ["speedScore"] = applicable ? Round(100 * speed) : null,
        }, inputs);
    }

    /// <summary>Usage: the mean of x / (x + h) over scenarios (h 2), grants (h 2), products (h 1) and product calls (h 1000). Always applies.</summary>
    public static ContributionComponent<UsageInputs> Usage(UsageInputs inputs, double weight)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var scenarios = Saturate(inputs.Scenarios, ScenariosHalf);
        var grants = Saturate(inputs.Grants, GrantsHalf);
        var products = Saturate(inputs.Products, ProductsHalf);
        var calls = Saturate(inputs.ProductCalls, CallsHalf);
        var score = 100 * (scenarios + grants + products + calls) / 4;
        return new ContributionComponent<UsageInputs>(weight, true, Round(score), new Dictionary<string, double?>
        {
            ["scenariosScore"] = Round(100 * scenarios),
            ["grantsScore"] = Round(100 * grants),
            ["productsScore"] = Round(100 * products),
            ["productCallsScore"] = Round(100 * calls),
        }, inputs);
    }

    /// <summary>Counts the provider's tickets of the year; an unanswered ticket counts as overdue once its deadline timer has fired (compressed time honoured).</summary>
    public static DataQualityInputs CountQuality(IReadOnlyCollection<QualityIssue> issues, int publishedResources, DateTimeOffset nowUtc, TimeCompression compression)
    {
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(compression);
        int corrected = 0, correctedOnTime = 0, disputed = 0, disputedOnTime = 0, overdueOpen = 0, openNotDue = 0;
        foreach (var issue in issues)
        {
            if (issue.Resolution is { } resolution)
            {
                if (resolution.Outcome == QualityResolutionOutcome.Corrected)
                {
                    corrected++;
                    correctedOnTime += resolution.OnTime ? 1 : 0;
                }
                else
                {
                    disputed++;
                    disputedOnTime += resolution.OnTime ? 1 : 0;
                }
            }
            else if (issue.Overdue || nowUtc >= compression.TimerFireTime(issue.RaisedAt, issue.DueAt))
            {
                overdueOpen++;
            }
            else
            {
                openNotDue++;
            }
        }

        return new DataQualityInputs(publishedResources, issues.Count, corrected, correctedOnTime, disputed, disputedOnTime, overdueOpen, openNotDue);
    }

    /// <summary>
    /// Counts the provider's data-request reviews of the year. Review time is in working days from day 0 to the decision's
    /// legal date (a decision under compressed time is scaled back from the submission, docs/lifecycles.md). Reviews cancelled with
    /// their agreement before a decision or an overdue flag are left out.
    /// </summary>
    public static ReviewTimelinessInputs CountTimeliness(IReadOnlyCollection<ReviewTimeliness> reviews, WorkingDayCalendar calendar, DateTimeOffset nowUtc, TimeCompression compression)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(compression);
        var days = new List<int>();
        int counted = 0, overdueOrLate = 0, pendingNotDue = 0;
        foreach (var review in reviews)
        {
            if (review.DecidedAt is { } decidedAt)
            {
                counted++;
                overdueOrLate += review.Overdue || review.Late ? 1 : 0;
                var legalDecidedAt = new DateTimeOffset(compression.LegalTime(review.SubmittedAt.UtcDateTime, decidedAt.UtcDateTime), TimeSpan.Zero);
                days.Add(ReviewWorkingDaysTaken(review.SubmittedAt, legalDecidedAt, calendar));
            }
            else if (review.Overdue)
            {
                counted++;
                overdueOrLate++;
            }
            else if (!review.Cancelled && nowUtc < compression.TimerFireTime(review.SubmittedAt, review.DueAt))
            {
                pendingNotDue++;
            }
        }

        return new ReviewTimelinessInputs(counted, days.Count, overdueOrLate, Median(days), pendingNotDue);
    }

    /// <summary>Working days a review took: from day 0 (same rule as the deadline, 17:00 CST cut-off) to the decision's China date; 0 on day 0 itself.</summary>
    public static int ReviewWorkingDaysTaken(DateTimeOffset submittedAtUtc, DateTimeOffset decidedAtUtc, WorkingDayCalendar calendar)
    {
        var dayZero = ReviewDeadline.Compute(submittedAtUtc, 1, calendar).CountingStartsOn;
        var decidedOn = ChinaTime.LegalDate(decidedAtUtc);
        return decidedOn <= dayZero ? 0 : calendar.WorkingDaysBetween(dayZero, decidedOn).Count;
    }

    public static double? Median(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    private static double Saturate(double value, double half) => value <= 0 ? 0 : value / (value + half);

    private static double Round(double value, int digits = 1) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    private static double? RoundOrNull(double? value) => value is { } v ? Round(v) : null;
}
