using System.Text.Json;

namespace Platform.Domain.Sandbox;

/// <summary>What the statement gate decided about a user's SQL.</summary>
/// <param name="Ast">
/// When allowed: the engine's own serialisation of the statement (the whole <c>json_serialize_sql</c>
/// document), from which full-mode checks and rewrites work.
/// </param>
public sealed record StatementGateResult(bool Allowed, string? Detail, string? Ast)
{
    public static StatementGateResult Refuse(string detail) => new(false, detail, null);

    public string Code => Allowed ? string.Empty : SandboxCodes.StatementRefused;
}

/// <summary>
/// The second of the two layers that keep a sandbox job inside its grant (M4.4, M5.1). The engine's
/// lockdown stops file, network and extension access and configuration changes; it does not make the database
/// read-only, and it lets some statements through (CREATE, DROP, <c>PRAGMA enable_profiling</c>, <c>ATTACH ':memory:'</c>).
/// So the gate admits exactly one SELECT, as the engine's own parser sees it, and refuses table functions and
/// replacement scans that reach outside the loaded tables even though the lockdown would stop them too.
/// </summary>
public static class StatementGate
{
    public const int MaxSqlLength = 64 * 1024;

    /// <summary>Function names refused anywhere in a statement: they read files, run other SQL, or touch engine state.</summary>
    private static readonly HashSet<string> DeniedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "glob", "query", "query_table", "getenv", "checkpoint", "force_checkpoint",
        "enable_profiling", "disable_profiling", "enable_logging", "disable_logging", "truncate_duckdb_logs",
        "duckdb_logs", "duckdb_log_contexts", "duckdb_secrets", "which_secret", "duckdb_external_file_cache",
        "duckdb_temporary_files", "enable_peg_parser", "disable_peg_parser", "check_peg_parser", "sql_auto_complete",
        "seq_scan", "load_extension", "install_extension",
    };

    /// <summary>Prefixes of function families that read files or remote stores, or run serialized SQL.</summary>
    private static readonly string[] DeniedFunctionPrefixes =
    [
        "read_", "parquet_", "sniff_", "json_execute", "sqlite_", "postgres_", "mysql_", "iceberg_", "delta_",
        "ducklake_", "arrow_", "st_read", "pragma_", "httpfs",
    ];

    /// <summary>Cheap checks before the engine sees the text.</summary>
    public static StatementGateResult PreCheck(string? sql)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            return StatementGateResult.Refuse("The SQL is empty.");
        }

        if (sql.Length > MaxSqlLength)
        {
            return StatementGateResult.Refuse($"The SQL is longer than {MaxSqlLength} characters.");
        }

        // The engine's C interface reads strings up to the first NUL; what it parses must be what was submitted.
        if (sql.Contains('\0', StringComparison.Ordinal))
        {
            return StatementGateResult.Refuse("The SQL contains a NUL character.");
        }

        return new StatementGateResult(true, null, null);
    }

    /// <summary>Judges the output of the engine's <c>json_serialize_sql</c> for the user's SQL.</summary>
    public static StatementGateResult Evaluate(string serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        using var document = JsonDocument.Parse(serialized, new JsonDocumentOptions { MaxDepth = 4096 });
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.True)
        {
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : null;
            var type = root.TryGetProperty("error_type", out var t) ? t.GetString() : null;
            return StatementGateResult.Refuse(type == "parser"
                ? $"The SQL does not parse: {message}"
                : "Only a single SELECT statement is allowed (no PRAGMA, SET, ATTACH, COPY, EXPORT, INSTALL, LOAD, CALL, DDL, DML or several statements).");
        }

        if (!root.TryGetProperty("statements", out var statements) || statements.ValueKind != JsonValueKind.Array || statements.GetArrayLength() != 1)
        {
            var count = statements.ValueKind == JsonValueKind.Array ? statements.GetArrayLength() : 0;
            return StatementGateResult.Refuse($"Exactly one SELECT statement is allowed; found {count}.");
        }

        var refusal = FindDenied(statements[0]);
        return refusal is null ? new StatementGateResult(true, null, serialized) : StatementGateResult.Refuse(refusal);
    }

    /// <summary>True when <paramref name="name"/> is a function the gate refuses.</summary>
    public static bool IsDeniedFunction(string name) =>
        DeniedFunctions.Contains(name) || DeniedFunctionPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    private static string? FindDenied(JsonElement statement)
    {
        foreach (var node in SqlAst.Objects(statement))
        {
            if (node.TryGetProperty("function_name", out var function) && function.GetString() is { } name && IsDeniedFunction(name))
            {
                return $"The function {name}() is not allowed in the sandbox: it reaches outside the granted tables.";
            }

            if (SqlAst.IsTableRef(node, "BASE_TABLE") && SqlAst.String(node, "table_name") is { } table && LooksLikeFileOrUrl(table))
            {
                return $"Reading '{table}' is not allowed in the sandbox: only the granted tables can be queried.";
            }
        }

        return null;
    }

    // A table name the engine would treat as a replacement scan of a file or URL.
    private static bool LooksLikeFileOrUrl(string table) => table.IndexOfAny(['/', '\\', ':', '.', '*', '?']) >= 0;
}
