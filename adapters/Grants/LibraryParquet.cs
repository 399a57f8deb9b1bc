using DuckDB.NET.Data;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;

namespace Platform.Adapters.Grants;

/// <summary>
/// The columnar form of a library copy (issue 18.1): the CSV the copier writes, read once with the pinned RFC 4180
/// dialect the sandbox used to read it with, each granted column cast to the catalogue's type, and stored as Parquet
/// (zstd, row groups of <see cref="RowGroupRows"/> rows). A sandbox job then loads typed columns with the engine's
/// Parquet reader instead of parsing text at every job. A column whose values do not all parse as its declared type
/// stays text, as the CSV load keeps it (the engine then notes it the same way).
/// </summary>
public static class LibraryParquet
{
    /// <summary>Rows per row group: a few MiB compressed each, so a reader fetches and decodes them side by side.</summary>
    public const int RowGroupRows = 122_880;

    public const string ContentType = "application/vnd.apache.parquet";

    public const string Extension = ".parquet";

    /// <summary>The engine type a catalogue field type loads as.</summary>
    public static string SqlType(FieldType type) => type switch
    {
        FieldType.String => "VARCHAR",
        FieldType.Integer => "BIGINT",
        FieldType.Decimal => "DOUBLE",
        FieldType.Date => "DATE",
        FieldType.DateTime => "TIMESTAMPTZ",
        FieldType.Boolean => "BOOLEAN",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown field type."),
    };

    /// <summary>How <c>DESCRIBE</c> names <see cref="SqlType"/>.</summary>
    public static string DescribedType(FieldType type) => type == FieldType.DateTime ? "TIMESTAMP WITH TIME ZONE" : SqlType(type);

    /// <summary>
    /// The pinned dialect (RFC 4180) rather than a sniffed one: a sniffed comment character would drop rows starting with
    /// '#'. Every value is read as text; unquoted empty values are null.
    /// </summary>
    public static string CsvSource(string path) =>
        $"read_csv({Literal(path)}, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', " +
        "comment = '', skip = 0, encoding = 'utf-8', allow_quoted_nulls = false)";

    public static string ParquetSource(string path) => $"read_parquet({Literal(path)})";

    /// <summary>The <paramref name="path"/> name for a copy stored as Parquet (<c>x.csv</c> → <c>x.parquet</c>).</summary>
    public static string ParquetPathFor(string csvBlobPath) =>
        csvBlobPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? csvBlobPath[..^4] + Extension : csvBlobPath + Extension;

    /// <summary>Writes <paramref name="csvPath"/> (header = field names) as Parquet typed by <paramref name="fields"/>; returns the row count.</summary>
    public static long CsvToParquet(string csvPath, string parquetPath, IReadOnlyList<FieldDefinition> fields, int? threads = null, int rowGroupRows = RowGroupRows)
    {
        ArgumentNullException.ThrowIfNull(fields);
        using var connection = Open(threads);
        var source = CsvSource(csvPath);
        var headers = Describe(connection, source).Select(c => c.Name).ToList();
        var columns = fields
            .Select(field => (Field: field, Header: headers.FirstOrDefault(h => string.Equals(h, field.Name, StringComparison.OrdinalIgnoreCase))))
            .Where(c => c.Header is not null)
            .Select(c => (c.Field, Header: c.Header!))
            .ToList();
        // Columns of the file that are not granted fields are kept as text (the copier writes exactly the granted fields).
        var extra = headers.Where(h => !columns.Any(c => c.Header == h)).ToList();
        var text = new HashSet<string>(StringComparer.Ordinal);
        string Select() => string.Join(", ", columns
            .Select(c => c.Field.Type == FieldType.String || text.Contains(c.Header)
                ? $"{Quote(c.Header)} AS {Quote(c.Field.Name)}"
                : $"CAST(NULLIF({Quote(c.Header)}, '') AS {SqlType(c.Field.Type)}) AS {Quote(c.Field.Name)}")
            .Concat(extra.Select(Quote)));

        try
        {
            return Copy(connection, $"SELECT {Select()} FROM {source}", parquetPath, rowGroupRows);
        }
        catch (DuckDBException e) when (e.Message.StartsWith("Conversion Error", StringComparison.Ordinal))
        {
        }

        // A value that does not parse as its declared type: that column stays text, as the sandbox's CSV load keeps it.
        var typed = columns.Where(c => c.Field.Type != FieldType.String).ToList();
        var probes = typed.Select(c =>
            $"count(*) FILTER (WHERE NULLIF({Quote(c.Header)}, '') IS NOT NULL AND TRY_CAST(NULLIF({Quote(c.Header)}, '') AS {SqlType(c.Field.Type)}) IS NULL)");
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {string.Join(", ", probes)} FROM {source}";
            using var reader = command.ExecuteReader();
            reader.Read();
            for (var i = 0; i < typed.Count; i++)
            {
                if (reader.GetInt64(i) > 0)
                {
                    text.Add(typed[i].Header);
                }
            }
        }

        return Copy(connection, $"SELECT {Select()} FROM {source}", parquetPath, rowGroupRows);
    }

    /// <summary>
    /// Issue 14 (M5.1): rewrites the copy at <paramref name="parquetPath"/> with the platform's subject index column
    /// (<see cref="SubjectIndex"/>) for <paramref name="subjectKey"/>. The records of subjects with exactly one record come
    /// first, in their order; the others (repeated subjects, no subject) follow, in their order, so the row-group statistics
    /// let a reader of those few skip the rest. Returns what was indexed, or null when the copy has no such column (nothing
    /// is written then).
    /// </summary>
    public static SubjectIndexSummary? IndexSubjects(string parquetPath, string subjectKey, int? threads = null, int rowGroupRows = RowGroupRows)
    {
        ArgumentNullException.ThrowIfNull(subjectKey);
        using var connection = Open(threads);
        var source = $"read_parquet({Literal(parquetPath)}, file_row_number = true)";
        var columns = Describe(connection, ParquetSource(parquetPath));
        var header = columns.FirstOrDefault(c => string.Equals(c.Name, subjectKey, StringComparison.OrdinalIgnoreCase)).Name;
        if (header is null || columns.Any(c => c.Name == SubjectIndex.Column))
        {
            return null;
        }

        // An empty value is no subject, as the pseudonymiser leaves it (index -1); subjects with more than one record get
        // 1, 2, ... in the order of their pseudonyms, the others 0.
        var key = $"NULLIF(CAST(src.{Quote(header)} AS VARCHAR), '')";
        var index = $"CAST(CASE WHEN {key} IS NULL THEN {SubjectIndex.NoSubject} ELSE coalesce(repeated.id, 0) END AS BIGINT)";
        var indexed = parquetPath + ".indexed";
        using (var command = connection.CreateCommand())
        {
            command.CommandText =
                $"COPY (WITH src AS (SELECT * FROM {source}), " +
                $"counts AS (SELECT {key} AS subject, count(*) AS records FROM src WHERE {key} IS NOT NULL GROUP BY 1), " +
                "repeated AS (SELECT subject, row_number() OVER (ORDER BY subject) AS id FROM counts WHERE records > 1) " +
                $"SELECT src.* EXCLUDE (file_row_number), {index} AS {Quote(SubjectIndex.Column)} " +
                $"FROM src LEFT JOIN repeated ON {key} = repeated.subject ORDER BY {index} <> 0, src.file_row_number) " +
                $"TO {Literal(indexed)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {rowGroupRows})";
            command.ExecuteNonQuery();
        }

        SubjectIndexSummary summary;
        using (var command = connection.CreateCommand())
        {
            var column = Quote(SubjectIndex.Column);
            command.CommandText = $"SELECT coalesce(max(records) FILTER (WHERE {column} > 0), 1), CAST(coalesce(sum(records) FILTER (WHERE {column} <> 0), 0) AS BIGINT) " +
                                  $"FROM (SELECT {column}, count(*) AS records FROM {ParquetSource(indexed)} WHERE {column} <> 0 GROUP BY {column})";
            using var reader = command.ExecuteReader();
            reader.Read();
            summary = new SubjectIndexSummary(
                Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        }

        File.Move(indexed, parquetPath, overwrite: true);
        return summary;
    }

    /// <summary>
    /// What the release checks take from the copy's row-group statistics (one read of its metadata): the columns without a
    /// null in any row group, and the largest absolute value of each numeric column. A column with a row group without
    /// statistics is left out of either; the platform's subject index is never listed.
    /// </summary>
    public static LibraryColumnStatistics ColumnStatistics(string parquetPath, int? threads = null)
    {
        using var connection = Open(threads);
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT path_in_schema, " +
            "count(*) = count(stats_null_count) AND sum(stats_null_count) = 0, " +
            "CASE WHEN any_value(type) IN ('DOUBLE', 'FLOAT', 'INT32', 'INT64') AND count(*) = count(TRY_CAST(stats_min_value AS DOUBLE)) " +
            "AND count(*) = count(TRY_CAST(stats_max_value AS DOUBLE)) " +
            "THEN max(greatest(abs(TRY_CAST(stats_min_value AS DOUBLE)), abs(TRY_CAST(stats_max_value AS DOUBLE)))) END, " +
            "CASE WHEN any_value(type) IN ('DOUBLE', 'FLOAT', 'INT32', 'INT64') AND count(*) = count(TRY_CAST(stats_min_value AS DOUBLE)) " +
            "THEN min(TRY_CAST(stats_min_value AS DOUBLE)) >= 0 END " +
            $"FROM parquet_metadata({Literal(parquetPath)}) GROUP BY path_in_schema ORDER BY path_in_schema";
        using var reader = command.ExecuteReader();
        var nullFree = new List<string>();
        var magnitudes = new Dictionary<string, double>(StringComparer.Ordinal);
        var nonNegative = new List<string>();
        while (reader.Read())
        {
            var column = reader.GetString(0);
            if (column == SubjectIndex.Column)
            {
                continue;
            }

            if (!reader.IsDBNull(1) && reader.GetBoolean(1))
            {
                nullFree.Add(column);
            }

            if (!reader.IsDBNull(2))
            {
                magnitudes[column] = reader.GetDouble(2);
            }

            if (!reader.IsDBNull(3) && reader.GetBoolean(3))
            {
                nonNegative.Add(column);
            }
        }

        return new LibraryColumnStatistics(nullFree, magnitudes) { NonNegative = nonNegative };
    }

    /// <summary>The columns of a copy a reader outside the sandbox sees: all but the platform's subject index.</summary>
    private static string DataColumns(DuckDBConnection connection, string source) =>
        Describe(connection, source).Any(c => c.Name == SubjectIndex.Column) ? $"* EXCLUDE ({Quote(SubjectIndex.Column)})" : "*";

    /// <summary>Writes a Parquet copy back as UTF-8 CSV with a header (the masking worker reads samples from CSV); returns the row count.</summary>
    public static long ParquetToCsv(string parquetPath, string csvPath, int? threads = null)
    {
        using var connection = Open(threads);
        using var command = connection.CreateCommand();
        command.CommandText = $"COPY (SELECT {DataColumns(connection, ParquetSource(parquetPath))} FROM {ParquetSource(parquetPath)}) TO {Literal(csvPath)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')";
        return command.ExecuteNonQuery();
    }

    /// <summary>The columns of <paramref name="source"/> (a table function) with their engine types.</summary>
    public static List<(string Name, string Type)> Describe(DuckDBConnection connection, string source)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var columns = new List<(string Name, string Type)>();
        using var command = connection.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM {source}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static long Copy(DuckDBConnection connection, string select, string parquetPath, int rowGroupRows = RowGroupRows)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"COPY ({select}) TO {Literal(parquetPath)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {rowGroupRows})";
        return command.ExecuteNonQuery();
    }

    private static DuckDBConnection Open(int? threads)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        // Rows keep their order (the copy is the provider's order); UTC for timestamps; no extension is fetched.
        string[] settings = ["SET preserve_insertion_order = true", "SET TimeZone = 'UTC'", "SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false"];
        foreach (var setting in threads is { } n ? [.. settings, $"SET threads = {n}"] : settings)
        {
            using var command = connection.CreateCommand();
            command.CommandText = setting;
            command.ExecuteNonQuery();
        }

        return connection;
    }
}

/// <summary>The columns of a copy without a null, and the largest absolute value of each numeric column (issue 14, Measure).</summary>
public sealed record LibraryColumnStatistics(IReadOnlyList<string> NullFree, IReadOnlyDictionary<string, double> Magnitudes)
{
    /// <summary>The numeric columns without a negative value.</summary>
    public IReadOnlyList<string> NonNegative { get; init; } = [];
}

/// <summary>What indexing a copy's subjects found (issue 14, Measure).</summary>
/// <param name="MostPerSubject">The most records of one subject (1 when no subject repeats).</param>
/// <param name="RecordsWithoutUniqueSubject">Records whose subject has other records, or that have none: the copy's tail, index ≠ 0.</param>
public sealed record SubjectIndexSummary(long MostPerSubject, long RecordsWithoutUniqueSubject);
