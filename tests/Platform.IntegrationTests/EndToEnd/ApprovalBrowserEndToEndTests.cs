using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ScenarioSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// A real browser (headless Chromium, Debian package <c>chromium</c>, driven over the DevTools protocol) opens a
/// signed link, reads the page, fills in the form and submits it; the scenario's review changes accordingly.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ApprovalBrowserEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task Browser_OpensLinkReadsChinesePageSubmitsForm_DecisionRecorded()
    {
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (operatorId, agreementId) = await CreateOperatorWithAgreementAsync(authority);
        var providerId = await CreateOrganizationAsync(authority, "provider", "湖北省电力公司");
        using var owner = platform.Client(Roles.Operator, operatorId);
        using var provider = platform.Client(Roles.Provider, providerId);
        var scenarioId = await SubmitAsync(owner, Body(agreementId, [await PublishResourceAsync(authority, provider)]));
        var link = await LinkAsync(authority, scenarioId, $"{InstanceId(scenarioId, 1)}-authority", asRole: true);

        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(platform.Host.BaseUrl + link);
        var charset = await browser.EvaluateAsync<string>("document.characterSet");
        var text = await browser.EvaluateAsync<string>("document.body.innerText");
        var scripts = await browser.EvaluateAsync<int>("document.scripts.length");
        await browser.SubmitAsync("""
            for (const name of ['economicValue','socialValue','businessModel','reasonableness','necessity','satisfiability'])
              document.querySelector(`input[name="scores.${name}"][value="4"]`).click();
            document.querySelector('input[name="decision"][value="approve"]').click();
            document.querySelector('#comment').value = '同意（浏览器提交）';
            document.querySelector('button[type="submit"]').click();
            """);
        var answer = await browser.EvaluateAsync<string>("document.body.innerText");

        Assert.Equal("UTF-8", charset);
        Assert.Contains(Title, text, StringComparison.Ordinal);
        Assert.Contains("湖北数据运营有限公司", text, StringComparison.Ordinal);
        Assert.Contains("评估各区域电网承载能力，确定可建桩数量。", text, StringComparison.Ordinal);
        Assert.Contains("可满足性", text, StringComparison.Ordinal);
        Assert.Equal(0, scripts);
        Assert.Contains("您的决定已记录", answer, StringComparison.Ordinal);
        // Sealed reviews (M4.2): while the round is open the operator sees only that the slot is decided; the authority sees the decision.
        var view = await PlatformScenario.PollAsync(authority, $"/api/scenarios/{scenarioId}",
            s => s.GetProperty("reviews").EnumerateArray().Any(r => r.GetProperty("slot").GetString() == "authority" && r.GetProperty("state").GetString() == "decided"),
            TimeSpan.FromSeconds(30));
        var review = view.GetProperty("reviews").EnumerateArray().Single(r => r.GetProperty("slot").GetString() == "authority");
        Assert.Equal("approve", review.GetProperty("decision").GetString());
        Assert.Equal("同意（浏览器提交）", review.GetProperty("comment").GetString());
        Assert.Equal(4, review.GetProperty("scores").GetProperty("necessity").GetInt32());
    }
}
