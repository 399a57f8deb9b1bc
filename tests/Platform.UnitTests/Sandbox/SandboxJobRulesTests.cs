using Microsoft.AspNetCore.Http;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Platform.Functions.Sandbox;
using Xunit;

namespace Platform.UnitTests.Sandbox;

public sealed class SandboxJobRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Options_Defaults_AreValidWithKOf10()
    {
        var options = new SandboxJobOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(10, options.ToPolicy().MinRecordsPerRow);
        Assert.Equal((2, 0.85, 5), (options.ToPolicy().DominanceContributors, options.ToPolicy().DominanceShare, options.ToPolicy().RoundingBase));
        Assert.Equal(SandboxLimits.Default, options.ToLimits());
    }

    [Theory]
    [InlineData(nameof(SandboxJobOptions.MinRecordsPerRow), "Sandbox:MinRecordsPerRow")]
    [InlineData(nameof(SandboxJobOptions.TimeoutSeconds), "Sandbox:TimeoutSeconds")]
    [InlineData(nameof(SandboxJobOptions.MemoryLimitMb), "Sandbox:MemoryLimitMb")]
    [InlineData(nameof(SandboxJobOptions.MaxThreads), "Sandbox:MaxThreads")]
    [InlineData(nameof(SandboxJobOptions.MaxResultRows), "Sandbox:MaxResultRows")]
    [InlineData(nameof(SandboxJobOptions.MaxConcurrentJobs), "Sandbox:MaxConcurrentJobs")]
    [InlineData(nameof(SandboxJobOptions.CancellationPollSeconds), "Sandbox:CancellationPollSeconds")]
    [InlineData(nameof(SandboxJobOptions.DominanceContributors), "Sandbox:DominanceContributors")]
    [InlineData(nameof(SandboxJobOptions.DominancePercent), "Sandbox:DominancePercent")]
    [InlineData(nameof(SandboxJobOptions.RoundingBase), "Sandbox:RoundingBase")]
    public void Options_ZeroSetting_FailureNamesTheSetting(string property, string setting)
    {
        var options = new SandboxJobOptions();
        var member = typeof(SandboxJobOptions).GetProperty(property)!;
        member.SetValue(options, Convert.ChangeType(0, member.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var failure = Assert.Single(options.Validate());

        Assert.StartsWith(setting + " ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsValidator_BadSettings_FailsAtStartUp()
    {
        var result = new SandboxJobOptionsValidator().Validate(null, new SandboxJobOptions { MemoryLimitMb = 8, TimeoutSeconds = double.NaN });

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
    }

    [Theory]
    [InlineData("SELECT count(*) FROM t_people", new[] { "t_people" })]
    [InlineData("select count(*) from \"T_PEOPLE\" p join t_places q on p.district = q.district", new[] { "t_people", "t_places" })]
    [InlineData("SELECT 1", new[] { "t_people", "t_places" })]
    public void NamedIn_TablesTheSqlNames_OnlyThoseLoadedOrAllWhenNone(string sql, string[] expected)
    {
        var grant = GrantOf("t_people", "t_places");

        var named = SandboxGrantTables.NamedIn(grant, sql);

        Assert.Equal(expected, named.Select(t => t.Name));
    }

    [Fact]
    public void Describe_FullAndSample_NameTheirSource()
    {
        var table = GrantOf("t_people").Tables[0];

        var full = SandboxGrantTables.Describe(table, SandboxMode.Full);
        var sample = SandboxGrantTables.Describe(table, SandboxMode.Sample);

        Assert.Equal(("library", "sha-t_people", null), (full.Source, full.Sha256, full.SampleJobId));
        Assert.Equal(("sample", null, "msk-t_people"), (sample.Source, sample.Sha256, sample.SampleJobId));
        Assert.Equal(["name", "district", "age"], full.Fields);
    }

    [Fact]
    public void FieldsOf_GrantFields_KeepTheirClassification()
    {
        var fields = SandboxGrantTables.FieldsOf(GrantOf("t_people").Tables[0]);

        Assert.Equal(Platform.Domain.Catalog.FieldClassification.Personal, fields.Single(f => f.Name == "name").Classification);
    }

    [Fact]
    public void Finish_WithTables_RecordsTheRunShapeAndTheTablesTouched()
    {
        var job = SandboxJobRules.Start(new SandboxJob("sbx-1", "grt-1", "org-1", "stf-1", SandboxMode.Sample, "SELECT 1", SandboxJobStatus.Queued, Now), Now);
        var result = new SandboxResult(SandboxMode.Sample, SandboxStatus.Released, null, null, [new("x", "INTEGER")], [["1"], ["2"]], true, null, "abc",
            TimeSpan.FromMilliseconds(12), TimeSpan.FromMilliseconds(30), ["note"]);
        var touched = new SandboxJobTable("t", "res-1", "sample", null, "msk-1", ["x"]);

        var finished = SandboxJobRules.Finish(job, result, Now.AddSeconds(1), [touched]);

        Assert.Equal((2L, true, "note"), (finished.Run!.RowCount, finished.Run.Truncated, finished.Run.LoadNotes.Single()));
        Assert.Equal(touched, finished.Run.Tables.Single());
        Assert.Equal(TimeSpan.FromMilliseconds(30), finished.Run.LoadElapsed);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("text/csv", false)]
    [InlineData("application/json", true)]
    [InlineData("text/csv;q=0.5, application/json", true)]
    [InlineData("application/json;q=0.2, text/csv;q=0.9", false)]
    [InlineData("*/*", false)]
    [InlineData("application/json, */*;q=0.1", true)]
    [InlineData("application/json;q=0", false)]
    public void PrefersJson_AcceptHeader_JsonOnlyWhenItIsTheFirstChoice(string? accept, bool json)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        Assert.Equal(json, SandboxJobFunctions.PrefersJson(context.Request));
    }

    [Theory]
    [InlineData("application/vnd.apache.parquet", null, SandboxResultFormat.Parquet)]
    [InlineData("text/csv;q=0.5, application/vnd.apache.parquet", null, SandboxResultFormat.Parquet)]
    [InlineData("application/vnd.apache.parquet;q=0.4, application/json", null, SandboxResultFormat.Json)]
    [InlineData("application/xml", null, SandboxResultFormat.Csv)]
    [InlineData(null, "parquet", SandboxResultFormat.Parquet)]
    [InlineData("application/json", "PARQUET", SandboxResultFormat.Parquet)]
    [InlineData("application/vnd.apache.parquet", "csv", SandboxResultFormat.Csv)]
    [InlineData(null, "json", SandboxResultFormat.Json)]
    public void PreferredFormat_AcceptAndFormatQuery_QueryWinsThenFirstChoice(string? accept, string? format, SandboxResultFormat expected)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        if (format is not null)
        {
            context.Request.QueryString = new QueryString($"?format={format}");
        }

        Assert.Equal(expected, SandboxJobFunctions.PreferredFormat(context.Request));
    }

    [Fact]
    public void PreferredFormat_UnknownFormatQuery_400InvalidQueryNamingFormat()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?format=xlsx");

        var error = Assert.Throws<DomainException>(() => SandboxJobFunctions.PreferredFormat(context.Request));

        Assert.Equal((FailureKind.BadRequest, "request.invalid_query"), (error.Kind, error.Code));
        Assert.True(error.Errors!.ContainsKey("format"));
    }

    private static Grant GrantOf(params string[] tables) => new(
        "grt-1", "agr-1", "scn-1", "org-1", "drq-1", "org-provider",
        tables.Select(name => new GrantTable(name, "res-1", "资源", "org-provider", SandboxJobTestWorld.Fields, "library-agr-1", $"{name}.csv", $"sha-{name}", 1, 0, $"msk-{name}")).ToList(),
        Now, Now.AddYears(1), GrantStatus.Active, null, null);
}
