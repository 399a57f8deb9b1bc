using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 20 item 4, as an attacker tries it: ids in request bodies that reach into storage keys (<c>a/b</c>, <c>../x</c>,
/// <c>#</c>, <c>?</c>, <c>\</c>) are answered at once with 422 <c>request.invalid_id</c> naming the field, like ids in
/// routes — never a 503 after storage retries nor a 409 from a mangled key.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BodyIdEndToEndTests(PlatformHostFixture platform)
{
    public static TheoryData<string> StorageKeyBreakers() =>
    [
        "a/b",
        "../x",
        "agr-01jd8x3kq7m4r6t9v2w5y8z1a#",
        "scn-01jd8x3kq7m4r6t9v2w5y8z1a?",
        "pln-01jd8x3kq7m4r6t9v2w5y8z1a\\",
        "..\\..\\audit",
    ];

    [Theory]
    [MemberData(nameof(StorageKeyBreakers))]
    public async Task WriteRoutes_IdInBodyThatBreaksAStorageKey_422NamingTheFieldAtOnce(string bad)
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await ScenarioSteps.CreateOperatorWithAgreementAsync(authority);
        using var attacker = platform.Client(Roles.Operator, operatorId);
        var providerId = await ScenarioSteps.CreateOrganizationAsync(authority, "provider", "武汉市统计局");

        var scenario = JsonSerializer.SerializeToNode(ScenarioSteps.Body(agreementId, ["res-01jd8x3kq7m4r6t9v2w5y8z1ab"]))!.AsObject();
        var attempts = new List<(string Field, string Method, string Url, object Body, HttpClient Client)>
        {
            ("agreementId", "POST", "/api/scenarios", With(scenario, "agreementId", bad), attacker),
            ("dataNeeds[0].resourceId", "POST", "/api/scenarios", WithNeed(scenario, "resourceId", bad), attacker),
            ("dataNeeds[0].providerId", "POST", "/api/scenarios", WithNeed(scenario, "providerId", bad), attacker),
            ("scenarioId", "POST", "/api/products", new { scenarioId = bad, kind = "dataset", name = "指数", description = "d", price = 0, sourceJobIds = Array.Empty<string>() }, attacker),
            ("sourceJobIds[1]", "POST", "/api/products", new { scenarioId = "scn-01jd8x3kq7m4r6t9v2w5y8z1ab", kind = "dataset", name = "指数", description = "d", price = 0, sourceJobIds = new[] { "sbx-01jd8x3kq7m4r6t9v2w5y8z1ab", bad } }, attacker),
            ("derivedFrom", "POST", "/api/products", new { scenarioId = "scn-01jd8x3kq7m4r6t9v2w5y8z1ab", kind = "dataset", name = "指数", description = "d", price = 0, derivedFrom = bad }, attacker),
            ("planId", "POST", "/api/agreements", new { planId = bad, operatorId, selectionMethod = "negotiation", decisionRecord = "三重一大会议纪要", startsOn = "2026-01-01", endsOn = "2026-12-31", signedOn = "2026-01-01" }, authority),
            ("operatorId", "POST", "/api/agreements", new { planId = "pln-01jd8x3kq7m4r6t9v2w5y8z1ab", operatorId = bad, selectionMethod = "negotiation", decisionRecord = "三重一大会议纪要", startsOn = "2026-01-01", endsOn = "2026-12-31", signedOn = "2026-01-01" }, authority),
            ("grantId", "POST", "/api/sandbox/jobs", new { grantId = bad, mode = "full", sql = "SELECT 1" }, platform.Client(Roles.Personnel, operatorId)),
        };

        var failures = new List<string>();
        foreach (var (field, method, url, body, client) in attempts)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });
            clock.Stop();
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.UnprocessableEntity || !text.Contains("\"request.invalid_id\"", StringComparison.Ordinal))
            {
                failures.Add($"{method} {url} with {field}={bad}: {(int)response.StatusCode} {text}");
                continue;
            }

            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
            if (!errors.TryGetProperty(field, out _))
            {
                failures.Add($"{method} {url}: 422 without naming {field}: {text}");
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(2))
            {
                failures.Add($"{method} {url} with {field}: answered after {clock.Elapsed.TotalSeconds:0.0} s");
            }
        }

        Assert.Empty(failures);
    }

    private static JsonElement With(System.Text.Json.Nodes.JsonObject body, string field, string value)
    {
        var copy = body.DeepClone().AsObject();
        copy[field] = value;
        return JsonSerializer.SerializeToElement(copy);
    }

    private static JsonElement WithNeed(System.Text.Json.Nodes.JsonObject body, string field, string value)
    {
        var copy = body.DeepClone().AsObject();
        copy["dataNeeds"]![0]![field] = value;
        return JsonSerializer.SerializeToElement(copy);
    }
}
