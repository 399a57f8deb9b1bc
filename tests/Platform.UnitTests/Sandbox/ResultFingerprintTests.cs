using System.Text;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

/// <summary>Issue 14 item 7 (fingerprints of released files) and the depth fix (the fields a statement used).</summary>
public sealed class ResultFingerprintTests
{
    private static readonly byte[] Root = Encoding.UTF8.GetBytes(SandboxJobTestWorld.RootKey);
    private static readonly byte[] Key = ResultFingerprints.DeriveKey(Root, "grt-1");
    private static readonly IReadOnlyList<SandboxColumn> Columns = [new("district", "VARCHAR"), new("people", "BIGINT"), new("mean", "DOUBLE")];

    private static IReadOnlyList<IReadOnlyList<string?>> Rows() =>
    [
        ["武昌区", "25", "41.5"],
        ["江岸区", "10", "38.25"],
        ["洪山区", "15", "40"],
        ["汉阳区", "20", "39.125"],
    ];

    [Fact]
    public void DeriveKey_TwoGrants_DifferentKeys()
        => Assert.NotEqual(Convert.ToHexString(Key), Convert.ToHexString(ResultFingerprints.DeriveKey(Root, "grt-2")));

    [Fact]
    public void Permute_SameJob_SameOrderAndCellsUnchanged()
    {
        var once = ResultFingerprints.Permute(Key, "sbx-1", Rows());
        var again = ResultFingerprints.Permute(Key, "sbx-1", Rows().Reverse().ToList());

        Assert.Equal(once.Select(r => r[0]), again.Select(r => r[0]));
        Assert.Equal(Rows().Select(r => r[0]).Order(), once.Select(r => r[0]).Order());
    }

    [Fact]
    public void Permute_DifferentJobs_SomeJobOrdersTheRowsDifferently()
    {
        var first = ResultFingerprints.Permute(Key, "sbx-1", Rows()).Select(r => r[0]).ToList();

        // 4 rows: 24 orders; among a few job ids one differs from the first for certain in practice.
        Assert.Contains(Enumerable.Range(2, 8), i => !ResultFingerprints.Permute(Key, $"sbx-{i}", Rows()).Select(r => r[0]).SequenceEqual(first));
    }

    [Fact]
    public void Match_UnalteredFile_Exact()
    {
        var csv = ResultCsv.ToBytes(Columns, Rows());
        var fingerprint = ResultFingerprints.Compute(Key, csv, reordered: true);

        Assert.Equal(FingerprintMatchKinds.Exact, ResultFingerprints.Match(Key, fingerprint, csv));
        Assert.Equal(FingerprintMatchKinds.Exact, ResultFingerprints.Match(Key, fingerprint, [0xEF, 0xBB, 0xBF, .. csv]));
    }

    [Fact]
    public void Match_ResavedBySpreadsheetInSameOrder_ContentAndOrder()
    {
        var fingerprint = ResultFingerprints.Compute(Key, ResultCsv.ToBytes(Columns, Rows()), reordered: true);
        // Quotes everywhere, LF line ends, trailing zeros, spaces: a spreadsheet's re-save.
        var resaved = "\"district\",\"people\",\"mean\"\n\"武昌区\",\"25\",\"41.50\"\n江岸区 , 10 ,38.250\n洪山区,15.0,40\n汉阳区,20,39.125\n";

        Assert.Equal(FingerprintMatchKinds.ContentAndOrder, ResultFingerprints.Match(Key, fingerprint, Encoding.UTF8.GetBytes(resaved)));
    }

    [Fact]
    public void Match_SortedDifferently_ContentOnly()
    {
        var fingerprint = ResultFingerprints.Compute(Key, ResultCsv.ToBytes(Columns, Rows()), reordered: true);
        var sorted = ResultCsv.ToBytes(Columns, Rows().OrderBy(r => r[1]).ToList());

        Assert.Equal(FingerprintMatchKinds.Content, ResultFingerprints.Match(Key, fingerprint, sorted));
    }

    [Fact]
    public void Match_OneCellChangedOrOtherGrantsKey_NoMatch()
    {
        var fingerprint = ResultFingerprints.Compute(Key, ResultCsv.ToBytes(Columns, Rows()), reordered: true);
        var changed = Rows().Select(r => r.ToList()).ToList();
        changed[0][1] = "30";

        Assert.Null(ResultFingerprints.Match(Key, fingerprint, ResultCsv.ToBytes(Columns, changed.Select(r => (IReadOnlyList<string?>)r).ToList())));
        Assert.Null(ResultFingerprints.Match(ResultFingerprints.DeriveKey(Root, "grt-2"), fingerprint, ResultCsv.ToBytes(Columns, Rows())));
    }

    [Theory]
    [InlineData("a,\"b,c\",\"d\"\"e\"\r\n1,,3\r\n", 2, "d\"e")]
    [InlineData("x\n\"multi\nline\"\n", 2, "multi\nline")]
    public void ParseCsv_QuotedCommasQuotesAndLineBreaks_Kept(string text, int records, string expected)
    {
        var parsed = ResultFingerprints.ParseCsv(text);

        Assert.Equal(records, parsed.Count);
        Assert.Contains(parsed.SelectMany(r => r), cell => cell == expected);
    }

    [Fact]
    public async Task Full_StatementUsingSomeFields_RecordsExactlyThoseNotTheSubjectKey()
    {
        var result = await Full("SELECT region, count(*) AS n, avg(age) FILTER (WHERE age > 20) AS mean FROM people GROUP BY region ORDER BY region");

        Assert.Equal(SandboxStatus.Released, result.Status);
        Assert.Equal(["age", "region"], result.UsedFields!["people"]);
        Assert.True(result.Ordered);
    }

    [Fact]
    public async Task Full_CountDistinctOfAnIdentifier_RecordsTheIdentifierAsUsed()
    {
        var result = await Full("SELECT region, count(DISTINCT name) AS people FROM people GROUP BY region");

        Assert.Equal(["name", "region"], result.UsedFields!["people"]);
        Assert.False(result.Ordered);
    }

    [Fact]
    public void UsedBy_AnalysisRecordedFields_SetPerTableAndEmptyForAnUnusedTable()
    {
        var result = SandboxResult.Unreleased(SandboxMode.Full, SandboxStatus.Withheld, "c", "d", TimeSpan.Zero, TimeSpan.Zero, [])
            with { UsedFields = new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["x"] } };
        IReadOnlyList<SandboxJobTable> tables = [new("a", "res-a", "library", null, null, ["x", "y"]), new("b", "res-b", "library", null, null, ["z"])];

        var used = SandboxJobRules.UsedBy(tables, result);

        Assert.Equal(["x"], used[0].FieldsRead);
        Assert.Empty(used[1].FieldsRead);
        Assert.Equal(["x", "y"], SandboxJobRules.UsedBy(tables, result with { UsedFields = null })[0].FieldsRead);
    }
}
