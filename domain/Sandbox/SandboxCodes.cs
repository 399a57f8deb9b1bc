namespace Platform.Domain.Sandbox;

/// <summary>Stable codes of sandbox outcomes (part of the public API: keep them once published).</summary>
public static class SandboxCodes
{
    /// <summary>The statement is not one plain SELECT, or it calls something that reaches outside the grant.</summary>
    public const string StatementRefused = "sandbox.statement_refused";

    /// <summary>The engine rejected or failed the query (unknown table or column, type error, ...).</summary>
    public const string QueryFailed = "sandbox.query_failed";

    public const string TimedOut = "sandbox.timed_out";

    public const string MemoryLimitExceeded = "sandbox.memory_limit_exceeded";

    /// <summary>A granted table could not be loaded (platform-side data problem, not the user's SQL).</summary>
    public const string LoadFailed = "sandbox.load_failed";

    /// <summary>A <c>full</c> job failed the output checks; the reasons are in the check outcome.</summary>
    public const string OutputWithheld = "sandbox.output_withheld";
}

/// <summary>The names of the output-check rules (M5.1), as reported in a check outcome.</summary>
public static class OutputRules
{
    /// <summary>Issue 14 item 5: a released cell differs from a cell of an earlier released result of the grant by 1 to k−1 subjects.</summary>
    public const string DifferencingAcrossResults = "differencing_across_results";

    /// <summary>Only aggregate rows leave the sandbox: the query must GROUP BY or aggregate the whole table.</summary>
    public const string NotAggregate = "not_aggregate";

    /// <summary>No field classified personal or sensitive-personal is output without (a safe) aggregation.</summary>
    public const string PersonalFieldUnaggregated = "personal_field_unaggregated";

    /// <summary>The query has a shape whose record counts the platform cannot prove (CTE, subquery in FROM, UNION, ...).</summary>
    public const string UnsupportedQuery = "unsupported_query";

    /// <summary>
    /// Every released row and every released cell is backed by at least k distinct data subjects, counted over the records
    /// that feed it (2k for quantiles); rows under k are dropped, cells under k are suppressed.
    /// </summary>
    public const string MinRecords = "min_records";

    /// <summary>A field is used outside its column policy (identifier, dimension, measure): refused before the query runs.</summary>
    public const string ColumnPolicy = "column_policy";

    /// <summary>A sum/avg/max/min cell whose n largest contributors hold more than p of the total is suppressed.</summary>
    public const string Dominance = "dominance";

    /// <summary>Two cells of a row (same function and argument) whose subjects differ by fewer than k are suppressed.</summary>
    public const string Differencing = "differencing";

    /// <summary>Cells suppressed so that a suppressed cell cannot be recovered from the other cells of its row.</summary>
    public const string SecondarySuppression = "secondary_suppression";

    /// <summary>Released counts are rounded to a base (informational: never fails).</summary>
    public const string Rounding = "rounding";

    /// <summary>
    /// Issue 14 item 5: under a grant's noise, released aggregates carry calibrated Laplace noise; a statement with a cell
    /// nothing bounds is refused.
    /// </summary>
    public const string Noise = "noise";

    /// <summary>At most the row cap of released rows.</summary>
    public const string TooManyRows = "too_many_rows";
}
