using Platform.Domain.Sandbox;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

public class SandboxLockdownTests
{
    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')")]
    [InlineData("SELECT * FROM read_text('/etc/hostname')")]
    [InlineData("SELECT * FROM '/etc/passwd.csv'")]
    [InlineData("SELECT * FROM glob('/etc/*')")]
    [InlineData("SELECT * FROM read_parquet('https://example.org/x.parquet')")]
    [InlineData("SELECT * FROM query('SELECT 1')")]
    [InlineData("SELECT * FROM pragma_table_info('people')")]
    [InlineData("COPY people TO '/tmp/sandbox-escape.csv'")]
    [InlineData("EXPORT DATABASE '/tmp/sandbox-escape'")]
    [InlineData("ATTACH '/tmp/sandbox-escape.db'")]
    [InlineData("ATTACH ':memory:' AS other")]
    [InlineData("INSTALL httpfs")]
    [InlineData("LOAD httpfs")]
    [InlineData("SET memory_limit='10GB'")]
    [InlineData("SET search_path='main'")]
    [InlineData("PRAGMA enable_profiling")]
    [InlineData("PRAGMA database_list")]
    [InlineData("CALL pragma_version()")]
    [InlineData("CREATE TABLE x AS SELECT 1")]
    [InlineData("DROP TABLE people")]
    [InlineData("INSERT INTO people (region) VALUES ('x')")]
    [InlineData("DELETE FROM people")]
    [InlineData("SELECT 1; DROP TABLE people")]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("EXPLAIN ANALYZE SELECT * FROM people")]
    [InlineData("")]
    [InlineData("SELECT 1\0; DROP TABLE people")]
    public async Task Run_EscapeAttempt_RefusedWithReasonCode(string sql)
    {
        var result = await Run(sql);

        Assert.Equal(SandboxStatus.Refused, result.Status);
        Assert.Equal(SandboxCodes.StatementRefused, result.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.Empty(result.Rows);
    }

    [Fact]
    public async Task Run_EscapeAttemptThenCount_TableUntouched()
    {
        // Each job has its own database; a refused DROP must not have run in this one either.
        var engine = new Platform.Adapters.Sandbox.SandboxEngine();
        var table = People();
        var refused = await engine.RunAsync(new SandboxRequest([table], "DROP TABLE people", SandboxMode.Sample, Limits, OutputCheckPolicy.Default), CancellationToken.None);
        var counted = await Run("SELECT count(*) AS n FROM people");

        Assert.Equal(SandboxStatus.Refused, refused.Status);
        Assert.Equal("15", counted.Rows.Single()[0]);
    }

    [Fact]
    public async Task Run_ColumnNotGranted_QueryFailedNamingTheColumn()
    {
        var result = await Run("SELECT id_number FROM people");

        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Equal(SandboxCodes.QueryFailed, result.Code);
        Assert.Contains("id_number", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StarOverTable_OnlyGrantedColumns()
    {
        var result = await Run("SELECT * FROM people LIMIT 1");

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.Equal(["region", "name", "income", "age", "born"], result.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Run_TableNotGranted_QueryFailed()
    {
        var result = await Run("SELECT * FROM companies");

        Assert.Equal(SandboxCodes.QueryFailed, result.Code);
        Assert.Contains("companies", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CatalogListing_ShowsOnlyGrantedTables()
    {
        var result = await Run("SELECT table_name FROM duckdb_tables() ORDER BY 1");

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.Equal(["people"], result.Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task Run_AfterLockdown_SettingsInForce()
    {
        var result = await Run(
            "SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('threads'), " +
            "current_setting('temp_directory'), current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions'), " +
            "current_setting('memory_limit')");

        Assert.Equal(["false", "true", "1", string.Empty, "false", "false", "256.0 MiB"], result.Rows.Single());
    }

    [Fact]
    public async Task Run_FileAccessTheGateDoesNotName_StoppedByLockdown()
    {
        // Listing extensions reads the extension directory: not on the gate's deny-list, so the lockdown must stop it.
        var result = await Run("SELECT extension_name FROM duckdb_extensions()");

        Assert.Equal(SandboxStatus.Refused, result.Status);
        Assert.Equal(SandboxCodes.StatementRefused, result.Code);
        Assert.Contains("Permission Error", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoJobsAtOnce_EachSeesOnlyItsOwnTables()
    {
        var first = Run("SELECT table_name FROM duckdb_tables()", tables: Table("alpha", [Field("a")], "a\n1\n"));
        var second = Run("SELECT table_name FROM duckdb_tables()", tables: Table("beta", [Field("b")], "b\n1\n"));

        var results = await Task.WhenAll(first, second);

        Assert.Equal(["alpha"], results[0].Rows.Select(r => r[0]));
        Assert.Equal(["beta"], results[1].Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task Run_AfterJob_NoCopyOfTheDataLeftInStaging()
    {
        var staging = Directory.CreateTempSubdirectory("sandbox-staging-test-");
        try
        {
            var engine = new Platform.Adapters.Sandbox.SandboxEngine(staging.FullName);

            var result = await engine.RunAsync(new SandboxRequest([People()], "SELECT count(*) FROM people", SandboxMode.Sample, Limits, OutputCheckPolicy.Default), CancellationToken.None);

            Assert.Equal("15", result.Rows.Single()[0]);
            Assert.Empty(staging.EnumerateFileSystemInfos());
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_RunawayCrossJoin_CancelledWithinTimeout()
    {
        var limits = Limits with { Timeout = TimeSpan.FromMilliseconds(300) };
        var started = System.Diagnostics.Stopwatch.StartNew();

        var result = await Run("SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b", limits: limits);

        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Equal(SandboxCodes.TimedOut, result.Code);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Run_RangeCount_CancelledWithinTimeout()
    {
        var limits = Limits with { Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await Run("SELECT count(*) FROM range(1000000000000::BIGINT) WHERE range % 7 = 3", limits: limits);

        Assert.Equal(SandboxCodes.TimedOut, result.Code);
    }

    [Fact]
    public async Task Run_CallerCancels_OperationCanceled()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var request = new SandboxRequest([People()], "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b", SandboxMode.Sample, Limits, OutputCheckPolicy.Default);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Platform.Adapters.Sandbox.SandboxEngine().RunAsync(request, cancel.Token));
    }

    [Fact]
    public async Task Run_QueryOverMemoryLimit_MemoryLimitExceeded()
    {
        var limits = Limits with { MemoryLimitMb = 64 };

        var result = await Run("SELECT a.range, b.range FROM range(100000) a, range(1000) b ORDER BY hash(a.range * b.range)", limits: limits);

        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Equal(SandboxCodes.MemoryLimitExceeded, result.Code);
    }

    [Fact]
    public async Task Run_GrantLargerThanMemoryLimit_MemoryLimitExceededWhileLoading()
    {
        var csv = "v\n" + string.Concat(Enumerable.Range(0, 400_000).Select(i => $"value-{i:000000000000}-{new string('x', 40)}\n"));

        var result = await Run("SELECT count(*) FROM t", limits: Limits with { MemoryLimitMb = 32 }, tables: Table("t", [Field("v")], csv));

        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Equal(SandboxCodes.MemoryLimitExceeded, result.Code);
        Assert.Contains("'t'", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MoreRowsThanCap_TruncatedAtCap()
    {
        var result = await Run("SELECT range FROM range(100000000000::BIGINT)", limits: Limits with { MaxResultRows = 7 });

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.True(result.Truncated);
        Assert.Equal(7, result.Rows.Count);
    }

    [Fact]
    public async Task Run_RowsWithinCap_NotTruncated()
    {
        var result = await Run("SELECT * FROM people");

        Assert.False(result.Truncated);
        Assert.Equal(15, result.Rows.Count);
    }
}
