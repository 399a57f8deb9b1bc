using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Writes a released sandbox result as Parquet (M5.1: results are kept as CSV and Parquet).
/// </summary>
/// <remarks>
/// The file is written by a DuckDB database of the platform's own, opened for this alone: never the job's locked-down
/// connection (which must not write files, and is gone by now) and never running any of the user's SQL; only the
/// result's column names reach it, as quoted identifiers. DuckDB rather than a Parquet library: the engine is already
/// a dependency and its writer maps its own types (DECIMAL, DATE, TIMESTAMP WITH TIME ZONE, ...) onto Parquet's
/// logical types as the engine that produced the result defines them, with no second type mapping to keep in step.
/// Cells arrive as the result's invariant text; each column is cast back to its engine type when every value parses
/// as that type, and stays text otherwise (nested values, intervals, blobs and anything unusual are text as in the CSV).
/// The canonical CSV stays the audited form; the Parquet footer carries its hash (<c>result_sha256</c>) and the job id.
/// </remarks>
public static partial class ResultParquet
{
    public const string MediaType = "application/vnd.apache.parquet";

    private const string Staging = "result_text";

    private static readonly HashSet<string> ScalarTypes = new(StringComparer.Ordinal)
    {
        "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
        "FLOAT", "DOUBLE", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "UUID", "VARCHAR",
    };

    /// <summary>Writes <paramref name="result"/> to a new Parquet file at <paramref name="path"/> (which must not exist).</summary>
    public static async Task WriteAsync(SandboxResultDocument result, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (result.Columns.Count == 0)
        {
            throw new ArgumentException("A result has at least one column.", nameof(result));
        }

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        // Results are capped at a few thousand rows; one thread and a small memory budget are plenty.
        Execute(connection, "SET threads = 1");
        Execute(connection, "SET memory_limit = '256MiB'");
        Execute(connection, "SET TimeZone = 'UTC'");
        Execute(connection, "SET autoinstall_known_extensions = false");

        var columns = result.Columns;
        var staged = string.Join(", ", columns.Select((_, i) => $"c{i} VARCHAR"));
        Execute(connection, $"CREATE TABLE {Staging} ({staged})");
        using (var appender = connection.CreateAppender(Staging))
        {
            foreach (var row in result.Rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var appended = appender.CreateRow();
                for (var i = 0; i < columns.Count; i++)
                {
                    appended.AppendValue(row[i]);
                }

                appended.EndRow();
            }
        }

        var targets = columns.Select((column, i) => TargetType(connection, column.Type, i, result.Rows)).ToList();
        var names = UniqueNames(columns);
        var projection = string.Join(", ", columns.Select((_, i) => targets[i] == "VARCHAR" ? $"c{i} AS {Quote(names[i])}" : $"CAST(c{i} AS {targets[i]}) AS {Quote(names[i])}"));
        var metadata = $"KV_METADATA {{result_sha256: {Literal(result.ResultHash)}, sandbox_job: {Literal(result.JobId)}}}";
        Execute(connection, $"COPY (SELECT {projection} FROM {Staging}) TO {Literal(path)} (FORMAT parquet, COMPRESSION zstd, {metadata})");
    }

    /// <summary>
    /// The Parquet column type for a result column: its engine type when every value parses as it, VARCHAR otherwise.
    /// HUGEINT (what <c>sum</c> of integers gives) becomes BIGINT when every value fits, else DECIMAL(38,0), since
    /// Parquet has no 128-bit integer and DuckDB would otherwise write it as a lossy DOUBLE.
    /// </summary>
    private static string TargetType(DuckDBConnection connection, string engineType, int ordinal, IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        var type = engineType.Trim().ToUpperInvariant();
        if (type is "HUGEINT" or "UHUGEINT")
        {
            type = rows.All(row => row[ordinal] is null || long.TryParse(row[ordinal], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                ? "BIGINT"
                : "DECIMAL(38,0)";
        }

        if (type == "VARCHAR" || !(ScalarTypes.Contains(type) || DecimalType().IsMatch(type)))
        {
            return "VARCHAR";
        }

        using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT count(*) FROM {Staging} WHERE c{ordinal} IS NOT NULL AND TRY_CAST(c{ordinal} AS {type}) IS NULL";
        return Convert.ToInt64(probe.ExecuteScalar(), CultureInfo.InvariantCulture) == 0 ? type : "VARCHAR";
    }

    /// <summary>Parquet needs distinct column names; a repeated result name gets <c>_2</c>, <c>_3</c>, ... (the CSV keeps the original header).</summary>
    private static List<string> UniqueNames(IReadOnlyList<SandboxColumn> columns)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>(columns.Count);
        foreach (var column in columns)
        {
            var name = string.IsNullOrEmpty(column.Name) ? $"column{names.Count + 1}" : column.Name;
            var candidate = name;
            for (var n = 2; !seen.Add(candidate); n++)
            {
                candidate = $"{name}_{n}";
            }

            names.Add(candidate);
        }

        return names;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^DECIMAL\((\d{1,2}),(\d{1,2})\)$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalType();
}
