using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.SandboxScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 14 item 5 over HTTP on the local host: the authority sets calibrated noise on a grant; full results carry it and
/// say so; a cell nothing bounds is refused; the ε budget shown on the grant runs down and then refuses further jobs.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SandboxNoiseEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task NoisyGrant_CountsReleasedWithNoiseMaxRefusedThenBudgetSpent409()
    {
        var setup = await GrantedAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        using var staff = StaffClient(platform, setup);

        var byOperator = await owner.PutAsJsonAsync($"/api/grants/{setup.GrantId}/release-control", new { required = false, noiseEpsilonPerJob = 10, noiseEpsilonTotal = 1000 });
        var half = await authority.PutAsJsonAsync($"/api/grants/{setup.GrantId}/release-control", new { required = false, noiseEpsilonPerJob = 1 });
        var set = await authority.PutAsJsonAsync($"/api/grants/{setup.GrantId}/release-control", new { required = false, noiseEpsilonPerJob = 1, noiseEpsilonTotal = 2 });

        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(half, HttpStatusCode.UnprocessableEntity, "sandbox.invalid_release_control");
        Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        var before = (await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}")).GetProperty("noise");
        Assert.Equal((1d, 2d, 2d), (before.GetProperty("epsilonPerJob").GetDouble(), before.GetProperty("epsilonTotal").GetDouble(), before.GetProperty("epsilonRemaining").GetDouble()));

        var counted = await RunAsync(staff, setup, "full", $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district ORDER BY district");
        var maximum = await RunAsync(staff, setup, "full", $"SELECT district, max(age) AS oldest FROM {setup.TableName} GROUP BY district");
        var third = await SubmitAsync(staff, setup, "full", $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district");

        Assert.Equal("released", counted.GetProperty("status").GetString());
        var checks = counted.GetProperty("checks");
        Assert.Equal(1d, checks.GetProperty("noiseEpsilon").GetDouble());
        Assert.Contains(checks.GetProperty("rules").EnumerateArray(), rule => rule.GetProperty("rule").GetString() == "noise" && rule.GetProperty("status").GetString() == "passed");
        var csv = Encoding.UTF8.GetString(await staff.GetByteArrayAsync($"/api/sandbox/jobs/{counted.GetProperty("id").GetString()}/result"));
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Select(line => line.Split(',')).ToDictionary(cells => cells[0], cells => long.Parse(cells[1], CultureInfo.InvariantCulture));
        Assert.Equal(["武昌区", "江岸区"], rows.Keys.Order(StringComparer.Ordinal));
        // Scale 1 (one record per person, ε = 1): a draw beyond 30 has probability e^-30; counts are still rounded to 5.
        Assert.All(rows, row => Assert.Equal(0, row.Value % 5));
        Assert.InRange(rows["武昌区"], 0, 55);
        Assert.InRange(rows["江岸区"], 0, 45);

        Assert.Equal(("withheld", "sandbox.output_withheld"), (maximum.GetProperty("status").GetString(), maximum.GetProperty("code").GetString()));
        Assert.Equal(["noise"], maximum.GetProperty("checks").GetProperty("failedRules").EnumerateArray().Select(r => r.GetString()));

        await FoundationEndToEndTests.AssertProblemAsync(third, HttpStatusCode.Conflict, "sandbox.noise_budget_exhausted");
        var after = (await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}")).GetProperty("noise");
        Assert.Equal((2d, 0d, 2), (after.GetProperty("epsilonSpent").GetDouble(), after.GetProperty("epsilonRemaining").GetDouble(), after.GetProperty("noisyJobs").GetInt32()));
        var control = await authority.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}/release-control");
        Assert.Equal(0d, control.GetProperty("noise").GetProperty("epsilonRemaining").GetDouble());
    }
}
