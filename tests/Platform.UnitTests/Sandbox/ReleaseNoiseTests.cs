using System.Globalization;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

/// <summary>Issue 14 item 5: optional calibrated Laplace noise, its ε budget, and the cells it refuses.</summary>
public sealed class ReleaseNoiseTests
{
    /// <summary>Always the same draw: u − ½ = 0.499, so the noise is +scale × ln(500) ≈ 6.2146 × scale.</summary>
    private sealed class FixedNoise(double uniform = 0.999) : INoiseSource
    {
        public double NextUniform() => uniform;
    }

    private sealed class SeededNoise(int seed) : INoiseSource
    {
        private readonly Random _random = new(seed);

        public double NextUniform() => (_random.Next(1, int.MaxValue) - 0.5) / int.MaxValue;
    }

    private static readonly double LargeDraw = Math.Log(500);

    private static OutputRuleResult Rule(SandboxResult result, string rule) => result.Checks!.Rules.Single(r => r.Rule == rule);

    /// <summary>Group a: 19 firms of 10 and one of 1,000,000 (dominant); group b: 20 firms of 100..119 (sum 2,190).</summary>
    private static SandboxTable Firms(long? maxRecordsPerSubject = 1, double? largest = 1_000_000)
    {
        var csv = new StringBuilder("g,v\n");
        for (var i = 0; i < 20; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"a,{(i == 0 ? 1_000_000 : 10)}\n");
            csv.Append(CultureInfo.InvariantCulture, $"b,{100 + i}\n");
        }

        return Table("t", [Field("g"), Field("v", FieldClassification.Internal, FieldType.Integer)], csv.ToString()) with
        {
            MaxRecordsPerSubject = maxRecordsPerSubject,
            FieldMagnitudes = largest is { } l ? new Dictionary<string, double> { ["v"] = l } : null,
        };
    }

    [Fact]
    public void Laplace_ManyDraws_CentredWithMeanAbsoluteEqualToScale()
    {
        var source = new SeededNoise(7);
        var draws = Enumerable.Range(0, 40_000).Select(_ => ReleaseNoise.Laplace(3, source)).ToList();

        // For Laplace(0, b): mean 0, E|X| = b; the standard error of 40,000 draws is about 0.02 and 0.015 here.
        Assert.InRange(draws.Average(), -0.1, 0.1);
        Assert.InRange(draws.Average(Math.Abs), 2.9, 3.1);
        Assert.InRange(draws.Count(d => d > 0) / 40_000d, 0.48, 0.52);
    }

    [Fact]
    public void CryptoNoiseSource_Draws_InsideTheOpenUnitIntervalAndUniform()
    {
        var draws = Enumerable.Range(0, 20_000).Select(_ => CryptoNoiseSource.Instance.NextUniform()).ToList();

        Assert.All(draws, d => Assert.InRange(d, double.Epsilon, 1 - 1e-17));
        Assert.InRange(draws.Average(), 0.49, 0.51);
        Assert.Equal(draws.Count, draws.Distinct().Count());
    }

    [Theory]
    [InlineData(1234.567, 10, 16)]
    [InlineData(1234.567, 16, 16)]
    [InlineData(1234.567, 0.3, 0.5)]
    [InlineData(-77.7, 3, 4)]
    public void Snap_NoisyValue_OnTheGridOfThePowerOfTwoAtLeastTheScale(double noisy, double scale, double grid)
    {
        var snapped = ReleaseNoise.Snap(noisy, scale);

        Assert.Equal(0, Math.IEEERemainder(snapped, grid));
        Assert.True(Math.Abs(snapped - noisy) <= grid / 2);
    }

    [Theory]
    [InlineData(ReleaseItemKind.Count, false, 3.0, 3.0)]
    [InlineData(ReleaseItemKind.Sum, false, 600.0, 600.0)]
    [InlineData(ReleaseItemKind.Sum, true, 600.0, 120.0)]
    [InlineData(ReleaseItemKind.Extreme, false, 600.0, null)]
    [InlineData(ReleaseItemKind.Quantile, false, 600.0, null)]
    [InlineData(ReleaseItemKind.Count, false, null, null)]
    public void Sensitivity_ByKind_CountsRecordsSumsMagnitudesAveragesOverK(ReleaseItemKind kind, bool averaged, double? bound, double? expected)
    {
        var item = new ReleaseItem("c", kind, [], null, null, "f") { ContributionBound = bound, Averaged = averaged };

        Assert.Equal(expected, ReleaseNoise.Sensitivity(item, k: 10));
    }

    [Fact]
    public async Task Full_NoiseOn_CountAndSumCarryNoiseScaledToOneSubject()
    {
        // ε = 1 over two aggregate columns: 0.5 each. Count: one record per firm, scale 2, grid 2. Sum: the largest value is
        // 1,000,000, scale 2,000,000, grid 2^21. The fixed draw adds 6.2146 × scale to each.
        var policy = Unrounded with { NoiseEpsilon = 1, NoiseSource = new FixedNoise() };

        var result = await Full(policy, "SELECT g, sum(v) AS total, count(*) AS n FROM t GROUP BY g ORDER BY g", Firms());

        Assert.Equal(SandboxStatus.Released, result.Status);
        var grid = Math.Pow(2, 21);
        var sum = Math.Round((2190 + (LargeDraw * 2_000_000)) / grid, MidpointRounding.AwayFromZero) * grid;
        var count = Math.Round((20 + (LargeDraw * 2)) / 2, MidpointRounding.AwayFromZero) * 2;
        Assert.Equal(["a", null, count.ToString(CultureInfo.InvariantCulture)], result.Rows[0]);
        Assert.Equal(["b", sum.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture)], result.Rows[1]);
        Assert.Equal(1d, result.Checks!.NoiseEpsilon);
        Assert.Contains("3 released cell(s)", Rule(result, OutputRules.Noise).Reasons.Single(), StringComparison.Ordinal);
        Assert.Equal(1L, result.Checks.SuppressedCells[OutputRules.Dominance]);
    }

    [Fact]
    public async Task Full_NoiseOnWithRounding_NoisyCountRoundedToBase()
    {
        var policy = new OutputCheckPolicy(10) { NoiseEpsilon = 2, NoiseSource = new FixedNoise() };

        var result = await Full(policy, "SELECT g, count(*) AS n FROM t GROUP BY g ORDER BY g", Firms());

        // Scale 1/2, grid 0.5: 20 + 3.107 = 23.107 → 23 → 25.
        Assert.Equal([["a", "25"], ["b", "25"]], result.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public async Task Full_NoiseOnAverage_ScaledToACellOfAtLeastKSubjects()
    {
        // avg: 2 × 1 × 1,000 / k (10) = 200 per unit of ε; ε = 1 → scale 200, grid 256; group b's mean is 109.5.
        var policy = Unrounded with { NoiseEpsilon = 1, NoiseSource = new FixedNoise() };

        var result = await Full(policy, "SELECT g, avg(v) AS mean FROM t GROUP BY g ORDER BY g", Firms(largest: 1000));

        var expected = Math.Round((109.5 + (LargeDraw * 200)) / 256, MidpointRounding.AwayFromZero) * 256;
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), result.Rows[1][1]);
    }

    [Fact]
    public async Task Full_NoiseOnFromTheRealGenerator_CountsVaryButStayNearTheTruth()
    {
        var policy = Unrounded with { NoiseEpsilon = 0.5 };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var run = 0; run < 10; run++)
        {
            var result = await Full(policy, "SELECT g, count(*) AS n FROM t GROUP BY g ORDER BY g", Firms());
            foreach (var row in result.Rows)
            {
                // Scale 2: a draw beyond 60 has probability e^-30.
                Assert.InRange(long.Parse(row[1]!, CultureInfo.InvariantCulture), 0, 80);
                seen.Add(row[1]!);
            }
        }

        // Twenty draws of scale 2 snapped to a grid of 2 that all land on 20: probability below 10^-6.
        Assert.True(seen.Count > 1, "the released counts never changed: no noise was added");
    }

    [Theory]
    [InlineData("SELECT g, max(v) AS top FROM t GROUP BY g", "top")]
    [InlineData("SELECT g, median(v) AS mid FROM t GROUP BY g", "mid")]
    [InlineData("SELECT g, stddev(v) AS spread FROM t GROUP BY g", "spread")]
    [InlineData("SELECT a.g, count(*) AS n FROM t a JOIN t b ON a.g = b.g GROUP BY a.g", "n")]
    public async Task Full_NoiseOnAndACellNothingBounds_RefusedBeforeRunningNamingIt(string sql, string column)
    {
        var result = await Full(Unrounded with { NoiseEpsilon = 1 }, sql, Firms());

        Assert.Equal(SandboxStatus.Withheld, result.Status);
        Assert.Empty(result.Rows);
        var noise = Rule(result, OutputRules.Noise);
        Assert.Equal(OutputRuleStatus.Failed, noise.Status);
        Assert.Contains(noise.Reasons, reason => reason.Contains($"'{column}'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, 1_000_000.0)]
    [InlineData(1L, null)]
    public async Task Full_NoiseOnWithoutTheCopysBounds_SumRefused(long? maxRecordsPerSubject, double? largest)
    {
        var firms = Firms(maxRecordsPerSubject, largest);
        var keyed = firms with { SubjectKey = maxRecordsPerSubject is null ? "g" : null };

        var result = await Full(Unrounded with { NoiseEpsilon = 1 }, "SELECT g, sum(v) AS total FROM t GROUP BY g", maxRecordsPerSubject is null ? keyed : firms);

        Assert.Equal(OutputRuleStatus.Failed, Rule(result, OutputRules.Noise).Status);
    }

    [Fact]
    public async Task Full_NoiseOff_NoNoiseRuleAndExactValues()
    {
        var result = await Full(Unrounded, "SELECT g, count(*) AS n FROM t GROUP BY g ORDER BY g", Firms());

        Assert.Equal([["a", "20"], ["b", "20"]], result.Rows.Select(r => r.ToArray()));
        Assert.DoesNotContain(result.Checks!.Rules, r => r.Rule == OutputRules.Noise);
        Assert.Null(result.Checks.NoiseEpsilon);
    }

    [Theory]
    [InlineData(0.5, null, "noiseEpsilonTotal")]
    [InlineData(null, 2.0, "noiseEpsilonPerJob")]
    [InlineData(20.0, 40.0, "noiseEpsilonPerJob")]
    [InlineData(0.001, 1.0, "noiseEpsilonPerJob")]
    [InlineData(1.0, 0.5, "noiseEpsilonTotal")]
    public void Validate_NoiseSettingsIncomplete_422NamingTheSetting(double? perJob, double? total, string field)
    {
        var grant = new Grant("grt-1", "agr-1", "scn-1", "org-operator", "drq-1", "org-provider",
            [new GrantTable("t", "res-1", "资源", "org-provider", [new GrantField("f", FieldType.String, FieldClassification.Public, FieldGrade.General, null)], "c", "b", "sha", 1, 0, "msk-1")],
            DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, GrantStatus.Active, null, null);

        var refused = Assert.Throws<DomainException>(() => SandboxReleaseRules.Validate(grant, new SandboxReleaseControlInput(false, [], null, perJob, total), new HashSet<string>()));

        Assert.Equal((FailureKind.Unprocessable, SandboxReleaseRules.InvalidControlCode), (refused.Kind, refused.Code));
        Assert.Equal([field], refused.Errors!.Keys);
    }

    private static async Task<(SandboxNoiseBudget Budget, InMemoryNoiseBudgetStore Spends, SandboxReleaseControl Control)> NoisyGrantAsync(double perJob, double total)
    {
        var controls = new InMemoryReleaseControlStore();
        var control = new SandboxReleaseControl("grt-1", false, [], "auth", DateTimeOffset.UnixEpoch, null, perJob, total);
        await controls.SaveAsync(control, null);
        var spends = new InMemoryNoiseBudgetStore();
        return (new SandboxNoiseBudget(controls, spends), spends, control);
    }

    [Fact]
    public async Task Reserve_BudgetOfTwoJobs_ThirdRefused409AndViewShowsNothingLeft()
    {
        var (budget, _, control) = await NoisyGrantAsync(0.1, 0.2);

        Assert.Equal(0.1, await budget.ReserveAsync("grt-1", "sbx-1", control));
        Assert.Equal(0.1, await budget.ReserveAsync("grt-1", "sbx-2", control));
        var refused = await Assert.ThrowsAsync<DomainException>(() => budget.ReserveAsync("grt-1", "sbx-3", control));

        Assert.Equal((FailureKind.Conflict, SandboxNoiseBudgetRules.ExhaustedCode), (refused.Kind, refused.Code));
        var view = await budget.OfAsync("grt-1");
        Assert.Equal(new SandboxNoiseBudgetView(0.1, 0.2, 0.2, 0, 2), view);
    }

    [Fact]
    public async Task Reserve_SameJobAgain_SpendsOnce()
    {
        var (budget, spends, control) = await NoisyGrantAsync(1, 5);

        await budget.ReserveAsync("grt-1", "sbx-1", control);
        await budget.ReserveAsync("grt-1", "sbx-1", control);

        Assert.Single(await spends.ListAsync("grt-1"));
        Assert.Equal(4, (await budget.OfAsync("grt-1"))!.EpsilonRemaining);
    }

    [Fact]
    public async Task Reserve_TwentyAtOnceAgainstFive_ExactlyFiveSpend()
    {
        var (budget, spends, control) = await NoisyGrantAsync(1, 5);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                return await budget.ReserveAsync("grt-1", $"sbx-{i}", control) is not null;
            }
            catch (DomainException e) when (e.Code == SandboxNoiseBudgetRules.ExhaustedCode)
            {
                return false;
            }
        })));

        Assert.Equal(5, attempts.Count(spent => spent));
        Assert.Equal(5, (await spends.ListAsync("grt-1")).Select(s => s.JobId).Distinct().Count());
    }

    [Fact]
    public async Task Reserve_GrantWithoutNoise_SpendsNothing()
    {
        var controls = new InMemoryReleaseControlStore();
        var spends = new InMemoryNoiseBudgetStore();
        var budget = new SandboxNoiseBudget(controls, spends);

        Assert.Null(await budget.ReserveAsync("grt-1", "sbx-1", (await controls.GetAsync("grt-1"))?.Value));
        Assert.Null(await budget.OfAsync("grt-1"));
        Assert.Empty(await spends.ListAsync("grt-1"));
    }

    [Fact]
    public async Task Run_AuthorityDropsNoiseAfterSubmission_JobStillRunsUnderTheEpsilonItReserved()
    {
        var world = new SandboxJobTestWorld();
        var set = await world.ReleaseControls.SaveAsync(new SandboxReleaseControl(SandboxJobTestWorld.GrantId, false, [], "auth", DateTimeOffset.UnixEpoch, null, 0.5, 1), null);
        await world.SubmitAsync("sbx-1", "SELECT district, count(*) AS people FROM t_people GROUP BY district");
        await world.ReleaseControls.SaveAsync(new SandboxReleaseControl(SandboxJobTestWorld.GrantId, false, [], "auth", DateTimeOffset.UnixEpoch), set);

        await world.Runner().RunAsync("sbx-1", CancellationToken.None);

        var checks = world.Jobs.Job("sbx-1").Checks!;
        Assert.Equal(0.5, checks.NoiseEpsilon);
        Assert.Contains(checks.Rules, rule => rule.Rule == OutputRules.Noise);
    }

    [Fact]
    public async Task Submit_FullJobOnNoisyGrant_JobCarriesItsEpsilonSampleJobSpendsNone()
    {
        var world = new SandboxJobTestWorld();
        await world.ReleaseControls.SaveAsync(new SandboxReleaseControl(SandboxJobTestWorld.GrantId, false, [], "auth", DateTimeOffset.UnixEpoch, null, 0.5, 1), null);
        var staff = new Caller(SandboxJobTestWorld.ClearedStaff, Roles.Personnel, SandboxJobTestWorld.OperatorOrg);
        const string sql = "SELECT district, count(*) AS people FROM t_people GROUP BY district";

        var sample = await world.Service.SubmitAsync("sbx-sample", new NewSandboxJob(SandboxJobTestWorld.GrantId, "sample", sql), staff);
        var full = await world.Service.SubmitAsync("sbx-full", new NewSandboxJob(SandboxJobTestWorld.GrantId, "full", sql), staff);

        Assert.Null(sample.Value.NoiseEpsilon);
        Assert.Equal(0.5, full.Value.NoiseEpsilon);
        Assert.Equal(0.5, (await world.NoiseSpends.ListAsync(SandboxJobTestWorld.GrantId)).Sum(s => s.Epsilon));
    }
}
