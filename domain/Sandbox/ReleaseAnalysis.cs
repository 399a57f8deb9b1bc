using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Domain.Catalog;

using Platform.Domain.Grants;

namespace Platform.Domain.Sandbox;

/// <summary>What a released cell is, which decides how the disclosure controls treat it.</summary>
public enum ReleaseItemKind
{
    /// <summary>A group key: a dimension column, covered by the row's subject count.</summary>
    Dimension,

    /// <summary>A literal the user wrote; carries no data.</summary>
    Constant,

    /// <summary>count(*), count(x), count(DISTINCT x): rounded to the base.</summary>
    Count,

    /// <summary>sum or avg of a measure: the dominance rule applies.</summary>
    Sum,

    /// <summary>max or min of a measure: the dominance rule applies.</summary>
    Extreme,

    /// <summary>stddev / variance of a measure.</summary>
    Spread,

    /// <summary>A quantile or median of a measure: needs 2k subjects.</summary>
    Quantile,
}

/// <summary>One output column of the user's statement and the companion columns the platform added for it.</summary>
/// <param name="SubjectColumns">Companion columns (ordinals in the rewritten statement) counting distinct subjects per counted table; the cell's count is their minimum.</param>
/// <param name="TopColumn">Companion holding the list of the n largest absolute contributions (dominance), or null.</param>
/// <param name="TotalColumn">Companion holding the sum of absolute contributions (dominance), or null.</param>
/// <param name="Family">Cells of one row in the same family can be differenced (same function and argument, other FILTER): secondary suppression works per family.</param>
public sealed record ReleaseItem(string Name, ReleaseItemKind Kind, IReadOnlyList<int> SubjectColumns, int? TopColumn, int? TotalColumn, string? Family)
{
    public bool IsAggregate => Kind is not (ReleaseItemKind.Dimension or ReleaseItemKind.Constant);

    /// <summary>
    /// M5.1 dominance counts contributors (subjects), not records: the n largest subjects of a cell hold at most the
    /// <see cref="TopRecords"/> = n × (most records of one subject) largest records. The top companion keeps at most
    /// <see cref="ReleaseAnalysis.MaxTopRecords"/> of them; any further ones are each at most the smallest kept.
    /// </summary>
    public int TopRecords { get; init; }

    /// <summary>
    /// Issue 14 item 5 (noise): the most one subject can move this cell's aggregate — for a count the most records of one
    /// subject, for a sum or an average's sum that times the column's largest magnitude in the copy. Null where no bound is
    /// known (a join, an expression, min/max, spreads, quantiles): such a cell cannot carry calibrated noise.
    /// </summary>
    public double? ContributionBound { get; init; }

    /// <summary>An average (avg/mean): its noise is scaled to a cell of at least k subjects.</summary>
    public bool Averaged { get; init; }
}

/// <summary>A statement that may run: the rewritten parse tree and how to read its rows.</summary>
/// <param name="Statement">The user's parse tree with the companion aggregates appended (for <c>json_deserialize_sql</c>).</param>
/// <param name="Items">The user's output columns, in order (ordinals 0..Items.Count-1 of the rewritten statement).</param>
/// <param name="GroupSubjectColumns">Companions counting the distinct subjects behind the whole row (its group after WHERE).</param>
/// <param name="ColumnCount">Columns of the rewritten statement.</param>
public sealed record ReleasePlan(string Statement, IReadOnlyList<ReleaseItem> Items, IReadOnlyList<int> GroupSubjectColumns, int ColumnCount)
{
    /// <summary>
    /// A cheaper form of <see cref="Statement"/> (same columns) whose subject companions count records with a subject key
    /// instead of distinct keys; null when there is none. A column's count divided by its <see cref="Multiplicity"/> (the
    /// most records one subject has in the table, known from provisioning), rounded up, is a lower bound of its subjects;
    /// with multiplicity 1 it is exact.
    /// </summary>
    public string? CheapStatement { get; init; }

    /// <summary>For each subject companion of <see cref="CheapStatement"/>, the most records of one subject (≥ 1).</summary>
    public IReadOnlyDictionary<int, long> Multiplicity { get; init; } = new Dictionary<int, long>();

    /// <summary>
    /// Top companions (ordinals) that <see cref="CheapStatement"/> leaves out (a null in their place), each with a bound of the
    /// n largest absolute contributions: n × the column's largest absolute value in the copy. A cell whose bound is within p
    /// of its total is not dominated; otherwise the exact statement decides.
    /// </summary>
    public IReadOnlyDictionary<int, double> TopBounds { get; init; } = new Dictionary<int, double>();

    /// <summary>
    /// With <see cref="CheapStatement"/>: its subject companions count the cell's records, and this statement, over the copy's
    /// tail alone (the records whose subject index is not 0), gives what turns them into exact subject counts. Null when the
    /// cheap statement's counts need no correction.
    /// </summary>
    public SubjectTailPlan? SubjectTail { get; init; }

    /// <summary>
    /// With a tail (<see cref="SubjectTail"/>, or none when the copy's tail is empty) and <see cref="TopBounds"/>: <see cref="Statement"/>
    /// with every companion (the top-n included) but its subject companions counting records, turned into exact subject counts by
    /// the tail's rows. What runs
    /// when the bounds of <see cref="CheapStatement"/> do not decide, before the distinct counts of <see cref="Statement"/>.
    /// </summary>
    public string? TailCountedStatement { get; init; }

    /// <summary>True when the cheap statement's counts are exact subject counts and it computes every companion: the exact statement never needs to run.</summary>
    public bool CheapIsExact => CheapStatement is not null && Multiplicity.Values.All(m => m == 1) && TopBounds.Count == 0;

    /// <summary>
    /// The granted fields the user's statement uses, per table name (every column reference resolved, companions of the
    /// platform not included): what a product built on the result derives its risk flags from (M4.5.1).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> UsedFields { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// The granted fields the platform's companions read besides <see cref="UsedFields"/> (the subject keys), per table name:
    /// with <see cref="UsedFields"/>, every column the rewritten statement can touch, so the engine loads only these (issue 18).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> CompanionFields { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The granted fields <see cref="Statement"/> and <see cref="CheapStatement"/> may read from table <paramref name="table"/>.</summary>
    public IReadOnlyList<string> FieldsRead(string table) =>
        [.. (UsedFields.GetValueOrDefault(table) ?? []).Concat(CompanionFields.GetValueOrDefault(table) ?? []).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The statement has an ORDER BY: its rows' order is the user's, not the platform's to choose.</summary>
    public bool Ordered { get; init; }
}

/// <summary>
/// Issue 14, Measure (M5.1): the exact subject counts of a cell over a subject-indexed copy without a distinct count over
/// every record. A cell's subjects are its records, less its records whose subject index is not 0, plus the distinct
/// positive indexes among those; the latter two come from <see cref="Statement"/>, which reads only the copy's tail (where
/// provisioning stored those records), one row per group of the user's statement.
/// </summary>
/// <param name="Statement">The user's statement over the tail: the same groups, the user's aggregates replaced by NULL, the tail's companions appended.</param>
/// <param name="KeyColumns">Ordinals of the dimensions that tell the groups apart (every grouped column is shown), in both statements.</param>
/// <param name="Corrections">Per subject companion of the cheap statement: the tail statement's ordinals of its records and of its distinct subjects.</param>
public sealed record SubjectTailPlan(string Statement, IReadOnlyList<int> KeyColumns, IReadOnlyDictionary<int, SubjectTailColumns> Corrections)
{
    /// <summary>
    /// Set when <see cref="Statement"/> is not grouped but gives one row per tail record that the user's WHERE keeps (a small
    /// tail of one table): the engine counts each cell's records and distinct positive indexes itself, without the engine's
    /// hash aggregate and distinct count, which cost more than reading a few rows (issue 14, Measure). <see cref="Corrections"/>
    /// is then empty.
    /// </summary>
    public SubjectTailRecords? Records { get; init; }
}

/// <summary>Ordinals, in <see cref="SubjectTailPlan.Statement"/>, of a cell's tail records and of the distinct subjects among them.</summary>
public sealed record SubjectTailColumns(int Records, int Subjects);

/// <summary>
/// How to read a tail statement of one row per record: the ordinal of the record's subject index, and per subject companion of
/// the cheap statement the ordinal of the condition under which the record feeds its cell (null: every record of its row
/// does). A record feeds the cell when the condition is true (a FILTER's meaning: null is false).
/// </summary>
public sealed record SubjectTailRecords(int IndexColumn, IReadOnlyDictionary<int, int?> Feeds);

/// <summary>Why a statement is refused before it runs: the rule, the column or construct concerned, and a sentence.</summary>
public sealed record ReleaseRefusal(string Rule, string Subject, string Reason);

/// <summary>The analysis' verdict: exactly one of <see cref="Plan"/> and <see cref="Refusals"/>.</summary>
public sealed record ReleaseAnalysisResult(ReleasePlan? Plan, IReadOnlyList<ReleaseRefusal> Refusals)
{
    public bool CanRun => Plan is not null;
}

/// <summary>
/// The release analysis of a <c>full</c> statement (domain/Sandbox/README.md, issue 14 items 1–2; M4.4 "data usable but not visible"):
/// it works on the engine's own parse tree (<c>json_serialize_sql</c>), resolves every column use to the granted column
/// it stands for, and admits only a grammar whose cells it can reason about:
/// <code>
/// SELECT (dimension | constant | aggregate) [AS name], …
/// FROM granted table [alias] [ [INNER|LEFT|RIGHT|FULL] JOIN granted table [alias] ON key = key [AND …] | CROSS JOIN … ]
/// [WHERE predicate] [GROUP BY dimension | ordinal, … | GROUP BY ALL] [ORDER BY dimension | ordinal | dimension alias, …]
/// aggregate := count(*) | count([DISTINCT] dimension | measure) | count(DISTINCT identifier)
///             | sum|avg|mean|min|max|stddev|stddev_samp|stddev_pop|variance|var_samp|var_pop(measure)
///             | quantile_cont|quantile_disc|quantile(measure, constant) | median(measure)   [FILTER (WHERE predicate)]
/// predicate := predicate AND|OR predicate | NOT predicate | column op constant | column [NOT] IN (constants)
///             | column BETWEEN constant AND constant | column IS [NOT] NULL | dimension [NOT] LIKE|ILIKE constant
/// </code>
/// where a column in a predicate is a dimension or a measure, never an identifier. Anything else — every other node
/// kind, function, set operation, CTE, subquery, window, star, COLUMNS, HAVING, QUALIFY, LIMIT, DISTINCT, lateral or
/// positional join, struct access, a name that does not resolve to exactly one granted column — is refused, naming
/// the column or construct and the rule. A list of "bad" function names is not the control: only what is listed
/// above runs.
/// <para>
/// For each aggregate cell the platform appends companions to the statement it runs: <c>count(DISTINCT subject)</c>
/// per counted table, under the same FILTER and only over records where the aggregate's argument is not null (the
/// records that actually feed the cell), plus the n largest and the total absolute contribution for the dominance
/// rule. One companion counts the subjects of the whole row. Identical companions are computed once.
/// </para>
/// </summary>
public static class ReleaseAnalysis
{
    /// <summary>Prefix of the companion columns' names; never released (a user column cannot start with it).</summary>
    public const string CompanionPrefix = "__sdc_";

    /// <summary>
    /// The most records without a unique subject (the copy's tail) for which the checks count subjects apart: one row group,
    /// so reading the tail costs little beside the user's statement. Above it, one statement counts distinct indexes per cell.
    /// </summary>
    public const long SubjectTailMaxRecords = 122_880;

    /// <summary>
    /// The most records of a one-table tail that the tail statement returns one by one for the engine to count (cheaper
    /// than the engine's grouping and distinct count for so few); above it the tail statement is grouped.
    /// </summary>
    public const long SubjectTailRowsMaxRecords = 2_048;

    /// <summary>The most contributions a dominance companion keeps per cell (n × the most records of one subject, capped).</summary>
    public const int MaxTopRecords = 64;

    private static readonly JsonSerializerOptions SpliceOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<string, ReleaseItemKind> MeasureAggregates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sum"] = ReleaseItemKind.Sum,
        ["avg"] = ReleaseItemKind.Sum,
        ["mean"] = ReleaseItemKind.Sum,
        ["min"] = ReleaseItemKind.Extreme,
        ["max"] = ReleaseItemKind.Extreme,
        ["stddev"] = ReleaseItemKind.Spread,
        ["stddev_samp"] = ReleaseItemKind.Spread,
        ["stddev_pop"] = ReleaseItemKind.Spread,
        ["variance"] = ReleaseItemKind.Spread,
        ["var_samp"] = ReleaseItemKind.Spread,
        ["var_pop"] = ReleaseItemKind.Spread,
        ["quantile_cont"] = ReleaseItemKind.Quantile,
        ["quantile_disc"] = ReleaseItemKind.Quantile,
        ["quantile"] = ReleaseItemKind.Quantile,
        ["median"] = ReleaseItemKind.Quantile,
    };

    private static readonly HashSet<string> Comparisons = new(StringComparer.Ordinal)
    {
        "COMPARE_EQUAL", "COMPARE_NOTEQUAL", "COMPARE_LESSTHAN", "COMPARE_GREATERTHAN", "COMPARE_LESSTHANOREQUALTO",
        "COMPARE_GREATERTHANOREQUALTO", "COMPARE_DISTINCT_FROM", "COMPARE_NOT_DISTINCT_FROM",
    };

    private static readonly HashSet<string> LikeOperators = new(StringComparer.Ordinal) { "~~", "!~~", "~~*", "!~~*" };

    /// <param name="serialized">The whole <c>json_serialize_sql</c> document of the statement (one SELECT, as the gate admitted it).</param>
    /// <param name="tables">The grant's tables, with their fields, column policies and subject keys.</param>
    /// <param name="dominanceContributors">n of the dominance rule: how many largest contributions a companion keeps.</param>
    public static ReleaseAnalysisResult Analyse(string serialized, IReadOnlyList<SandboxTable> tables, int dominanceContributors)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        ArgumentNullException.ThrowIfNull(tables);
        var root = JsonNode.Parse(serialized, documentOptions: new JsonDocumentOptions { MaxDepth = 4096 })
            ?? throw new ArgumentException("Empty parse tree.", nameof(serialized));
        var node = root["statements"]?[0]?["node"] as JsonObject ?? throw new ArgumentException("Not a serialized statement.", nameof(serialized));
        // Source positions make equal expressions differ; the engine does not need them to write the statement back.
        RemoveLocations(node);

        var analysis = new Analysis(tables, Math.Max(1, dominanceContributors));
        try
        {
            var plan = analysis.Run(node) with
            {
                UsedFields = analysis.Used.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value.ToList(), StringComparer.Ordinal),
                CompanionFields = analysis.CompanionReads.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value.ToList(), StringComparer.Ordinal),
                Ordered = analysis.Ordered,
            };
            var tailed = analysis.CountsSubjectsThroughTail;
            if (analysis.CheapCompanions.Count == 0 && analysis.TopBounds.Count == 0 && !tailed)
            {
                return new ReleaseAnalysisResult(plan with { Statement = root.ToJsonString(SpliceOptions) }, []);
            }

            // The cheap form: the same statement with the subject companions counting records (not DISTINCT), and without the
            // top-n aggregates whose bound from the copy's statistics usually settles the dominance rule.
            var selectList = (JsonArray)node["select_list"]!;
            var forms = SelectSplice.Split(root, node, selectList);
            var exact = forms.Write();
            foreach (var ordinal in analysis.CheapCompanions.Keys)
            {
                selectList[ordinal]!["distinct"] = false;
                forms.Rewrite(ordinal);
            }

            string? tailCounted = null;
            if (tailed)
            {
                foreach (var (ordinal, feeding) in analysis.IndexedCompanions)
                {
                    var records = AggregateNode("count_star", [], feeding, false);
                    records["alias"] = selectList[ordinal]!["alias"]!.GetValue<string>();
                    selectList[ordinal] = records;
                    forms.Rewrite(ordinal);
                }

                // Every companion of the exact statement, subjects counted through the tail: where the bounds do not decide.
                tailCounted = analysis.TopBounds.Count > 0 ? forms.Write() : null;
            }

            foreach (var ordinal in analysis.TopBounds.Keys)
            {
                selectList[ordinal] = NullConstant($"{CompanionPrefix}t{ordinal}");
                forms.Rewrite(ordinal);
            }

            var cheap = forms.Write();

            // The tail statement is cut from the same tree, last: it keeps only the user's columns (which the cheap form leaves
            // as they are) and rewrites the clauses the strings above have already captured; no second parse of the statement.
            return new ReleaseAnalysisResult(plan with
            {
                Statement = exact, CheapStatement = cheap, Multiplicity = analysis.CheapCompanions, TopBounds = analysis.TopBounds,
                SubjectTail = tailed && !analysis.TailIsEmpty ? analysis.SubjectTail(root) : null,
                TailCountedStatement = tailCounted,
            }, []);
        }
        catch (RefusedException refused)
        {
            return new ReleaseAnalysisResult(null, [refused.Refusal]);
        }
    }

    /// <summary>
    /// The forms of one statement (exact, tail-counted, cheap) differ only in some select items: the document is written once
    /// around its select list and each item once, and a form is those texts joined (what writing the whole tree gives).
    /// </summary>
    private sealed class SelectSplice
    {
        // Only a SELECT node has a select list, and a statement the analysis admits has one SELECT; inside a string the quotes
        // are escaped, so the text cannot occur there. Should it occur twice, every form is written whole.
        private const string Placeholder = "\"select_list\":[]";

        private readonly JsonNode root;
        private readonly JsonArray selectList;
        private readonly string? head;
        private readonly string? rest;
        private readonly string[] items;

        private SelectSplice(JsonNode root, JsonArray selectList, string? head, string? rest)
        {
            this.root = root;
            this.selectList = selectList;
            this.head = head;
            this.rest = rest;
            items = new string[head is null ? 0 : selectList.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = selectList[i]!.ToJsonString(SpliceOptions);
            }
        }

        public static SelectSplice Split(JsonNode root, JsonObject node, JsonArray selectList)
        {
            node["select_list"] = new JsonArray();
            var shell = root.ToJsonString(SpliceOptions);
            node["select_list"] = selectList;
            var at = shell.IndexOf(Placeholder, StringComparison.Ordinal);
            return at < 0 || shell.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) >= 0
                ? new SelectSplice(root, selectList, null, null)
                : new SelectSplice(root, selectList, shell[..(at + Placeholder.Length - 1)], shell[(at + Placeholder.Length - 1)..]);
        }

        /// <summary>Takes the select item at <paramref name="ordinal"/> as it now is.</summary>
        public void Rewrite(int ordinal)
        {
            if (head is not null)
            {
                items[ordinal] = selectList[ordinal]!.ToJsonString(SpliceOptions);
            }
        }

        public string Write() => head is null ? root.ToJsonString(SpliceOptions) : string.Concat(head, string.Join(',', items), rest);
    }

    private sealed class RefusedException(ReleaseRefusal refusal) : Exception(refusal.Reason)
    {
        public ReleaseRefusal Refusal { get; } = refusal;
    }

    private sealed record Bound(string Alias, SandboxTable Table, FieldDefinition Field, ColumnPolicy Policy)
    {
        public string Display => $"{Alias}.{Field.Name}";
    }

    private sealed record SelectEntry(string Name, ReleaseItemKind Kind, Bound? Column);

    private sealed class Analysis(IReadOnlyList<SandboxTable> tables, int dominanceContributors)
    {
        private readonly Dictionary<string, SandboxTable> scope = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<SelectEntry> entries = [];
        private readonly Dictionary<string, int> companions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> subjectCompanions = new(StringComparer.Ordinal);
        private JsonArray selectList = [];

        /// <summary>Every granted column a reference of the user's statement resolved to, per table name.</summary>
        public SortedDictionary<string, SortedSet<string>> Used { get; } = new(StringComparer.Ordinal);

        /// <summary>Granted columns only the platform's companions read (subject keys), per table name.</summary>
        public SortedDictionary<string, SortedSet<string>> CompanionReads { get; } = new(StringComparer.Ordinal);

        public bool Ordered { get; private set; }

        /// <summary>Subject companions that may count records instead of distinct keys, with the table's multiplicity.</summary>
        public Dictionary<int, long> CheapCompanions { get; } = [];

        /// <summary>Top companions the cheap statement leaves out, with the bound of their n largest contributions.</summary>
        public Dictionary<int, double> TopBounds { get; } = [];

        /// <summary>Subject companions over the subject index, with the filter of the records that feed their cell.</summary>
        public Dictionary<int, JsonObject?> IndexedCompanions { get; } = [];

        /// <summary>Every column the statement groups by is shown in its output, so the output's dimensions tell its rows apart.</summary>
        private bool groupsShown = true;

        private string? indexedAlias;

        public ReleasePlan Run(JsonObject node)
        {
            if (Str(node, "type") != "SELECT_NODE")
            {
                Refuse(OutputRules.UnsupportedQuery, "statement", "UNION, INTERSECT and EXCEPT are not supported in full mode: run each part as its own job.");
            }

            if (node["cte_map"]?["map"] is JsonArray { Count: > 0 })
            {
                Refuse(OutputRules.UnsupportedQuery, "WITH", "WITH (common table expressions) is not supported in full mode: query the granted tables directly.");
            }

            foreach (var (property, what) in new[] { ("having", "HAVING"), ("qualify", "QUALIFY"), ("sample", "USING SAMPLE") })
            {
                if (node[property] is not null)
                {
                    Refuse(OutputRules.UnsupportedQuery, what, $"{what} is not supported in full mode: a filter on aggregates would answer questions about suppressed cells.");
                }
            }

            foreach (var modifier in Array(node, "modifiers"))
            {
                var type = Str(modifier, "type");
                if (type != "ORDER_MODIFIER")
                {
                    var what = type switch { "LIMIT_MODIFIER" or "LIMIT_PERCENT_MODIFIER" => "LIMIT/OFFSET", "DISTINCT_MODIFIER" => "DISTINCT", _ => type ?? "modifier" };
                    Refuse(OutputRules.UnsupportedQuery, what, $"{what} is not supported in full mode: the platform decides which rows are released.");
                }
            }

            if (node["from_table"] is not JsonObject from || Str(from, "type") == "EMPTY")
            {
                Refuse(OutputRules.UnsupportedQuery, "FROM", "A full-mode query must read from a granted table.");
                return null!;
            }

            CollectFrom(from);
            selectList = node["select_list"] as JsonArray ?? [];
            var index = 0;
            foreach (var item in selectList)
            {
                index++;
                entries.Add(SelectItem(item as JsonObject ?? throw new ArgumentException("Malformed select list."), index));
            }

            var handling = Str(node, "aggregate_handling");
            if (handling is not ("STANDARD_HANDLING" or "FORCE_AGGREGATES"))
            {
                Refuse(OutputRules.UnsupportedQuery, "GROUP BY", $"Aggregate handling '{handling}' is not supported in full mode.");
            }

            var groups = Array(node, "group_expressions").ToList();
            if (node["group_sets"] is JsonArray { Count: > 1 })
            {
                Refuse(OutputRules.UnsupportedQuery, "GROUP BY", "GROUPING SETS, ROLLUP and CUBE are not supported in full mode: totals would be computed from unrounded, unsuppressed cells.");
            }

            foreach (var group in groups)
            {
                GroupOrOrder(group, "GROUP BY");
            }

            foreach (var modifier in Array(node, "modifiers"))
            {
                foreach (var order in Array(modifier, "orders"))
                {
                    Ordered = true;
                    GroupOrOrder(order["expression"] as JsonObject, "ORDER BY");
                }
            }

            if (node["where_clause"] is JsonObject where)
            {
                Predicate(where, "WHERE");
            }

            var aggregated = groups.Count > 0 || handling == "FORCE_AGGREGATES" || entries.Any(e => e.Kind is not (ReleaseItemKind.Dimension or ReleaseItemKind.Constant));
            if (!aggregated)
            {
                Refuse(OutputRules.NotAggregate, "statement", "Full mode releases aggregate rows only: use GROUP BY or aggregate the whole table (count, sum, avg, ...).");
            }

            return Rewrite(node);
        }

        private ReleasePlan Rewrite(JsonObject node)
        {
            var counted = CountedAliases();
            var groupColumns = counted.Select(alias => SubjectCompanion(alias, null, "g")).ToList();
            var items = new List<ReleaseItem>();
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (entry.Kind is ReleaseItemKind.Dimension or ReleaseItemKind.Constant)
                {
                    items.Add(new ReleaseItem(entry.Name, entry.Kind, [], null, null, null));
                    continue;
                }

                var function = (JsonObject)selectList[i]!;
                var filter = function["filter"] as JsonObject;
                var argument = function["children"] is JsonArray { Count: > 0 } children ? children[0] as JsonObject : null;
                var feeding = And(filter, argument is null || IsNullFree(argument) ? null : IsNotNull(argument));
                var subjects = counted.Select(alias => SubjectCompanion(alias, feeding, "s")).ToList();
                int? top = null, total = null;
                var topRecords = 0;
                if (entry.Kind is ReleaseItemKind.Sum or ReleaseItemKind.Extreme && argument is not null)
                {
                    var magnitude = Function("abs", [Cast(argument.DeepClone(), "DOUBLE")]);
                    var perContributor = RecordsPerContributor();
                    topRecords = (int)Math.Min(int.MaxValue, dominanceContributors * perContributor);
                    top = Companion(AggregateNode("max", [magnitude.DeepClone(), IntegerConstant((int)Math.Min(topRecords, MaxTopRecords))], filter, false), "t");
                    total = Companion(PlainTotal(Str(function, "function_name") ?? string.Empty, argument, filter) ?? AggregateNode("sum", [magnitude], filter, false), "m");
                    if (LargestMagnitude(argument) is { } largest)
                    {
                        // M5.1 dominance: the n largest contributors of a cell hold at most n × (most records of one subject) ×
                        // the column's largest magnitude.
                        TopBounds[top.Value] = topRecords * largest;
                    }
                }

                var family = entry.Kind == ReleaseItemKind.Count
                    ? "count"
                    : $"{entry.Kind}:{(argument is null ? "" : Resolve(argument).Display)}";
                var averaged = Same(Str(function, "function_name") ?? string.Empty, "avg") || Same(Str(function, "function_name") ?? string.Empty, "mean");
                items.Add(new ReleaseItem(entry.Name, entry.Kind, subjects, top, total, family)
                {
                    TopRecords = topRecords,
                    ContributionBound = ContributionBound(entry.Kind, argument),
                    Averaged = entry.Kind == ReleaseItemKind.Sum && averaged,
                });
            }

            return new ReleasePlan(string.Empty, items, groupColumns, selectList.Count);
        }

        /// <summary>
        /// A column of the only table in FROM that has no null in the data (known at provisioning): "is not null" is then true
        /// of every record, and the cell's subject companion is the row's (computed once). An outer join could add nulls, so
        /// over two tables every argument keeps its test.
        /// </summary>
        private bool IsNullFree(JsonObject argument) =>
            OnlyTableColumn(argument) is { } bound && bound.Table.NullFreeFields?.Contains(bound.Field.Name, StringComparer.OrdinalIgnoreCase) == true;

        /// <summary>
        /// The most records one contributor (subject) can have among the records feeding a cell: the most of one subject in a
        /// keyed table (known at provisioning), 1 where each record is its own subject. Over a join, the largest of the tables'.
        /// A keyed table whose figure is unknown (a copy made before it was counted) counts each record as a contributor.
        /// </summary>
        private long RecordsPerContributor() =>
            scope.Values.Select(table => table.EffectiveSubjectKey is { } key && table.Fields.Any(f => Same(f.Name, key)) ? Math.Max(1, table.MaxRecordsPerSubject ?? 1) : 1).DefaultIfEmpty(1).Max();

        /// <summary>
        /// Issue 14 item 5: how far one subject can move a cell, over one table only (a join can repeat a record), where the copy
        /// records the most records of one subject; sums need the column's largest magnitude. Null where nothing bounds it.
        /// </summary>
        private double? ContributionBound(ReleaseItemKind kind, JsonObject? argument)
        {
            if (scope.Count != 1)
            {
                return null;
            }

            var table = scope.Values.Single();
            var keyed = table.EffectiveSubjectKey is { } key && table.Fields.Any(f => Same(f.Name, key));
            if (keyed && table.MaxRecordsPerSubject is not >= 1)
            {
                return null;
            }

            double perSubject = keyed ? table.MaxRecordsPerSubject!.Value : 1;
            return kind switch
            {
                ReleaseItemKind.Count => perSubject,
                ReleaseItemKind.Sum when argument is not null && LargestMagnitude(argument) is { } largest => perSubject * largest,
                _ => null,
            };
        }

        /// <summary>
        /// The dominance total of a cell over a column without negative values: the plain sum, usually the user's own, or for an
        /// average the user's avg times the count of its values (the engine computes each aggregate once). Null for other columns.
        /// </summary>
        private JsonObject? PlainTotal(string function, JsonObject argument, JsonObject? filter)
        {
            if (!IsNonNegative(argument))
            {
                return null;
            }

            if (Same(function, "avg") || Same(function, "mean"))
            {
                var values = IsNullFree(argument) ? AggregateNode("count_star", [], filter, false) : AggregateNode("count", [argument.DeepClone()], filter, false);
                return Product(Cast(AggregateNode(function, [argument.DeepClone()], filter, false), "DOUBLE"), values);
            }

            return Cast(AggregateNode("sum", [argument.DeepClone()], filter, false), "DOUBLE");
        }

        /// <summary>A bare column of the only table in FROM whose copy holds no negative value (its statistics at provisioning).</summary>
        private bool IsNonNegative(JsonObject argument) =>
            OnlyTableColumn(argument) is { } bound && bound.Table.NonNegativeFields?.Contains(bound.Field.Name, StringComparer.OrdinalIgnoreCase) == true;

        /// <summary>
        /// The cells' subjects can be counted through the copy's tail: one subject-indexed table whose records without a unique
        /// subject are few (they sit in the copy's last row groups), and output rows told apart by their dimensions.
        /// </summary>
        public bool CountsSubjectsThroughTail =>
            IndexedCompanions.Count > 0 && indexedAlias is not null && groupsShown
            && scope[indexedAlias].RecordsWithoutUniqueSubject is { } tailRecords && tailRecords <= SubjectTailMaxRecords;

        /// <summary>
        /// Every record of the copy has a subject of its own (no tail): a cell's records are its subjects, and there is nothing
        /// to correct (no tail statement runs).
        /// </summary>
        public bool TailIsEmpty => indexedAlias is not null && scope[indexedAlias].RecordsWithoutUniqueSubject == 0;

        /// <summary>
        /// The tail statement (with <see cref="CountsSubjectsThroughTail"/>), cut from <paramref name="exactRoot"/>: the statement's
        /// document whose first select items are still the user's own. Rewrites the document in place.
        /// </summary>
        public SubjectTailPlan SubjectTail(JsonNode exactRoot)
        {
            var node = (JsonObject)exactRoot["statements"]![0]!["node"]!;
            var select = (JsonArray)node["select_list"]!;
            while (select.Count > entries.Count)
            {
                select.RemoveAt(select.Count - 1);
            }

            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Kind is not (ReleaseItemKind.Dimension or ReleaseItemKind.Constant))
                {
                    select[i] = NullConstant($"{CompanionPrefix}n{i}");
                }
            }

            var index = ColumnRef(indexedAlias!, SubjectIndex.Column);
            var corrections = new Dictionary<int, SubjectTailColumns>();
            node["where_clause"] = And(node["where_clause"] as JsonObject, Comparison("COMPARE_NOTEQUAL", index, IntegerConstant(0)));
            node["modifiers"] = new JsonArray();
            var keys = Enumerable.Range(0, entries.Count).Where(i => entries[i].Kind == ReleaseItemKind.Dimension).ToList();
            if (TailReadByRecord)
            {
                return TailByRecord(exactRoot, node, select, index, keys);
            }

            foreach (var (ordinal, feeding) in IndexedCompanions)
            {
                var records = AggregateNode("count_star", [], feeding, false);
                records["alias"] = $"{CompanionPrefix}r{select.Count}";
                select.Add(records);
                var subjects = AggregateNode("count", [index.DeepClone()], And(feeding, Comparison("COMPARE_GREATERTHAN", index, IntegerConstant(0))), true);
                subjects["alias"] = $"{CompanionPrefix}d{select.Count}";
                select.Add(subjects);
                corrections[ordinal] = new SubjectTailColumns(select.Count - 2, select.Count - 1);
            }

            return new SubjectTailPlan(exactRoot.ToJsonString(SpliceOptions), keys, corrections);
        }

        /// <summary>
        /// A small tail of one table is read record by record: without a join, its rows are at most its records. Several
        /// cells fed by the same records share one condition column.
        /// </summary>
        private bool TailReadByRecord =>
            scope.Count == 1 && scope[indexedAlias!].RecordsWithoutUniqueSubject is { } tailRecords && tailRecords <= SubjectTailRowsMaxRecords;

        /// <summary>
        /// The tail statement of one row per record the user's WHERE keeps: the user's dimensions, the record's subject index and
        /// the conditions that feed the cells; no grouping (the engine groups the rows by their dimensions, as the first pass's
        /// rows are told apart).
        /// </summary>
        private SubjectTailPlan TailByRecord(JsonNode exactRoot, JsonObject node, JsonArray select, JsonObject index, List<int> keys)
        {
            var indexColumn = select.Count;
            var indexItem = (JsonObject)index.DeepClone();
            indexItem["alias"] = $"{CompanionPrefix}i{indexColumn}";
            select.Add(indexItem);
            var feeds = new Dictionary<int, int?>();
            var conditions = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (ordinal, feeding) in IndexedCompanions)
            {
                if (feeding is null)
                {
                    feeds[ordinal] = null;
                    continue;
                }

                var key = feeding.ToJsonString();
                if (!conditions.TryGetValue(key, out var column))
                {
                    column = select.Count;
                    var condition = (JsonObject)feeding.DeepClone();
                    condition["alias"] = $"{CompanionPrefix}f{column}";
                    select.Add(condition);
                    conditions[key] = column;
                }

                feeds[ordinal] = column;
            }

            node["group_expressions"] = new JsonArray();
            node["group_sets"] = new JsonArray();
            node["aggregate_handling"] = "STANDARD_HANDLING";
            return new SubjectTailPlan(exactRoot.ToJsonString(SpliceOptions), keys, new Dictionary<int, SubjectTailColumns>())
            {
                Records = new SubjectTailRecords(indexColumn, feeds),
            };
        }

        /// <summary>The largest absolute value of a bare column of the only table in FROM, from the copy's statistics; null when unknown.</summary>
        private double? LargestMagnitude(JsonObject argument) =>
            OnlyTableColumn(argument) is { } bound && bound.Table.FieldMagnitudes is { } magnitudes
            && magnitudes.TryGetValue(bound.Field.Name, out var largest) && double.IsFinite(largest)
                ? Math.Abs(largest)
                : null;

        /// <summary>The granted column an aggregate's argument is, when it is a bare column and FROM holds one table: what the copy's statistics speak of.</summary>
        private Bound? OnlyTableColumn(JsonObject argument) =>
            scope.Count == 1 && Str(argument, "class") == "COLUMN_REF" ? Resolve(argument) : null;

        /// <summary>Adds a companion select item (once per distinct expression); returns its ordinal.</summary>
        private int Companion(JsonObject expression, string tag)
        {
            var key = expression.ToJsonString();
            if (companions.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var ordinal = selectList.Count;
            expression["alias"] = $"{CompanionPrefix}{tag}{ordinal}";
            selectList.Add(expression);
            companions[key] = ordinal;
            return ordinal;
        }

        /// <summary>
        /// Tables whose subjects a cell must have k of: those holding anything but public fields (a public reference table
        /// joined for its labels protects no one), or all when every table is public.
        /// </summary>
        private List<string> CountedAliases()
        {
            var counted = scope.Where(entry => entry.Value.Fields.Any(field => field.Classification != FieldClassification.Public)).Select(entry => entry.Key).ToList();
            return counted.Count > 0 ? counted : scope.Keys.ToList();
        }

        /// <summary>
        /// count(DISTINCT subject key) over the records that feed a cell. Over one table (no join repeats a record) a table
        /// without subjects counts rows exactly, and a table whose most records per subject is known gets a cheap form.
        /// </summary>
        private int SubjectCompanion(string alias, JsonObject? feeding, string tag)
        {
            // Most cells share the row's feeding records (no FILTER, a null-free argument): the same companion, built once.
            var memo = feeding is null ? alias : $"{alias}\u0000{feeding.ToJsonString()}";
            if (subjectCompanions.TryGetValue(memo, out var known))
            {
                return known;
            }

            var built = BuildSubjectCompanion(alias, feeding, tag);
            subjectCompanions[memo] = built;
            return built;
        }

        private int BuildSubjectCompanion(string alias, JsonObject? feeding, string tag)
        {
            var table = scope[alias];
            var keyed = table.EffectiveSubjectKey is { } subject && table.Fields.Any(f => Same(f.Name, subject));
            if (keyed && table.SubjectIndexed && scope.Count == 1)
            {
                // Exact and cheap over one table (Grants.SubjectIndex): records of subjects with one record count once each, the
                // few records of repeated subjects by a distinct count of their index; the pseudonyms are not read.
                var index = ColumnRef(alias, SubjectIndex.Column);
                var single = AggregateNode("count_star", [], And(feeding, Comparison("COMPARE_EQUAL", index, IntegerConstant(0))), false);
                var repeated = AggregateNode("count", [index.DeepClone()], And(feeding, Comparison("COMPARE_GREATERTHAN", index, IntegerConstant(0))), true);
                var sum = Function("+", [single, repeated]);
                sum["is_operator"] = true;
                NoteCompanionRead(table, SubjectIndex.Column);
                var indexed = Companion(sum, tag);
                IndexedCompanions[indexed] = (JsonObject?)feeding?.DeepClone();
                indexedAlias = alias;
                return indexed;
            }

            var ordinal = Companion(AggregateNode("count", [ColumnRef(alias, keyed ? table.EffectiveSubjectKey! : "rowid")], feeding, true), tag);
            if (keyed)
            {
                NoteCompanionRead(table, table.Fields.First(f => Same(f.Name, table.EffectiveSubjectKey!)).Name);
            }

            if (scope.Count == 1 && (!keyed || table.MaxRecordsPerSubject is >= 1))
            {
                CheapCompanions[ordinal] = keyed ? table.MaxRecordsPerSubject!.Value : 1;
            }

            return ordinal;
        }

        private void NoteCompanionRead(SandboxTable table, string column)
        {
            if (!CompanionReads.TryGetValue(table.Name, out var reads))
            {
                reads = new SortedSet<string>(StringComparer.Ordinal);
                CompanionReads[table.Name] = reads;
            }

            reads.Add(column);
        }

        private void CollectFrom(JsonObject from)
        {
            switch (Str(from, "type"))
            {
                case "BASE_TABLE":
                    var name = Str(from, "table_name") ?? string.Empty;
                    var table = tables.FirstOrDefault(t => Same(t.Name, name));
                    if (table is null || Str(from, "schema_name") is not (null or "" or "main") || Str(from, "catalog_name") is not (null or "" or "memory"))
                    {
                        Refuse(OutputRules.UnsupportedQuery, name, $"'{name}' is not a table of this grant.");
                        return;
                    }

                    if (from["column_name_alias"] is JsonArray { Count: > 0 } || from["sample"] is not null || from["at_clause"] is not null)
                    {
                        Refuse(OutputRules.UnsupportedQuery, name, $"Renaming the columns of '{name}', sampling it or reading it at a version is not supported in full mode.");
                    }

                    var alias = Str(from, "alias") is { Length: > 0 } a ? a : table.Name;
                    if (!scope.TryAdd(alias, table))
                    {
                        Refuse(OutputRules.UnsupportedQuery, alias, $"The name '{alias}' is used for two tables.");
                    }

                    return;
                case "JOIN":
                    var refType = Str(from, "ref_type");
                    var joinType = Str(from, "join_type");
                    if (refType is not ("REGULAR" or "CROSS") || joinType is not ("INNER" or "LEFT" or "RIGHT" or "OUTER"))
                    {
                        Refuse(OutputRules.UnsupportedQuery, "JOIN", $"A {refType?.ToLowerInvariant()} {joinType?.ToLowerInvariant()} join is not supported in full mode (only inner, outer and cross joins of granted tables).");
                    }

                    if (from["using_columns"] is JsonArray { Count: > 0 })
                    {
                        Refuse(OutputRules.UnsupportedQuery, "JOIN", "JOIN … USING is not supported in full mode: write ON a.key = b.key.");
                    }

                    CollectFrom(from["left"] as JsonObject ?? throw new ArgumentException("Malformed join."));
                    CollectFrom(from["right"] as JsonObject ?? throw new ArgumentException("Malformed join."));
                    if (from["condition"] is JsonObject condition)
                    {
                        JoinCondition(condition);
                    }
                    else if (refType != "CROSS")
                    {
                        Refuse(OutputRules.UnsupportedQuery, "JOIN", "A join needs ON a.key = b.key.");
                    }

                    return;
                case var other:
                    Refuse(OutputRules.UnsupportedQuery, "FROM", $"A {other?.ToLowerInvariant().Replace('_', ' ')} in FROM is not supported in full mode: query the granted tables directly (joins are fine).");
                    return;
            }
        }

        /// <summary>Joins on keys: equalities between two identifiers or two dimensions, combined with AND.</summary>
        private void JoinCondition(JsonObject condition)
        {
            if (Str(condition, "class") == "CONJUNCTION" && Str(condition, "type") == "CONJUNCTION_AND")
            {
                foreach (var child in Array(condition, "children"))
                {
                    JoinCondition(child);
                }

                return;
            }

            if (Str(condition, "class") == "COMPARISON" && Str(condition, "type") == "COMPARE_EQUAL"
                && condition["left"] is JsonObject left && condition["right"] is JsonObject right && IsColumn(left) && IsColumn(right))
            {
                var a = Resolve(left);
                var b = Resolve(right);
                if (a.Policy == b.Policy && a.Policy != ColumnPolicy.Measure)
                {
                    return;
                }

                Refuse(OutputRules.ColumnPolicy, a.Policy == ColumnPolicy.Measure ? a.Display : b.Display,
                    $"Tables are joined on keys: '{a.Display}' ({a.Policy.ToWire()}) = '{b.Display}' ({b.Policy.ToWire()}) is not two identifiers or two dimensions.");
            }

            var named = FirstIdentifier(condition);
            Refuse(named is null ? OutputRules.UnsupportedQuery : OutputRules.ColumnPolicy, named?.Display ?? "JOIN",
                "A join condition may only be a.key = b.key (identifiers or dimensions), combined with AND.");
        }

        private SelectEntry SelectItem(JsonObject item, int index)
        {
            var alias = Str(item, "alias") is { Length: > 0 } a ? a : null;
            if (alias is not null && alias.StartsWith(CompanionPrefix, StringComparison.OrdinalIgnoreCase))
            {
                Refuse(OutputRules.UnsupportedQuery, alias, $"Output names starting with '{CompanionPrefix}' are reserved for the platform.");
            }

            var output = alias ?? $"#{index}";
            switch (Str(item, "class"))
            {
                case "STAR":
                    var relation = Str(item, "relation_name");
                    var shown = scope.Where(e => string.IsNullOrEmpty(relation) || Same(e.Key, relation))
                        .SelectMany(e => e.Value.Fields.Where(f => e.Value.PolicyOf(f) == ColumnPolicy.Identifier).Select(f => $"{e.Key}.{f.Name}")).ToList();
                    if (shown.Count > 0)
                    {
                        Refuse(OutputRules.PersonalFieldUnaggregated, "*", $"Output column '*' would show identifier field(s) {string.Join(", ", shown.Select(f => $"'{f}'"))}.");
                    }

                    Unsupported(item, output, "* and COLUMNS(…) are not supported in full mode: name the dimensions and aggregates to release.");
                    return null!;
                case "COLUMN_REF" when Names(item) is [var whole] && scope.TryGetValue(whole, out var rowOf) && !scope.Values.Any(t => t.Fields.Any(f => Same(f.Name, whole))):
                    Refuse(rowOf.Fields.Any(f => rowOf.PolicyOf(f) == ColumnPolicy.Identifier) ? OutputRules.PersonalFieldUnaggregated : OutputRules.UnsupportedQuery, whole,
                        $"Output column '{whole}' shows whole rows of table '{rowOf.Name}'.");
                    return null!;
                case "COLUMN_REF":
                    var column = Resolve(item);
                    var name = alias ?? column.Field.Name;
                    if (column.Policy == ColumnPolicy.Identifier)
                    {
                        Refuse(OutputRules.PersonalFieldUnaggregated, name,
                            $"Output column '{name}' shows field '{column.Display}' (identifier): an identifier may appear only as a join key or inside count(DISTINCT …).");
                    }

                    if (column.Policy == ColumnPolicy.Measure)
                    {
                        Refuse(OutputRules.ColumnPolicy, name, $"Output column '{name}' shows field '{column.Display}' (measure) unaggregated: a measure may appear only inside an allowed aggregate.");
                    }

                    return new SelectEntry(name, ReleaseItemKind.Dimension, column);
                case "CONSTANT":
                    return new SelectEntry(output, ReleaseItemKind.Constant, null);
                case "FUNCTION" when Aggregate(item, output) is { } kind:
                    return new SelectEntry(output, kind, null);
                default:
                    Unsupported(item, $"output column '{output}'", "An output column must be a dimension, a constant or one allowed aggregate (count, sum, avg, min, max, stddev, variance, quantiles) of a column; expressions around or inside aggregates are not supported in full mode.");
                    return null!;
            }
        }

        /// <summary>The kind of an allowed aggregate, after checking its argument's policy and its FILTER; null when not an aggregate.</summary>
        private ReleaseItemKind? Aggregate(JsonObject function, string output)
        {
            var name = Str(function, "function_name") ?? string.Empty;
            var isCount = Same(name, "count") || Same(name, "count_star");
            if (!isCount && !MeasureAggregates.ContainsKey(name))
            {
                return null;
            }

            if (Str(function, "schema") is { Length: > 0 } || Str(function, "catalog") is { Length: > 0 } || function["is_operator"]?.GetValue<bool>() == true
                || function["export_state"]?.GetValue<bool>() == true || Array(function["order_bys"] as JsonObject, "orders").Any())
            {
                Unsupported(function, $"output column '{output}'", $"{name}() with ORDER BY, a schema or exported state is not supported in full mode.");
            }

            var distinct = function["distinct"]?.GetValue<bool>() == true;
            var children = Array(function, "children").ToList();
            if (function["filter"] is JsonObject filter)
            {
                Predicate(filter, $"FILTER of '{output}'");
            }

            if (Same(name, "count_star"))
            {
                if (children.Count > 0)
                {
                    Unsupported(function, $"output column '{output}'", "count(*) takes no argument.");
                }

                return ReleaseItemKind.Count;
            }

            if (children.Count == 0 || !IsColumn(children[0]))
            {
                Unsupported(children.Count == 0 ? function : children[0], $"output column '{output}'", $"The argument of {name}() in '{output}' must be one granted column, not an expression.");
            }

            var column = Resolve(children[0]);
            if (isCount)
            {
                if (children.Count != 1)
                {
                    Unsupported(function, $"output column '{output}'", "count() takes one column.");
                }

                if (column.Policy == ColumnPolicy.Identifier && !distinct)
                {
                    Refuse(OutputRules.PersonalFieldUnaggregated, column.Display, $"Field '{column.Display}' (identifier) may be counted only as count(DISTINCT {column.Field.Name}) (in '{output}').");
                }

                return ReleaseItemKind.Count;
            }

            if (column.Policy != ColumnPolicy.Measure)
            {
                // An identifier through max(), median(), sum() ... would show (a function of) one record's value.
                Refuse(column.Policy == ColumnPolicy.Identifier ? OutputRules.PersonalFieldUnaggregated : OutputRules.ColumnPolicy, column.Display,
                    $"{name}() in '{output}' reads field '{column.Display}' ({column.Policy.ToWire()}): only a measure may be summed, averaged or ranked; count it instead.");
            }

            if (distinct)
            {
                Unsupported(function, $"output column '{output}'", $"{name}(DISTINCT …) is not supported in full mode.");
            }

            var kind = MeasureAggregates[name];
            var expected = kind == ReleaseItemKind.Quantile && !Same(name, "median") ? 2 : 1;
            if (children.Count != expected || (expected == 2 && !IsConstant(children[1])))
            {
                Unsupported(function, $"output column '{output}'", expected == 2
                    ? $"{name}() in '{output}' takes a measure and one constant quantile."
                    : $"{name}() in '{output}' takes one measure.");
            }

            return kind;
        }

        private void GroupOrOrder(JsonObject? expression, string clause)
        {
            if (expression is null)
            {
                Refuse(OutputRules.UnsupportedQuery, clause, $"Malformed {clause}.");
                return;
            }

            if (Str(expression, "class") == "CONSTANT")
            {
                var value = expression["value"]?["value"];
                if (value is JsonValue number && number.TryGetValue<long>(out var position) && position >= 1 && position <= entries.Count)
                {
                    var entry = entries[(int)position - 1];
                    if (entry.Kind == ReleaseItemKind.Dimension)
                    {
                        return;
                    }

                    Refuse(OutputRules.ColumnPolicy, entry.Name, $"{clause} {position} refers to '{entry.Name}', which is not a dimension: only dimensions may be grouped or ordered by.");
                }

                Refuse(OutputRules.UnsupportedQuery, clause, $"{clause} takes dimensions or the position of a dimension in the select list.");
            }

            if (!IsColumn(expression))
            {
                Unsupported(expression, clause, $"{clause} takes dimensions only (no expressions, aggregates or functions).");
            }

            var names = Names(expression);
            if (names.Count == 1)
            {
                // A bare name may stand for an output column (the engine prefers the output name in ORDER BY) or for a
                // granted column (preferred in GROUP BY): whichever it binds to, it must be a dimension.
                var entry = entries.FirstOrDefault(e => Same(e.Name, names[0]));
                if (entry is not null && entry.Kind != ReleaseItemKind.Dimension)
                {
                    Refuse(OutputRules.ColumnPolicy, names[0], $"{clause} '{names[0]}' names an output that is not a dimension: only dimensions may be grouped or ordered by.");
                }

                if (!scope.Values.Any(t => t.Fields.Any(f => Same(f.Name, names[0]))))
                {
                    if (entry is null)
                    {
                        Refuse(OutputRules.UnsupportedQuery, names[0], $"{clause} '{names[0]}' is not a granted dimension nor the name of a dimension in the select list.");
                    }

                    return;
                }
            }

            var column = Resolve(expression);
            if (column.Policy != ColumnPolicy.Dimension)
            {
                Refuse(OutputRules.ColumnPolicy, column.Display, $"{clause} uses field '{column.Display}' ({column.Policy.ToWire()}): only dimensions may be grouped or ordered by.");
            }

            if (clause == "GROUP BY" && !entries.Any(e => e.Kind == ReleaseItemKind.Dimension && e.Column?.Display == column.Display))
            {
                groupsShown = false;
            }
        }

        /// <summary>WHERE and FILTER: dimensions and measures compared with constants, combined with AND, OR, NOT.</summary>
        private void Predicate(JsonObject predicate, string where)
        {
            var kind = Str(predicate, "class");
            var type = Str(predicate, "type");
            if (IsConstant(predicate))
            {
                // TRUE, FALSE, NULL (the parser writes TRUE as a cast of a string constant).
                return;
            }

            switch (kind)
            {
                case "CONJUNCTION" when type is "CONJUNCTION_AND" or "CONJUNCTION_OR":
                    foreach (var child in Array(predicate, "children"))
                    {
                        Predicate(child, where);
                    }

                    return;
                case "OPERATOR" when type == "OPERATOR_NOT" && Array(predicate, "children").Count() == 1:
                    Predicate(Array(predicate, "children").Single(), where);
                    return;
                case "OPERATOR" when type is "OPERATOR_IS_NULL" or "OPERATOR_IS_NOT_NULL" && Array(predicate, "children").Count() == 1:
                    PredicateColumn(Array(predicate, "children").Single(), where);
                    return;
                case "OPERATOR" when type is "COMPARE_IN" or "COMPARE_NOT_IN":
                    var items = Array(predicate, "children").ToList();
                    if (items.Count >= 2 && items.Skip(1).All(IsConstant))
                    {
                        PredicateColumn(items[0], where);
                        return;
                    }

                    break;
                case "COMPARISON" when type is not null && Comparisons.Contains(type):
                    if (predicate["left"] is JsonObject left && predicate["right"] is JsonObject right)
                    {
                        if (IsConstant(right))
                        {
                            PredicateColumn(left, where);
                            return;
                        }

                        if (IsConstant(left))
                        {
                            PredicateColumn(right, where);
                            return;
                        }
                    }

                    break;
                case "BETWEEN":
                    if (predicate["input"] is JsonObject input && predicate["lower"] is JsonObject lower && predicate["upper"] is JsonObject upper
                        && IsConstant(lower) && IsConstant(upper))
                    {
                        PredicateColumn(input, where);
                        return;
                    }

                    break;
                case "FUNCTION" when Str(predicate, "function_name") is { } op && LikeOperators.Contains(op) && predicate["filter"] is null:
                    var operands = Array(predicate, "children").ToList();
                    if (operands.Count == 2 && IsConstant(operands[1]))
                    {
                        var column = PredicateColumn(operands[0], where);
                        if (column.Policy != ColumnPolicy.Dimension)
                        {
                            Refuse(OutputRules.ColumnPolicy, column.Display, $"LIKE in {where} reads field '{column.Display}' ({column.Policy.ToWire()}): only dimensions may be matched against patterns.");
                        }

                        return;
                    }

                    break;
                case "CONSTANT":
                    return;
            }

            Unsupported(predicate, where, $"{where} may only compare dimensions and measures with constants (=, <>, <, >, IN, BETWEEN, IS NULL, LIKE on dimensions), combined with AND, OR and NOT.");
        }

        private Bound PredicateColumn(JsonObject expression, string where)
        {
            if (!IsColumn(expression))
            {
                Unsupported(expression, where, $"{where} compares columns themselves with constants: expressions, casts and functions of columns are not supported in full mode.");
            }

            var column = Resolve(expression);
            if (column.Policy == ColumnPolicy.Identifier)
            {
                Refuse(OutputRules.ColumnPolicy, column.Display, $"{where} reads field '{column.Display}' (identifier): an identifier may appear only as a join key or inside count(DISTINCT …), never in a predicate.");
            }

            return column;
        }

        /// <summary>A refusal for a construct outside the grammar; names an identifier inside it when there is one.</summary>
        private void Unsupported(JsonObject node, string where, string reason)
        {
            if (FirstIdentifier(node) is { } identifier)
            {
                Refuse(where.StartsWith("output column", StringComparison.Ordinal) ? OutputRules.PersonalFieldUnaggregated : OutputRules.ColumnPolicy, identifier.Display,
                    $"Field '{identifier.Display}' (identifier) is used inside an expression in {where}: an identifier may appear only as a join key or inside count(DISTINCT …).");
            }

            var kind = Str(node, "class") == "FUNCTION" ? $"{Str(node, "function_name")}()" : (Str(node, "type") ?? Str(node, "class") ?? "expression").ToLowerInvariant().Replace('_', ' ');
            Refuse(OutputRules.UnsupportedQuery, where, $"{reason} (found: {kind}).");
        }

        /// <summary>The first column inside <paramref name="node"/> that resolves to an identifier, if any (best effort, for the message).</summary>
        private Bound? FirstIdentifier(JsonNode node)
        {
            foreach (var candidate in Descendants(node, skipSubqueries: true))
            {
                if (candidate is JsonObject obj && IsColumn(obj))
                {
                    try
                    {
                        var bound = Resolve(obj);
                        if (bound.Policy == ColumnPolicy.Identifier)
                        {
                            return bound;
                        }
                    }
                    catch (RefusedException)
                    {
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The granted column a reference stands for: <c>col</c> (exactly one table in scope has it), <c>alias.col</c>,
        /// <c>table.col</c>, <c>main.table.col</c>, <c>memory.main.table.col</c>. Anything else (a struct field, a whole
        /// row, a column not granted, an ambiguous name) is refused.
        /// </summary>
        private Bound Resolve(JsonObject reference)
        {
            var names = Names(reference);
            var display = string.Join('.', names);
            if (names.Count == 0 || names.Count > 4)
            {
                Refuse(OutputRules.UnsupportedQuery, display, $"'{display}' is not a column of this grant.");
            }

            if (names.Count == 1)
            {
                // Called for every column reference: a plain scan, no candidate list.
                (string Alias, SandboxTable Table, FieldDefinition Field)? match = null;
                var matches = 0;
                foreach (var (alias, table) in scope)
                {
                    foreach (var field in table.Fields)
                    {
                        if (Same(field.Name, names[0]))
                        {
                            match ??= (alias, table, field);
                            matches++;
                        }
                    }
                }

                if (matches != 1)
                {
                    Refuse(OutputRules.UnsupportedQuery, display, matches == 0
                        ? $"'{display}' is not a granted column of the tables in FROM."
                        : $"'{display}' is in more than one table: qualify it (alias.{display}).");
                }

                var (matchedAlias, matchedTable, matchedField) = match!.Value;
                return Use(new Bound(matchedAlias, matchedTable, matchedField, matchedTable.PolicyOf(matchedField)));
            }

            var prefix = names.Take(names.Count - 2).ToList();
            var valid = prefix.Count switch
            {
                0 => true,
                1 => Same(prefix[0], "main"),
                _ => Same(prefix[0], "memory") && Same(prefix[1], "main"),
            };
            var owner = names[^2];
            if (!valid || !scope.TryGetValue(owner, out var scoped) || (prefix.Count > 0 && !Same(scoped.Name, owner)))
            {
                Refuse(OutputRules.UnsupportedQuery, display, $"'{display}' is not a column of a table in FROM (struct fields and other schemas are not supported in full mode).");
                return null!;
            }

            var granted = scoped.Fields.FirstOrDefault(f => Same(f.Name, names[^1]));
            if (granted is null)
            {
                Refuse(OutputRules.UnsupportedQuery, display, $"'{display}' is not a granted column.");
                return null!;
            }

            return Use(new Bound(owner, scoped, granted, scoped.PolicyOf(granted)));
        }

        private Bound Use(Bound bound)
        {
            if (!Used.TryGetValue(bound.Table.Name, out var fields))
            {
                fields = new SortedSet<string>(StringComparer.Ordinal);
                Used[bound.Table.Name] = fields;
            }

            fields.Add(bound.Field.Name);
            return bound;
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void Refuse(string rule, string subject, string reason) => throw new RefusedException(new ReleaseRefusal(rule, subject, reason));
    }

    private static bool IsColumn(JsonObject node) => Str(node, "class") == "COLUMN_REF";

    /// <summary>A literal, a cast of a literal (<c>DATE '2020-01-01'</c>) or a negated literal.</summary>
    private static bool IsConstant(JsonObject node) => Str(node, "class") switch
    {
        "CONSTANT" => true,
        "CAST" => node["try_cast"]?.GetValue<bool>() != true && node["child"] is JsonObject child && Str(child, "class") == "CONSTANT",
        "FUNCTION" => Str(node, "function_name") == "-" && node["filter"] is null && Array(node, "children").ToList() is [var only] && Str(only, "class") == "CONSTANT",
        _ => false,
    };

    private static List<string> Names(JsonObject reference)
    {
        var names = new List<string>();
        if (reference["column_names"] is JsonArray array)
        {
            foreach (var name in array)
            {
                names.Add(name?.GetValue<string>() ?? string.Empty);
            }
        }

        return names;
    }

    private static IEnumerable<JsonObject> Array(JsonObject? node, string property) =>
        node?[property] is JsonArray array ? array.OfType<JsonObject>() : [];

    private static string? Str(JsonObject node, string property) =>
        node[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Removes every <c>query_location</c> under <paramref name="node"/>; a stack, not recursion, for trees as deep as the parser allows.</summary>
    private static void RemoveLocations(JsonNode node)
    {
        var stack = new Stack<JsonNode>();
        stack.Push(node);
        while (stack.TryPop(out var current))
        {
            if (current is JsonObject obj)
            {
                obj.Remove("query_location");
                foreach (var property in obj)
                {
                    if (property.Value is JsonObject or JsonArray)
                    {
                        stack.Push(property.Value);
                    }
                }
            }
            else
            {
                foreach (var item in (JsonArray)current)
                {
                    if (item is JsonObject or JsonArray)
                    {
                        stack.Push(item);
                    }
                }
            }
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node, bool skipSubqueries)
    {
        var stack = new Stack<JsonNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            if (skipSubqueries && current is JsonObject { } candidate && Str(candidate, "class") == "SUBQUERY")
            {
                continue;
            }

            IEnumerable<JsonNode?> children = current switch
            {
                JsonObject obj => obj.Select(p => p.Value),
                JsonArray arr => arr,
                _ => [],
            };
            // Pushed in reverse, so nodes come out in document order (depth first).
            foreach (var child in children.Reverse())
            {
                if (child is JsonObject or JsonArray)
                {
                    stack.Push(child);
                }
            }
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    // Parse-tree builders for the companions; shapes as json_serialize_sql writes them.
    private static JsonObject ColumnRef(string alias, string column) => new()
    {
        ["class"] = "COLUMN_REF", ["type"] = "COLUMN_REF", ["alias"] = "", ["column_names"] = new JsonArray(alias, column),
    };

    private static JsonObject Function(string name, JsonNode[] children) => new()
    {
        ["class"] = "FUNCTION", ["type"] = "FUNCTION", ["alias"] = "", ["function_name"] = name, ["schema"] = "", ["catalog"] = "",
        ["children"] = new JsonArray(children), ["filter"] = null, ["order_bys"] = new JsonObject { ["type"] = "ORDER_MODIFIER", ["orders"] = new JsonArray() },
        ["distinct"] = false, ["is_operator"] = false, ["export_state"] = false,
    };

    private static JsonObject AggregateNode(string name, JsonNode[] children, JsonObject? filter, bool distinct)
    {
        var function = Function(name, children);
        function["filter"] = filter?.DeepClone();
        function["distinct"] = distinct;
        return function;
    }

    private static JsonObject Product(JsonObject left, JsonObject right)
    {
        var product = Function("*", [left, right]);
        product["is_operator"] = true;
        return product;
    }

    private static JsonObject Cast(JsonNode child, string type) => new()
    {
        ["class"] = "CAST", ["type"] = "OPERATOR_CAST", ["alias"] = "", ["child"] = child,
        ["cast_type"] = new JsonObject { ["id"] = type, ["type_info"] = null }, ["try_cast"] = false,
    };

    private static JsonObject IntegerConstant(int value) => new()
    {
        ["class"] = "CONSTANT", ["type"] = "VALUE_CONSTANT", ["alias"] = "",
        ["value"] = new JsonObject { ["type"] = new JsonObject { ["id"] = "INTEGER", ["type_info"] = null }, ["is_null"] = false, ["value"] = value },
    };

    private static JsonObject Comparison(string type, JsonObject left, JsonObject right) => new()
    {
        ["class"] = "COMPARISON", ["type"] = type, ["alias"] = "", ["left"] = left.DeepClone(), ["right"] = right.DeepClone(),
    };

    private static JsonObject NullConstant(string alias) => new()
    {
        ["class"] = "CONSTANT", ["type"] = "VALUE_CONSTANT", ["alias"] = alias,
        ["value"] = new JsonObject { ["type"] = new JsonObject { ["id"] = "NULL", ["type_info"] = null }, ["is_null"] = true },
    };

    private static JsonObject IsNotNull(JsonObject argument) => new()
    {
        ["class"] = "OPERATOR", ["type"] = "OPERATOR_IS_NOT_NULL", ["alias"] = "", ["children"] = new JsonArray(argument.DeepClone()),
    };

    private static JsonObject? And(JsonObject? a, JsonObject? b) => (a, b) switch
    {
        (null, null) => null,
        (null, _) => b,
        (_, null) => (JsonObject)a.DeepClone(),
        _ => new JsonObject { ["class"] = "CONJUNCTION", ["type"] = "CONJUNCTION_AND", ["alias"] = "", ["children"] = new JsonArray(a.DeepClone(), b.DeepClone()) },
    };

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
