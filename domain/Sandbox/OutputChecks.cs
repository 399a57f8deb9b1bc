using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Platform.Domain.Catalog;

namespace Platform.Domain.Sandbox;

/// <param name="MinRecordsPerRow">k: the fewest source records a released row may stand for (M5.1, default 10).</param>
public sealed record OutputCheckPolicy(int MinRecordsPerRow)
{
    public const int DefaultMinRecordsPerRow = 10;

    public static OutputCheckPolicy Default { get; } = new(DefaultMinRecordsPerRow);
}

[JsonConverter(typeof(WireEnumConverter<OutputRuleStatus>))]
public enum OutputRuleStatus
{
    [JsonStringEnumMemberName("passed")]
    Passed,

    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not evaluated because an earlier rule already withheld the result.</summary>
    [JsonStringEnumMemberName("not_evaluated")]
    NotEvaluated,
}

/// <param name="Rule">One of <see cref="OutputRules"/>.</param>
public sealed record OutputRuleResult(string Rule, OutputRuleStatus Status, IReadOnlyList<string> Reasons);

/// <summary>How a <c>full</c> job's output fared against the output checks (M5.1).</summary>
/// <param name="SuppressedRows">Rows withheld because fewer than k records stood behind them (how many, never which).</param>
public sealed record OutputCheckOutcome(
    bool Passed,
    int MinRecordsPerRow,
    long SuppressedRows,
    long ReleasedRows,
    IReadOnlyList<OutputRuleResult> Rules)
{
    public IEnumerable<OutputRuleResult> Failures => Rules.Where(rule => rule.Status == OutputRuleStatus.Failed);
}

/// <summary>
/// The output checks of <c>full</c> mode (M4.4 "data usable but not visible", M5.1 security), enforced by
/// the platform rather than trusted from the user's SQL. <see cref="Plan"/> judges the statement's shape from the
/// engine's parse tree and prepares a rewrite that makes every output row carry the number of source records behind
/// it; <see cref="OutputCheckPlan.StartRows"/> then admits or suppresses rows by that proven count.
/// </summary>
public static class OutputChecks
{
    /// <summary>The name of the column the rewrite appends; never released.</summary>
    public const string RecordCountColumn = "__sandbox_records";

    /// <summary>
    /// Aggregates that summarise a group without handing back any one record's value. Others (min, max, first,
    /// list, string_agg, mode, median, quantiles, arg_max, ...) return a member of the group, so a personal field
    /// inside them counts as output unaggregated.
    /// </summary>
    public static IReadOnlySet<string> SafeAggregates { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "count", "count_star", "count_if", "countif", "approx_count_distinct",
        "sum", "sum_no_overflow", "fsum", "sumkahan", "kahan_sum", "avg", "mean", "favg",
        "stddev", "stddev_pop", "stddev_samp", "var_pop", "var_samp", "variance", "sem",
        "kurtosis", "kurtosis_pop", "skewness", "entropy", "corr", "covar_pop", "covar_samp",
        "regr_avgx", "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy",
        "bool_and", "bool_or",
    };

    private static readonly JsonSerializerOptions SpliceOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="ast">The gate's <see cref="StatementGateResult.Ast"/>.</param>
    /// <param name="tables">The grant's tables with their granted fields and classifications.</param>
    /// <param name="aggregateFunctions">The engine's aggregate function names.</param>
    public static OutputCheckPlan Plan(
        string ast,
        IReadOnlyList<SandboxTable> tables,
        IReadOnlySet<string> aggregateFunctions,
        OutputCheckPolicy policy,
        int maxRows)
    {
        ArgumentNullException.ThrowIfNull(ast);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(aggregateFunctions);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.MinRecordsPerRow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy.MinRecordsPerRow, "k must be at least 1.");
        }

        using var document = JsonDocument.Parse(ast, new JsonDocumentOptions { MaxDepth = 4096 });
        var node = document.RootElement.GetProperty("statements")[0].GetProperty("node");
        var analysis = new Analysis(tables, aggregateFunctions);
        analysis.Run(node);
        return new OutputCheckPlan(policy.MinRecordsPerRow, maxRows, analysis.StaticRules(), analysis.CountTemplateSql());
    }

    /// <summary>Appends the first select item of <paramref name="templateAst"/> to the select list of <paramref name="userAst"/>.</summary>
    public static string AppendSelectItem(string userAst, string templateAst)
    {
        var user = JsonNode.Parse(userAst, documentOptions: new JsonDocumentOptions { MaxDepth = 4096 })
            ?? throw new ArgumentException("Empty parse tree.", nameof(userAst));
        var template = JsonNode.Parse(templateAst) ?? throw new ArgumentException("Empty parse tree.", nameof(templateAst));
        var item = template["statements"]![0]!["node"]!["select_list"]![0]!.DeepClone();
        user["statements"]![0]!["node"]!["select_list"]!.AsArray().Add(item);
        return user.ToJsonString(SpliceOptions);
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed class Analysis(IReadOnlyList<SandboxTable> tables, IReadOnlySet<string> aggregateFunctions)
    {
        private readonly Dictionary<string, SandboxTable> scope = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> unsupported = [];
        private readonly List<string> personal = [];
        private bool evaluated;
        private bool aggregate;

        public void Run(JsonElement node)
        {
            if (SqlAst.String(node, "type") != "SELECT_NODE")
            {
                unsupported.Add("UNION, INTERSECT and EXCEPT are not supported in full mode: run each part as its own job.");
                return;
            }

            if (node.TryGetProperty("cte_map", out var cteMap) && !SqlAst.IsNullOrEmpty(cteMap, "map"))
            {
                unsupported.Add("WITH (common table expressions) is not supported in full mode: query the granted tables directly.");
            }

            if (node.TryGetProperty("from_table", out var from))
            {
                CollectTables(from);
            }

            if (scope.Count == 0 && unsupported.Count == 0)
            {
                unsupported.Add("A full-mode query must read from a granted table.");
            }

            var selectList = node.GetProperty("select_list");
            foreach (var item in selectList.EnumerateArray())
            {
                if (SqlAst.Objects(item).Any(o => SqlAst.ExpressionClass(o) == "SUBQUERY"))
                {
                    unsupported.Add("A subquery in the select list gives values the group's record count does not cover.");
                    break;
                }
            }

            if (unsupported.Count > 0)
            {
                return;
            }

            evaluated = true;
            aggregate = !SqlAst.IsNullOrEmpty(node, "group_expressions")
                || SqlAst.String(node, "aggregate_handling") == "FORCE_AGGREGATES"
                || !SqlAst.IsNullOrEmpty(node, "having")
                || selectList.EnumerateArray().Any(ContainsAggregate);

            var index = 0;
            foreach (var item in selectList.EnumerateArray())
            {
                index++;
                VisitOutput(item, OutputName(item, index), AggregateContext.None, null);
            }
        }

        public IReadOnlyList<OutputRuleResult> StaticRules()
        {
            var shape = unsupported.Count == 0
                ? new OutputRuleResult(OutputRules.UnsupportedQuery, OutputRuleStatus.Passed, [])
                : new OutputRuleResult(OutputRules.UnsupportedQuery, OutputRuleStatus.Failed, unsupported.Distinct().ToArray());
            if (!evaluated)
            {
                return
                [
                    shape,
                    new(OutputRules.NotAggregate, OutputRuleStatus.NotEvaluated, []),
                    new(OutputRules.PersonalFieldUnaggregated, OutputRuleStatus.NotEvaluated, []),
                ];
            }

            return
            [
                shape,
                aggregate
                    ? new(OutputRules.NotAggregate, OutputRuleStatus.Passed, [])
                    : new(OutputRules.NotAggregate, OutputRuleStatus.Failed, ["Full mode releases aggregate rows only: use GROUP BY or aggregate the whole table (count, sum, avg, ...)."]),
                personal.Count == 0
                    ? new(OutputRules.PersonalFieldUnaggregated, OutputRuleStatus.Passed, [])
                    : new(OutputRules.PersonalFieldUnaggregated, OutputRuleStatus.Failed, personal.Distinct().ToArray()),
            ];
        }

        /// <summary>
        /// A query whose output rows carry a proven record count. One table: <c>count(*)</c> per output row. A join
        /// multiplies rows, so each side that holds protected data counts its distinct source rows (<c>rowid</c>)
        /// and the smallest count stands for the row; tables whose granted fields are all public are reference data
        /// and do not count, unless every table is public.
        /// </summary>
        public string? CountTemplateSql()
        {
            if (!evaluated || unsupported.Count > 0)
            {
                return null;
            }

            var alias = QuoteIdentifier(RecordCountColumn);
            if (scope.Count == 1)
            {
                return $"SELECT count(*) AS {alias}";
            }

            var counted = scope.Where(entry => entry.Value.Fields.Any(field => field.Classification != FieldClassification.Public)).ToList();
            if (counted.Count == 0)
            {
                counted = scope.ToList();
            }

            var counts = counted.Select(entry => $"count(DISTINCT {QuoteIdentifier(entry.Key)}.rowid)").ToList();
            return counts.Count == 1 ? $"SELECT {counts[0]} AS {alias}" : $"SELECT least({string.Join(", ", counts)}) AS {alias}";
        }

        private void CollectTables(JsonElement from)
        {
            switch (SqlAst.String(from, "type"))
            {
                case "JOIN":
                    CollectTables(from.GetProperty("left"));
                    CollectTables(from.GetProperty("right"));
                    break;
                case "BASE_TABLE":
                    var name = SqlAst.String(from, "table_name") ?? string.Empty;
                    var schema = SqlAst.String(from, "schema_name") ?? string.Empty;
                    var catalog = SqlAst.String(from, "catalog_name") ?? string.Empty;
                    var table = tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
                    if (table is null || schema is not ("" or "main") || catalog is not ("" or "memory"))
                    {
                        unsupported.Add($"'{name}' is not a table of this grant.");
                    }
                    else if (!SqlAst.IsNullOrEmpty(from, "column_name_alias"))
                    {
                        unsupported.Add($"Renaming the columns of '{name}' in FROM is not supported in full mode: alias them in the select list.");
                    }
                    else
                    {
                        var alias = SqlAst.String(from, "alias") is { Length: > 0 } a ? a : table.Name;
                        if (!scope.TryAdd(alias, table))
                        {
                            unsupported.Add($"The name '{alias}' is used for two tables.");
                        }
                    }

                    break;
                case "EMPTY":
                    break;
                case "SUBQUERY":
                    unsupported.Add("A subquery in FROM is not supported in full mode: query the granted tables directly (joins are fine).");
                    break;
                case "TABLE_FUNCTION":
                    unsupported.Add("A table function in FROM is not supported in full mode: only granted tables are counted.");
                    break;
                case var other:
                    unsupported.Add($"A {other?.ToLowerInvariant().Replace('_', ' ')} in FROM is not supported in full mode.");
                    break;
            }
        }

        private bool ContainsAggregate(JsonElement expression)
        {
            var stack = new Stack<JsonElement>();
            stack.Push(expression);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                if (current.ValueKind == JsonValueKind.Object)
                {
                    var kind = SqlAst.ExpressionClass(current);
                    if (kind == "SUBQUERY")
                    {
                        continue;
                    }

                    if (kind == "FUNCTION" && SqlAst.String(current, "function_name") is { } name && aggregateFunctions.Contains(name))
                    {
                        return true;
                    }

                    foreach (var property in current.EnumerateObject())
                    {
                        stack.Push(property.Value);
                    }
                }
                else if (current.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in current.EnumerateArray())
                    {
                        stack.Push(item);
                    }
                }
            }

            return false;
        }

        private void VisitOutput(JsonElement element, string column, AggregateContext context, string? aggregateName)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    VisitOutput(item, column, context, aggregateName);
                }

                return;
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            switch (SqlAst.ExpressionClass(element))
            {
                case "COLUMN_REF":
                    if (context != AggregateContext.Safe)
                    {
                        foreach (var (alias, field) in Resolve(SqlAst.Strings(element, "column_names").ToList()))
                        {
                            Report(column, alias, field, aggregateName);
                        }
                    }

                    return;
                case "STAR":
                    if (context != AggregateContext.Safe)
                    {
                        ReportStar(element, column, aggregateName);
                    }

                    return;
                case "SUBQUERY":
                    return;
                case "FUNCTION" when SqlAst.String(element, "function_name") is { } function && aggregateFunctions.Contains(function):
                    var inner = context == AggregateContext.Safe || SafeAggregates.Contains(function)
                        ? AggregateContext.Safe
                        : AggregateContext.Revealing;
                    foreach (var property in element.EnumerateObject())
                    {
                        VisitOutput(property.Value, column, inner, inner == AggregateContext.Revealing ? function : aggregateName);
                    }

                    return;
                default:
                    foreach (var property in element.EnumerateObject())
                    {
                        VisitOutput(property.Value, column, context, aggregateName);
                    }

                    return;
            }
        }

        private IEnumerable<(string Alias, FieldDefinition Field)> Resolve(IReadOnlyList<string> names)
        {
            if (names.Count == 0)
            {
                yield break;
            }

            if (names.Count >= 2 && scope.TryGetValue(names[0], out var qualified))
            {
                foreach (var field in qualified.Fields.Where(f => Same(f.Name, names[1])))
                {
                    yield return (names[0], field);
                }

                yield break;
            }

            if (names.Count >= 3 && scope.TryGetValue(names[1], out var schemaQualified))
            {
                foreach (var field in schemaQualified.Fields.Where(f => Same(f.Name, names[2])))
                {
                    yield return (names[1], field);
                }

                yield break;
            }

            var any = false;
            foreach (var (alias, table) in scope)
            {
                foreach (var field in table.Fields.Where(f => Same(f.Name, names[0])))
                {
                    any = true;
                    yield return (alias, field);
                }
            }

            // A bare table name or alias as a column is the whole row, as a struct.
            if (!any && names.Count == 1 && scope.TryGetValue(names[0], out var whole))
            {
                foreach (var field in whole.Fields)
                {
                    yield return (names[0], field);
                }
            }
        }

        private void ReportStar(JsonElement star, string column, string? aggregateName)
        {
            var relation = SqlAst.String(star, "relation_name");
            var columnsExpression = star.TryGetProperty("columns", out var columns) && columns.ValueKind == JsonValueKind.True;
            var excluded = columnsExpression
                ? new HashSet<string>(StringComparer.OrdinalIgnoreCase)
                : new HashSet<string>(SqlAst.Strings(star, "exclude_list"), StringComparer.OrdinalIgnoreCase);
            foreach (var (alias, table) in scope)
            {
                if (!string.IsNullOrEmpty(relation) && !Same(alias, relation))
                {
                    continue;
                }

                foreach (var field in table.Fields.Where(f => !excluded.Contains(f.Name)))
                {
                    Report(column, alias, field, aggregateName);
                }
            }
        }

        private void Report(string column, string alias, FieldDefinition field, string? aggregateName)
        {
            if (!field.Classification.IsPersonal)
            {
                return;
            }

            var what = $"field '{alias}.{field.Name}' ({field.Classification.ToWire()})";
            personal.Add(aggregateName is null
                ? $"Output column '{column}' shows {what} without aggregation."
                : $"Output column '{column}' shows {what} through {aggregateName}(), which returns one record's value.");
        }

        private static string OutputName(JsonElement item, int index)
        {
            if (SqlAst.String(item, "alias") is { Length: > 0 } alias)
            {
                return alias;
            }

            return SqlAst.ExpressionClass(item) switch
            {
                "COLUMN_REF" => SqlAst.Strings(item, "column_names").LastOrDefault() ?? $"#{index}",
                "STAR" => "*",
                _ => $"#{index}",
            };
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }

    private enum AggregateContext
    {
        None,
        Safe,
        Revealing,
    }
}

/// <summary>The static verdict on a full-mode statement and, when it may run, how to make it prove its counts.</summary>
public sealed class OutputCheckPlan
{
    private readonly int minRecords;
    private readonly int maxRows;

    internal OutputCheckPlan(int minRecords, int maxRows, IReadOnlyList<OutputRuleResult> staticRules, string? countTemplateSql)
    {
        this.minRecords = minRecords;
        this.maxRows = maxRows;
        StaticRules = staticRules;
        CountTemplateSql = countTemplateSql;
    }

    public IReadOnlyList<OutputRuleResult> StaticRules { get; }

    /// <summary>False when a rule already fails on the statement alone: the query is not run at all.</summary>
    public bool CanRun => CountTemplateSql is not null && StaticRules.All(rule => rule.Status == OutputRuleStatus.Passed);

    /// <summary>A one-item SELECT whose item is the record-count expression to append (see <see cref="OutputChecks.AppendSelectItem"/>).</summary>
    public string? CountTemplateSql { get; }

    /// <summary>The outcome when the statement fails before running.</summary>
    public OutputCheckOutcome Withheld() => new(
        false,
        minRecords,
        0,
        0,
        [
            .. StaticRules,
            new(OutputRules.MinRecords, OutputRuleStatus.NotEvaluated, []),
            new(OutputRules.TooManyRows, OutputRuleStatus.NotEvaluated, []),
        ]);

    public OutputRowGate StartRows() => new(minRecords, maxRows, StaticRules);
}

/// <summary>Admits output rows by their proven record count and enforces the row cap.</summary>
public sealed class OutputRowGate
{
    private readonly int minRecords;
    private readonly int maxRows;
    private readonly IReadOnlyList<OutputRuleResult> staticRules;

    internal OutputRowGate(int minRecords, int maxRows, IReadOnlyList<OutputRuleResult> staticRules)
    {
        this.minRecords = minRecords;
        this.maxRows = maxRows;
        this.staticRules = staticRules;
    }

    public long Suppressed { get; private set; }

    public long Released { get; private set; }

    /// <summary>True once more rows passed than the cap allows: stop reading, the result is withheld.</summary>
    public bool CapExceeded => Released > maxRows;

    /// <summary>True when the row may be released; false when fewer than k records stand behind it (M4.4).</summary>
    public bool Admit(long records)
    {
        if (records < minRecords)
        {
            Suppressed++;
            return false;
        }

        Released++;
        return true;
    }

    public OutputCheckOutcome Complete()
    {
        var minRule = new OutputRuleResult(
            OutputRules.MinRecords,
            OutputRuleStatus.Passed,
            Suppressed == 0 ? [] : [$"{Suppressed} row(s) backed by fewer than {minRecords} records were suppressed."]);
        var capRule = CapExceeded
            ? new OutputRuleResult(OutputRules.TooManyRows, OutputRuleStatus.Failed, [$"More than {maxRows} rows would be released."])
            : new OutputRuleResult(OutputRules.TooManyRows, OutputRuleStatus.Passed, []);
        return new OutputCheckOutcome(!CapExceeded, minRecords, Suppressed, CapExceeded ? 0 : Released, [.. staticRules, minRule, capRule]);
    }
}
