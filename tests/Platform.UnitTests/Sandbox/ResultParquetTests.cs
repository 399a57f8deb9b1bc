using DuckDB.NET.Data;
using Platform.Adapters.Sandbox;
using Platform.Domain.Sandbox;
using Xunit;

namespace Platform.UnitTests.Sandbox;

public sealed class ResultParquetTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"result-parquet-test-{Guid.NewGuid():N}.parquet");

    [Fact]
    public async Task WriteAsync_TypedColumnsChineseTextAndNulls_ReadBackWithEngineTypesAndValues()
    {
        var result = new SandboxResultDocument(
            "sbx-1",
            [
                new SandboxColumn("地区", "VARCHAR"), new SandboxColumn("people", "BIGINT"), new SandboxColumn("total", "HUGEINT"),
                new SandboxColumn("mean", "DOUBLE"), new SandboxColumn("amount", "DECIMAL(18,3)"), new SandboxColumn("day", "DATE"),
                new SandboxColumn("at", "TIMESTAMP WITH TIME ZONE"), new SandboxColumn("ok", "BOOLEAN"), new SandboxColumn("tags", "VARCHAR[]"),
            ],
            [
                ["武汉市", "12", "123456789012345678901234567890", "41.5", "1234.500", "2026-11-27", "2026-11-27T04:05:06.5Z", "true", "[\"甲\",\"乙\"]"],
                [null, null, null, null, null, null, null, null, null],
                ["", "3", "7", "-0.25", "-0.001", "1999-01-31", "2000-01-01T00:00:00Z", "false", "[]"],
            ],
            false,
            "abc123");

        await ResultParquet.WriteAsync(result, _path);

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        var types = new List<(string, string)>();
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = $"DESCRIBE SELECT * FROM read_parquet('{_path}')";
            await using var reader = await describe.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                types.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Equal(
            [("地区", "VARCHAR"), ("people", "BIGINT"), ("total", "DECIMAL(38,0)"), ("mean", "DOUBLE"), ("amount", "DECIMAL(18,3)"), ("day", "DATE"),
             ("at", "TIMESTAMP WITH TIME ZONE"), ("ok", "BOOLEAN"), ("tags", "VARCHAR")],
            types);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT \"地区\", people, CAST(total AS VARCHAR), mean, CAST(amount AS VARCHAR), CAST(day AS VARCHAR), ok, tags FROM read_parquet('{_path}')";
        await using var rows = await select.ExecuteReaderAsync();
        Assert.True(await rows.ReadAsync());
        Assert.Equal(("武汉市", 12L, "123456789012345678901234567890", 41.5, "1234.500", "2026-11-27", true, "[\"甲\",\"乙\"]"),
            (rows.GetString(0), rows.GetInt64(1), rows.GetString(2), rows.GetDouble(3), rows.GetString(4), rows.GetString(5), rows.GetBoolean(6), rows.GetString(7)));
        Assert.True(await rows.ReadAsync());
        Assert.All(Enumerable.Range(0, 8), i => Assert.True(rows.IsDBNull(i)));
        Assert.True(await rows.ReadAsync());
        Assert.Equal(("", 3L, "7"), (rows.GetString(0), rows.GetInt64(1), rows.GetString(2)));
        Assert.False(await rows.ReadAsync());
    }

    [Fact]
    public async Task WriteAsync_RepeatedNamesAndUnparsableValue_DistinctNamesAndTextColumnWithResultHashInFooter()
    {
        var result = new SandboxResultDocument(
            "sbx-2",
            [new SandboxColumn("n", "BIGINT"), new SandboxColumn("n", "DATE")],
            [["1", "not a date"]],
            false,
            "feedbeef");

        await ResultParquet.WriteAsync(result, _path);

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT n, n_2, (SELECT decode(value) FROM parquet_kv_metadata('{_path}') WHERE decode(key) = 'result_sha256') FROM read_parquet('{_path}')";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((1L, "not a date", "feedbeef"), (reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
    }

    public void Dispose() => File.Delete(_path);
}
