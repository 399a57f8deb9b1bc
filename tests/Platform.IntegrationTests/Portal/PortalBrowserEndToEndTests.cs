using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Platform.Domain.Security;
using Platform.IntegrationTests.EndToEnd;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ProductSteps;

namespace Platform.IntegrationTests.Portal;

/// <summary>
/// Issue 21 end to end on the local host: a visitor in a real browser (Playwright driving the Debian chromium) uses the
/// public portal — finds a published resource by search and sees its masked sample, opens a published product, opens
/// the operator's disclosure page and downloads its CSV, and reads the charts' text alternatives. Every page is
/// screenshotted into the test output folder (artifacts/portal), checked with axe-core (no serious or critical
/// violations) and searched for the personal values uploaded and the product's internal record.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PortalBrowserEndToEndTests(PlatformHostFixture platform, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "portal");

    [Fact]
    public async Task Visitor_SearchesResourceOpensProductAndOperatorDownloadsCsv_ChartsAccessibleNoPersonalOrInternalValue()
    {
        // A published api product (fast track: public-good, no personal information) of an operator with a grant.
        var setup = await ReleasedOutputAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var provider = platform.Client(Roles.Provider, setup.Sandbox.ProviderId);
        using var anonymous = platform.Client();
        var reviewComment = "门户测试内部审查意见" + ResourceScenario.UniqueChineseWord();
        var product = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup, name: "武汉市各区养老服务需求指数接口")));
        var productId = product.GetProperty("id").GetString()!;
        var link = await ProductLifecycleEndToEndTests.LinkAsync(authority, productId, $"product-compliance-{productId}-r1-authority", asRole: true);
        var approved = await anonymous.PostAsJsonAsync(link, new { decision = "approve", comment = reviewComment, scores = ProductLifecycleEndToEndTests.FullScores });
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        var published = await PlatformScenario.PollAsync(owner, $"/api/products/{productId}", p => p.GetProperty("status").GetString() == "published", TimeSpan.FromSeconds(60));
        var registration = published.GetProperty("registrationNumber").GetString()!;
        var called = await owner.PostAsJsonAsync($"/api/products/{productId}/calls?pageSize=1", new { callId = "portal-call-1" });
        Assert.True(called.StatusCode == HttpStatusCode.OK, await called.Content.ReadAsStringAsync());

        // A second resource of the same provider with names, ID numbers and mobiles, found by a word nobody else uses.
        var word = ResourceScenario.UniqueChineseWord();
        var people = ResourceScenario.NewPeopleFile(12);
        var resourceName = $"{word}社区养老服务登记";
        var resourceId = (await ResourceScenario.RegisterAsync(provider, resourceName)).GetProperty("id").GetString()!;
        var uploaded = await ResourceScenario.UploadAsync(provider, resourceId, Encoding.UTF8.GetBytes(people.Csv), "text/csv; charset=utf-8");
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        Assert.Equal("succeeded", (await ResourceScenario.SubmitAndWaitForSampleAsync(provider, resourceId)).GetProperty("status").GetString());
        var reviewed = await authority.PostAsJsonAsync($"/api/resources/{resourceId}/review", new { decision = "approve" });
        Assert.True(reviewed.IsSuccessStatusCode, await reviewed.Content.ReadAsStringAsync());

        Directory.CreateDirectory(Artifacts);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var visited = new List<(string Name, string Html)>();
        var violations = new List<string>();
        var cspReports = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                cspReports.Add(message.Text);
            }
        };

        async Task VisitedAsync(string name)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, $"{name}.png"), FullPage = true });
            visited.Add((name, await page.ContentAsync()));
            var axe = await page.RunAxe();
            violations.AddRange(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{name}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(" | ", v.Nodes.Select(n => n.Html))}"));
        }

        // 首页: headline figures and four charts, each with its text alternative; the first Tab reaches the skip link.
        await page.GotoAsync(platform.Host.BaseUrl + "/api/portal");
        await VisitedAsync("01-home");
        await page.Keyboard.PressAsync("Tab");
        var firstFocus = await page.EvaluateAsync<string>("document.activeElement.textContent");
        var charts = await page.Locator("figure.chart").CountAsync();
        var chartNames = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('figure.chart svg[role=img]')].map(s => s.querySelector('title').textContent + '|' + s.querySelector('desc').textContent)");
        var chartTables = await page.Locator("figure.chart table.chart-data").CountAsync();
        var stylesApplied = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.site-header')).backgroundColor");

        // 数据资源目录: search, open the resource, see the masked sample.
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "数据资源目录" }).First.ClickAsync();
        await page.Locator("#q").FillAsync(word);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "检索" }).ClickAsync();
        await page.WaitForURLAsync("**/api/portal/resources?q=*");
        await VisitedAsync("02-catalog-search");
        var found = await page.Locator("ul.cards li h3 a").AllTextContentsAsync();
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = resourceName }).ClickAsync();
        await page.WaitForURLAsync($"**/api/portal/resources/{resourceId}");
        await VisitedAsync("03-resource");
        var resourceText = await page.InnerTextAsync("main");

        // 数据产品和服务: the product list, then the operator's disclosure page and the product from there.
        await page.GotoAsync(platform.Host.BaseUrl + "/api/portal/products?kind=api&category=public-good");
        await VisitedAsync("04-products");
        await page.GotoAsync(platform.Host.BaseUrl + $"/api/portal/disclosure/operators/{setup.Sandbox.OperatorId}");
        await VisitedAsync("05-operator");
        var operatorText = await page.InnerTextAsync("main");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("a[download]").First.ClickAsync());
        var csvPath = Path.Combine(Artifacts, "operator.csv");
        await download.SaveAsAsync(csvPath);
        var csv = await File.ReadAllTextAsync(csvPath, Encoding.UTF8);
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "武汉市各区养老服务需求指数接口" }).First.ClickAsync();
        await page.WaitForURLAsync($"**/api/portal/products/{productId}");
        await VisitedAsync("06-product");
        var productText = await page.InnerTextAsync("main");

        // 授权运营信息公开: the index with the authorisations table, its CSV link and the term chart.
        await page.GotoAsync(platform.Host.BaseUrl + "/api/portal/disclosure");
        await VisitedAsync("07-disclosure");
        var disclosureCsvLinks = await page.Locator("a[download]").CountAsync();

        // Readable on a phone: the home page and the resource page at 375 px wide, without horizontal scrolling.
        await page.SetViewportSizeAsync(375, 812);
        await page.GotoAsync(platform.Host.BaseUrl + "/api/portal");
        await VisitedAsync("08-home-phone");
        var phoneOverflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        await page.GotoAsync(platform.Host.BaseUrl + $"/api/portal/resources/{resourceId}");
        await VisitedAsync("09-resource-phone");

        // A page that does not exist is a Chinese error page with its status for a browser.
        var missing = await page.GotoAsync(platform.Host.BaseUrl + "/api/portal/resources/res-01ARZ3NDEKTSV4RRFFQ69G5FAV");
        await VisitedAsync("10-not-found");
        var missingText = await page.InnerTextAsync("main");

        Assert.Equal("跳到主要内容", firstFocus);
        Assert.False(phoneOverflow);
        Assert.Equal(404, missing!.Status);
        Assert.Contains("页面未找到", missingText, StringComparison.Ordinal);
        Assert.Equal(4, charts);
        Assert.Equal(4, chartTables);
        Assert.All(chartNames, name => Assert.Matches(@"^.+\|.+：.+。$", name));
        Assert.Equal("rgb(11, 61, 110)", stylesApplied);
        Assert.Equal([resourceName], found);
        Assert.Contains("脱敏样例", resourceText, StringComparison.Ordinal);
        Assert.Contains("敏感个人信息", resourceText, StringComparison.Ordinal);
        Assert.Contains("武昌区", resourceText, StringComparison.Ordinal);
        Assert.Contains("武汉市各区养老服务需求指数接口", operatorText, StringComparison.Ordinal);
        Assert.Contains(productId, csv, StringComparison.Ordinal);
        Assert.Contains(registration, productText, StringComparison.Ordinal);
        Assert.Contains("公益类数据产品和服务，免费提供。", productText, StringComparison.Ordinal);
        Assert.True(disclosureCsvLinks >= 1);
        Assert.Empty(cspReports);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.All(Enumerable.Range(1, 10), i => Assert.True(File.Exists(Path.Combine(Artifacts, visited[i - 1].Name + ".png"))));

        // Nothing personal and nothing of the product's internal record on any page.
        string[] internalValues = [reviewComment, setup.ScenarioId, setup.ReleasedJobId, setup.Sandbox.GrantId, setup.Sandbox.TableName, setup.Sandbox.StaffId, setup.Sandbox.SampleJobId];
        foreach (var (name, html) in visited)
        {
            foreach (var value in people.Originals.Concat(setup.Sandbox.People.Select(p => p.Name)).Concat(internalValues))
            {
                Assert.False(html.Contains(value, StringComparison.Ordinal), $"Page {name} shows '{value}'.");
            }
        }
    }

    [Fact]
    public async Task Pages_ETagAndBadInput_304ForTheSameEtagCspAndProblemFor4xx()
    {
        using var anonymous = platform.Client();

        var first = await anonymous.GetAsync("/api/portal");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/portal");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var second = await anonymous.SendAsync(again);
        var css = await anonymous.GetAsync("/api/portal/assets/portal.css");
        var badPage = await anonymous.GetAsync("/api/portal/resources?page=0");
        var unknown = await anonymous.GetAsync("/api/portal/products/prd-01ARZ3NDEKTSV4RRFFQ69G5FAV");

        // Server time of each page as a visitor sees it (median of 5, whatever the shared test storage holds by now).
        var timings = new List<string>();
        foreach (var path in new[] { "/api/portal", "/api/portal/resources", "/api/portal/products", "/api/portal/disclosure" })
        {
            var samples = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                using var answer = await anonymous.GetAsync(path);
                samples.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }

            timings.Add($"{path}: median {samples.Order().ElementAt(2):0} ms");
        }

        output.WriteLine(string.Join(Environment.NewLine, timings));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/html", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", string.Join(";", first.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.True(first.Headers.CacheControl?.Public);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        await ProblemAsync(badPage, HttpStatusCode.BadRequest, "request.invalid_query");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
