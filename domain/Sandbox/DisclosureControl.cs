using System.Collections;
using System.Globalization;

namespace Platform.Domain.Sandbox;

/// <summary>
/// Statistical disclosure control of a <c>full</c> result, row by row as the engine streams it (domain/Sandbox/README.md, issue 14 items
/// 2–3; M4.4). Works only on the platform's companion columns (<see cref="ReleasePlan"/>), never on what the user's SQL
/// says about itself:
/// <list type="number">
/// <item>a row whose group has fewer than k distinct subjects is dropped;</item>
/// <item>an aggregate cell fed by fewer than k distinct subjects (2k for quantiles) is suppressed (primary);</item>
/// <item>a sum/avg/max/min cell whose n largest absolute contributions exceed p of the total is suppressed (dominance);</item>
/// <item>two cells of one family in a row whose subject counts differ by 1 to k−1 are both suppressed (differencing
///   within the result);</item>
/// <item>when a cell of a row is suppressed, every other cell of its family in that row (same function and argument
///   under another FILTER — for counts: every count) is suppressed too, so it cannot be rebuilt by differencing the row's
///   cells (secondary);</item>
/// <item>under a grant's noise (issue 14 item 5), every released aggregate cell carries calibrated Laplace noise;</item>
/// <item>released counts are rounded to the base.</item>
/// </list>
/// The outcome says how many rows and cells each rule took, never which nor their values. A statement cannot produce
/// totals (GROUPING SETS, ROLLUP and CUBE are refused), so no released figure is computed from unrounded cells.
/// </summary>
public sealed class DisclosureControl
{
    private readonly ReleasePlan plan;
    private readonly OutputCheckPolicy policy;
    private readonly int maxRows;
    private readonly bool[] suppressed;

    private readonly IReadOnlyDictionary<int, long>? multiplicity;

    private readonly INoiseSource noise;
    private readonly double?[] noiseScales;

    /// <param name="multiplicity">
    /// When the rows come from <see cref="ReleasePlan.CheapStatement"/>: per subject companion the most records of one
    /// subject; its count divided by this, rounded up, stands for the subjects (a lower bound, so never too many).
    /// </param>
    public DisclosureControl(ReleasePlan plan, OutputCheckPolicy policy, int maxRows, IReadOnlyDictionary<int, long>? multiplicity = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(policy);
        this.multiplicity = multiplicity;
        this.plan = plan;
        this.policy = policy;
        this.maxRows = maxRows;
        noise = policy.NoiseSource ?? CryptoNoiseSource.Instance;
        suppressed = new bool[plan.Items.Count];
        noiseScales = new double?[plan.Items.Count];
        if (policy.NoiseEpsilon is { } epsilon)
        {
            // Issue 14 item 5: each aggregate column's cells get noise of scale sensitivity ÷ (the job's ε ÷ aggregate columns).
            var perColumn = ReleaseNoise.EpsilonPerColumn(plan, epsilon);
            for (var i = 0; i < plan.Items.Count; i++)
            {
                if (plan.Items[i].IsAggregate)
                {
                    noiseScales[i] = (ReleaseNoise.Sensitivity(plan.Items[i], policy.MinRecordsPerRow)
                                      ?? throw new InvalidOperationException($"Column '{plan.Items[i].Name}' has no noise bound; ReleaseNoise.Refusals should have refused the statement.")) / perColumn;
                }
            }
        }
    }

    /// <summary>Issue 14 item 5: released cells that carry noise.</summary>
    public long NoisyCells { get; private set; }

    public long SuppressedRows { get; private set; }

    public long ReleasedRows { get; private set; }

    public long MinSubjectCells { get; private set; }

    public long DominanceCells { get; private set; }

    public long SecondaryCells { get; private set; }

    public long DifferencingCells { get; private set; }

    /// <summary>
    /// Issue 14 item 5: every released aggregate cell with the subjects behind it, keyed by its group (the row's dimension values)
    /// and its family without table aliases — what the per-grant cell fingerprints compare across results.
    /// </summary>
    public List<ReleasedCell> Cells { get; } = [];

    /// <summary>True once more rows passed than the cap allows: stop reading, the result is withheld.</summary>
    public bool CapExceeded => ReleasedRows > maxRows;

    /// <summary>
    /// The released cells of one row, or null when the row is dropped. <paramref name="values"/> holds the rewritten
    /// statement's values (SQL NULL as null); <paramref name="format"/> renders a user column's value as released text.
    /// </summary>
    public string?[]? Admit(IReadOnlyList<object?> values, Func<int, object?, string?> format)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(format);
        var k = policy.MinRecordsPerRow;
        if (Subjects(values, plan.GroupSubjectColumns) < k)
        {
            SuppressedRows++;
            return null;
        }

        var items = plan.Items;
        Array.Fill(suppressed, false);
        var families = new HashSet<string>(StringComparer.Ordinal);
        var subjects = new long[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!item.IsAggregate)
            {
                continue;
            }

            var needed = item.Kind == ReleaseItemKind.Quantile ? 2L * k : k;
            subjects[i] = Subjects(values, item.SubjectColumns);
            if (subjects[i] < needed)
            {
                // M4.4: fewer than k people stand behind this cell.
                suppressed[i] = true;
                MinSubjectCells++;
            }
            else if (item is { TopColumn: { } top, TotalColumn: { } total } && Dominated(values[top], values[total], top, item.TopRecords))
            {
                suppressed[i] = true;
                DominanceCells++;
            }

        }

        // Two released cells of one family whose subjects differ by fewer than k (but some) would give away the few
        // subjects in between (count(*) beside count(*) FILTER (WHERE age <> 47)): both are suppressed.
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                if (items[i].IsAggregate && items[j].IsAggregate && !suppressed[i] && !suppressed[j] && items[i].Family == items[j].Family
                    && Math.Abs(subjects[i] - subjects[j]) is > 0 and var gap && gap < k)
                {
                    suppressed[i] = suppressed[j] = true;
                    DifferencingCells += 2;
                }
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (suppressed[i] && items[i].Family is { } family)
            {
                families.Add(family);
            }
        }

        var row = new string?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!suppressed[i] && item.Family is { } family && families.Contains(family))
            {
                suppressed[i] = true;
                SecondaryCells++;
            }

            var released = values[i];
            if (!suppressed[i] && noiseScales[i] is { } scale && released is not null)
            {
                released = ReleaseNoise.Add(released, item, scale, noise);
                NoisyCells++;
            }

            row[i] = suppressed[i]
                ? null
                : item.Kind == ReleaseItemKind.Count && released is not null
                    ? format(i, Round(Convert.ToInt64(released, CultureInfo.InvariantCulture), policy.RoundingBase))
                    : format(i, released);
        }

        var group = string.Join('\u001F', Enumerable.Range(0, items.Count).Where(i => items[i].Kind == ReleaseItemKind.Dimension)
            .Select(i => row[i] ?? "\u0000").Order(StringComparer.Ordinal));
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].IsAggregate && !suppressed[i] && items[i].Family is { } cellFamily)
            {
                Cells.Add(new ReleasedCell(group, WithoutAlias(cellFamily), subjects[i]));
            }
        }

        ReleasedRows++;
        return row;
    }

    public OutputCheckOutcome Complete()
    {
        var k = policy.MinRecordsPerRow;
        var minRule = new OutputRuleResult(
            OutputRules.MinRecords,
            OutputRuleStatus.Passed,
            SuppressedRows == 0 && MinSubjectCells == 0
                ? []
                : [$"{SuppressedRows} row(s) and {MinSubjectCells} cell(s) backed by fewer than {k} distinct subjects ({2 * k} for quantiles) were suppressed."]);
        var dominance = new OutputRuleResult(OutputRules.Dominance, OutputRuleStatus.Passed,
            DominanceCells == 0 ? [] : [$"{DominanceCells} cell(s) where the {policy.DominanceContributors} largest contributors held more than {policy.DominanceShare:P0} were suppressed."]);
        var secondary = new OutputRuleResult(OutputRules.SecondarySuppression, OutputRuleStatus.Passed,
            SecondaryCells == 0 ? [] : [$"{SecondaryCells} cell(s) were suppressed so that suppressed cells cannot be recovered from their row."]);
        var differencing = new OutputRuleResult(OutputRules.Differencing, OutputRuleStatus.Passed,
            DifferencingCells == 0 ? [] : [$"{DifferencingCells} cell(s) whose subjects differed from another cell of their row by fewer than {k} were suppressed."]);
        var rounding = new OutputRuleResult(OutputRules.Rounding, OutputRuleStatus.Passed,
            policy.RoundingBase <= 1 ? [] : [$"Counts are rounded to a multiple of {policy.RoundingBase}."]);
        var cap = CapExceeded
            ? new OutputRuleResult(OutputRules.TooManyRows, OutputRuleStatus.Failed, [$"More than {maxRows} rows would be released."])
            : new OutputRuleResult(OutputRules.TooManyRows, OutputRuleStatus.Passed, []);
        OutputRuleResult[] noiseRule = policy.NoiseEpsilon is { } epsilon
            ? [new OutputRuleResult(OutputRules.Noise, OutputRuleStatus.Passed,
                [$"Laplace noise for ε = {epsilon.ToString("0.###", CultureInfo.InvariantCulture)} ({ReleaseNoise.EpsilonPerColumn(plan, epsilon).ToString("0.###", CultureInfo.InvariantCulture)} per aggregate column) was added to {NoisyCells} released cell(s), scaled to the most one subject can change each; sums and averages are rounded to the noise's scale."])]
            : [];
        return new OutputCheckOutcome(!CapExceeded, k, SuppressedRows, CapExceeded ? 0 : ReleasedRows, [.. StaticRulesPassed, minRule, dominance, differencing, secondary, rounding, .. noiseRule, cap])
        {
            NoiseEpsilon = policy.NoiseEpsilon,
            SuppressedCells = new Dictionary<string, long>
            {
                [OutputRules.MinRecords] = MinSubjectCells,
                [OutputRules.Dominance] = DominanceCells,
                [OutputRules.Differencing] = DifferencingCells,
                [OutputRules.SecondarySuppression] = SecondaryCells,
            },
            RoundingBase = policy.RoundingBase,
        };
    }

    /// <summary>The outcome of a statement refused before it ran.</summary>
    public static OutputCheckOutcome Refused(IReadOnlyList<ReleaseRefusal> refusals, OutputCheckPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(refusals);
        ArgumentNullException.ThrowIfNull(policy);
        var failed = refusals.GroupBy(r => r.Rule).ToDictionary(g => g.Key, g => g.Select(r => r.Reason).ToArray());
        var rules = StaticRuleNames.Select(rule => failed.TryGetValue(rule, out var reasons)
                ? new OutputRuleResult(rule, OutputRuleStatus.Failed, reasons)
                : new OutputRuleResult(rule, OutputRuleStatus.NotEvaluated, []))
            .Concat(new[] { OutputRules.MinRecords, OutputRules.Dominance, OutputRules.Differencing, OutputRules.SecondarySuppression, OutputRules.Rounding }
                .Select(rule => new OutputRuleResult(rule, OutputRuleStatus.NotEvaluated, [])))
            .Concat(policy.NoiseEpsilon is null ? [] : [failed.TryGetValue(OutputRules.Noise, out var uncalibrated)
                ? new OutputRuleResult(OutputRules.Noise, OutputRuleStatus.Failed, uncalibrated)
                : new OutputRuleResult(OutputRules.Noise, OutputRuleStatus.NotEvaluated, [])])
            .Append(new OutputRuleResult(OutputRules.TooManyRows, OutputRuleStatus.NotEvaluated, []))
            .ToList();
        return new OutputCheckOutcome(false, policy.MinRecordsPerRow, 0, 0, rules) { RoundingBase = policy.RoundingBase, NoiseEpsilon = policy.NoiseEpsilon };
    }

    /// <summary><c>Sum:x.income</c> → <c>Sum:income</c>: an alias must not make one cell look like another.</summary>
    private static string WithoutAlias(string family)
    {
        var colon = family.IndexOf(':', StringComparison.Ordinal);
        var dot = family.LastIndexOf('.');
        return colon >= 0 && dot > colon ? family[..(colon + 1)] + family[(dot + 1)..] : family;
    }

    /// <summary>Rounds to the nearest multiple of <paramref name="roundingBase"/>, halves away from zero.</summary>
    public static long Round(long value, int roundingBase) =>
        roundingBase <= 1 ? value : (long)Math.Round(value / (double)roundingBase, MidpointRounding.AwayFromZero) * roundingBase;

    private static readonly string[] StaticRuleNames =
        [OutputRules.UnsupportedQuery, OutputRules.NotAggregate, OutputRules.PersonalFieldUnaggregated, OutputRules.ColumnPolicy];

    private static IEnumerable<OutputRuleResult> StaticRulesPassed =>
        StaticRuleNames.Select(rule => new OutputRuleResult(rule, OutputRuleStatus.Passed, []));

    /// <summary>
    /// M5.1: whether the cell's n largest contributors hold more than p of its total. <paramref name="top"/> lists the cell's
    /// largest record contributions (at most <see cref="ReleaseAnalysis.MaxTopRecords"/>); the n largest subjects hold at most
    /// the <paramref name="topRecords"/> largest records, and records beyond the list are each at most its smallest.
    /// </summary>
    private bool Dominated(object? top, object? total, int topColumn, int topRecords)
    {
        var sum = Convert.ToDouble(total ?? 0d, CultureInfo.InvariantCulture);
        if (top is null && plan.TopBounds.TryGetValue(topColumn, out var bound))
        {
            // The cheap statement left the top-n out: within p of the total the bound settles it; past it the exact statement
            // decides (AreDecidedByBounds), and a cell that still gets here is suppressed rather than guessed at.
            return sum > 0 && bound > policy.DominanceShare * sum;
        }

        if (sum <= 0 || top is not IEnumerable list)
        {
            return false;
        }

        var largest = 0d;
        var kept = 0;
        var smallest = 0d;
        foreach (var value in list)
        {
            smallest = value is null ? 0 : Convert.ToDouble(value, CultureInfo.InvariantCulture);
            largest += smallest;
            kept++;
        }

        // A full list may leave records out; each of them is at most the smallest kept (the list is in descending order).
        if (kept >= ReleaseAnalysis.MaxTopRecords && topRecords > kept)
        {
            largest += (topRecords - kept) * smallest;
        }

        return largest > policy.DominanceShare * sum;
    }

    /// <summary>
    /// Whether the rows of the cheap statement can be judged as they are: every bound that falls short of what a cell needs is
    /// short because the records themselves are too few. Otherwise the exact statement must run. What depends on the plan
    /// alone is worked out once for all the rows.
    /// </summary>
    public static bool AreDecidedByBounds(ReleasePlan plan, IEnumerable<IReadOnlyList<object?>> rows, IReadOnlyDictionary<int, long> multiplicity, int k, double dominanceShare = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(multiplicity);
        if (plan.CheapIsExact)
        {
            return true;
        }

        // Differencing compares subject counts of cells; bounds do not give exact differences.
        var bounded = plan.Items.SelectMany(item => item.SubjectColumns).Any(column => multiplicity.TryGetValue(column, out var m) && m > 1);
        if (bounded && plan.Items.Where(item => item.IsAggregate).GroupBy(item => item.Family).Any(family => family.Count() > 1))
        {
            return false;
        }

        var aggregates = plan.Items.Where(item => item.IsAggregate).ToArray();
        foreach (var values in rows)
        {
            if (!Decided(values, plan.GroupSubjectColumns, k, multiplicity))
            {
                return false;
            }

            foreach (var item in aggregates)
            {
                if (!Decided(values, item.SubjectColumns, item.Kind == ReleaseItemKind.Quantile ? 2L * k : k, multiplicity) || !TopSettled(plan, item, values, dominanceShare))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool Decided(IReadOnlyList<object?> values, IReadOnlyList<int> columns, long needed, IReadOnlyDictionary<int, long> multiplicity) =>
        Subjects(values, columns, multiplicity) >= needed || Subjects(values, columns, null) < needed;

    /// <summary>A bounded top settles dominance only when the bound is within p of the cell's total.</summary>
    private static bool TopSettled(ReleasePlan plan, ReleaseItem item, IReadOnlyList<object?> values, double dominanceShare) =>
        item is not { TopColumn: { } top, TotalColumn: { } total } || !plan.TopBounds.TryGetValue(top, out var bound)
        || bound <= dominanceShare * Convert.ToDouble(values[total] ?? 0d, CultureInfo.InvariantCulture);

    private long Subjects(IReadOnlyList<object?> values, IReadOnlyList<int> columns) => Subjects(values, columns, multiplicity);

    private static long Subjects(IReadOnlyList<object?> values, IReadOnlyList<int> columns, IReadOnlyDictionary<int, long>? multiplicity)
    {
        var least = long.MaxValue;
        foreach (var column in columns)
        {
            var count = values[column] is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
            var per = multiplicity is not null && multiplicity.TryGetValue(column, out var m) ? Math.Max(1, m) : 1;
            least = Math.Min(least, (count + per - 1) / per);
        }

        return columns.Count == 0 ? 0 : least;
    }
}
