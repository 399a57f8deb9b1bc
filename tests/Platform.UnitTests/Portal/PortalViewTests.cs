using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.Domain.Agreements;
using Platform.Domain.Catalog;
using Platform.Domain.Disclosure;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Plans;
using Platform.Domain.Portal;
using Platform.Domain.Products;
using Platform.Domain.Resources;
using Platform.Functions.Catalog;
using Platform.Functions.Portal;
using Xunit;

namespace Platform.UnitTests.Portal;

public sealed class PortalTextTests
{
    [Fact]
    public void Link_BlankText_ShowsTheIdItLinksToSoTheLinkHasText()
    {
        Assert.Equal("<a href=\"/api/portal/disclosure/operators/org-1\">org-1</a>", PortalLayout.Link("/api/portal/disclosure/operators/org-1", " "));
        Assert.Equal("<a href=\"/api/portal/products/prd-1\">养老&lt;b&gt;</a>", PortalLayout.Link("/api/portal/products/prd-1", "养老<b>"));
    }

    [Fact]
    public void E_MarkupQuotesAndChinese_MarkupEscapedChineseKept()
    {
        var encoded = PortalText.E("<script>alert(\"x\")</script>&'养老'");

        Assert.DoesNotContain("<script>", encoded, StringComparison.Ordinal);
        Assert.DoesNotContain("\"", encoded, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", encoded, StringComparison.Ordinal);
        Assert.Contains("养老", encoded, StringComparison.Ordinal);
    }

    [Fact]
    public void Date_UtcLateEvening_IsTheNextDayInChinaStandardTime()
    {
        var instant = new DateTimeOffset(2026, 3, 31, 16, 30, 0, TimeSpan.Zero);

        Assert.Equal("2026年4月1日", PortalText.Date(instant));
        Assert.Equal("2026-04-01 00:30（北京时间）", PortalText.DateTime(instant));
    }

    [Fact]
    public void Label_ClassificationGradeKind_InChinese()
    {
        Assert.Equal("敏感个人信息", PortalText.Label(FieldClassification.SensitivePersonal));
        Assert.Equal("重要数据", PortalText.Label(FieldGrade.Important));
        Assert.Equal("数据接口", PortalText.Label(ProductKind.Api));
        Assert.Equal("公益类", PortalText.UseCategory(ProductRules.PublicGood));
        Assert.Equal("免费", PortalText.Price(0));
        Assert.Equal("¥1,200.50 元", PortalText.Price(1200.5m));
    }
}

public sealed class SvgBarChartTests
{
    private static readonly ChartData Chart = new("chart-x", "数据资源按领域分布", "已发布的数据资源按领域统计", "个", [new ChartBar("民政", 3), new ChartBar("交通", 1)]);

    [Fact]
    public void Render_Chart_SvgLabelledByTitleAndDescWithFigcaptionAndDataTable()
    {
        var html = SvgBarChart.Render(Chart);

        Assert.Contains("role=\"img\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-labelledby=\"chart-x-title chart-x-desc\"", html, StringComparison.Ordinal);
        Assert.Contains("<title id=\"chart-x-title\">数据资源按领域分布</title>", html, StringComparison.Ordinal);
        Assert.Contains("<desc id=\"chart-x-desc\">已发布的数据资源按领域统计：民政 3个；交通 1个。合计 4个。</desc>", html, StringComparison.Ordinal);
        Assert.Contains("<figcaption>数据资源按领域分布</figcaption>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">民政</th><td>3</td>", html, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("<rect ").Length - 1);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LabelWithMarkup_EscapedInSvgAndTable()
    {
        var html = SvgBarChart.Render(Chart with { Bars = [new ChartBar("<b onclick=x>", 2)] });

        Assert.DoesNotContain("<b onclick", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b onclick=x&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LargestBar_SpansTheWholePlotWidth()
    {
        var html = SvgBarChart.Render(Chart);

        Assert.Contains($"width=\"{SvgBarChart.Width - SvgBarChart.LabelWidth - SvgBarChart.ValueWidth}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NoBars_SaysThereIsNoData()
        => Assert.Equal("已发布的数据资源按领域统计：暂无数据。", SvgBarChart.Describe(Chart with { Bars = [] }));
}

public sealed class PortalPagingTests
{
    [Fact]
    public void Slice_45ItemsPage3_FiveItemsThreePagesNoNext()
    {
        var page = PortalPaging.Slice(Enumerable.Range(1, 45).ToList(), 3);

        Assert.Equal([41, 42, 43, 44, 45], page.Items);
        Assert.Equal((3, 45, true, false), (page.PageCount, page.Total, page.HasPrevious, page.HasNext));
    }

    [Fact]
    public void Slice_Empty_OneEmptyPage()
    {
        var page = PortalPaging.Slice(Array.Empty<int>(), 1);

        Assert.Empty(page.Items);
        Assert.Equal(1, page.PageCount);
        Assert.False(page.HasNext);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("99999")]
    public void ParsePage_NotAPageNumber_400InvalidQuery(string text)
    {
        var error = Assert.Throws<DomainException>(() => PortalPaging.ParsePage(text));

        Assert.Equal((FailureKind.BadRequest, "request.invalid_query"), (error.Kind, error.Code));
    }

    [Fact]
    public void ParsePage_AbsentOrTwo_OneOrTwo()
        => Assert.Equal((1, 2), (PortalPaging.ParsePage(null), PortalPaging.ParsePage("2")));

    [Fact]
    public void Pager_MiddlePage_LinksKeepTheFiltersAndEscapeThem()
    {
        var page = PortalPaging.Slice(Enumerable.Range(1, 60).ToList(), 2);

        var html = PortalLayout.Pager(page, PortalPaths.Resources, "page", ("q", "养老&\"x"), ("domain", null));

        Assert.Contains("href=\"/api/portal/resources?q=%E5%85%BB%E8%80%81%26%22x\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/portal/resources?q=%E5%85%BB%E8%80%81%26%22x&amp;page=3\"", html, StringComparison.Ordinal);
        Assert.Contains("第 2 / 3 页（共 60 条）", html, StringComparison.Ordinal);
    }
}

public sealed class PortalFiguresTests
{
    private static AuthorizationDisclosure Authorization(string operatorId, DateOnly startsOn, DateOnly endsOn, AgreementStatus status = AgreementStatus.Active)
        => new($"agr-{operatorId}-{startsOn:yyyyMMdd}", operatorId, "运营机构", "91420100MA4K000000", "方案", PlanMode.Whole, "420000", SelectionMethod.PublicTender, startsOn, endsOn, status);

    [Theory]
    [InlineData("2026-01-01", "2026-12-31", 1)]
    [InlineData("2026-01-01", "2028-12-31", 3)]
    [InlineData("2026-01-01", "2029-01-01", 3)]
    [InlineData("2026-01-01", "2029-01-02", 4)]
    [InlineData("2028-02-29", "2033-02-28", 5)]
    public void TermYears_Term_WholeYearsRoundedUp(string startsOn, string endsOn, int years)
        => Assert.Equal(years, PortalFigures.TermYears(DateOnly.Parse(startsOn, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(endsOn, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void AuthorizationsByTerm_OneAndThreeYears_CountedInTheirBuckets()
    {
        var chart = PortalFigures.AuthorizationsByTerm(
        [
            Authorization("org-a", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)),
            Authorization("org-b", new DateOnly(2026, 1, 1), new DateOnly(2028, 12, 31)),
            Authorization("org-c", new DateOnly(2026, 1, 1), new DateOnly(2028, 6, 30)),
        ]);

        Assert.Equal([1L, 0L, 2L, 0L, 0L], chart.Bars.Select(b => b.Value));
        Assert.Equal("2至3年", chart.Bars[2].Label);
    }

    [Fact]
    public void OperatorsAuthorized_EndedAgreementsAndRepeats_OnlyDistinctOperatorsInForce()
        => Assert.Equal(2, PortalFigures.OperatorsAuthorized(
        [
            Authorization("org-a", new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)),
            Authorization("org-a", new DateOnly(2026, 2, 1), new DateOnly(2027, 1, 1), AgreementStatus.Expiring),
            Authorization("org-b", new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)),
            Authorization("org-c", new DateOnly(2020, 1, 1), new DateOnly(2021, 1, 1), AgreementStatus.Expired),
        ]));

    [Fact]
    public void CallsByMonth_MetersOfTwoYears_OnlyTheYearByCstMonth()
    {
        ProductCallMeter[] meters =
        [
            new("prd-1", "org-a", new DateOnly(2026, 1, 31), 5),
            new("prd-1", "org-b", new DateOnly(2026, 1, 2), 2),
            new("prd-2", "org-a", new DateOnly(2026, 12, 1), 4),
            new("prd-2", "org-a", new DateOnly(2025, 12, 31), 100),
        ];

        var chart = PortalFigures.CallsByMonth(meters, 2026);

        Assert.Equal(12, chart.Bars.Count);
        Assert.Equal((7L, 4L, 11L), (chart.Bars[0].Value, chart.Bars[11].Value, chart.Total));
        Assert.Equal(11, PortalFigures.CallsInYear(meters, 2026));
    }

    [Fact]
    public void ProductsByCategory_Mixed_BothCategoriesAlwaysShown()
    {
        var chart = PortalFigures.ProductsByCategory(
        [
            new PublishedProductSummary("prd-1", "org-a", "org-a", "指数", ProductKind.Index, ProductRules.Industry, 10, "HBDP-1", new DateOnly(2026, 1, 1), [], [], null),
        ]);

        Assert.Equal([("公益类", 0L), ("产业类", 1L)], chart.Bars.Select(b => (b.Label, b.Value)));
    }
}

public sealed class PortalRulesTests
{
    private static Resource Resource(string id, string domain, string provider, string frequency, ResourceStatus status = ResourceStatus.Published, string name = "社区养老服务登记")
        => new(id, provider, name, "居民办理社区养老服务的登记信息", domain, frequency, [], null, status, DateTimeOffset.UnixEpoch, "user-1");

    [Fact]
    public void CatalogFilter_TextDomainProviderFrequency_OnlyPublishedMatchesInIdOrder()
    {
        Resource[] all =
        [
            Resource("res-3", "民政", "org-p1", "每月"),
            Resource("res-1", "民政", "org-p1", "每月"),
            Resource("res-2", "交通", "org-p1", "每月", name: "公交线路"),
            Resource("res-4", "民政", "org-p2", "每月"),
            Resource("res-5", "民政", "org-p1", "每日"),
            Resource("res-6", "民政", "org-p1", "每月", ResourceStatus.Submitted),
        ];

        var found = new CatalogFilter("养老", "民政", "org-p1", "每月").Apply(all);

        Assert.Equal(["res-1", "res-3"], found.Select(r => r.Id));
        Assert.Equal(["交通", "民政"], CatalogFilter.Choices(all, r => r.Domain));
    }

    [Fact]
    public void PriceBasis_PublicGoodAndIndustryWithCap_FreeOrCapWithItsBasis()
    {
        var cap = new PriceCap(ProductKind.Api, 500, "CNY", "鄂发改价管〔2026〕1号", DateTimeOffset.UnixEpoch, "user-1");

        Assert.Equal("公益类数据产品和服务，免费提供。", PriceBasis.Describe(ProductRules.PublicGood, 0, null));
        Assert.Equal("产业类数据产品和服务，实行政府指导价：数据接口类最高 ¥500.00 元，依据：鄂发改价管〔2026〕1号。", PriceBasis.Describe(ProductRules.Industry, 300, cap));
    }

    [Fact]
    public void History_PublishedResource_DatesOfEachStepWithoutWho()
    {
        var resource = Resource("res-1", "民政", "org-p1", "每月") with
        {
            CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            SubmittedAt = new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero),
            PublishedAt = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero),
        };

        var history = PortalCatalog.History(resource);

        Assert.Equal(["登记数据资源", "提交审核并生成脱敏样例", "审核通过并发布"], history.Select(h => h.Event));
    }
}

public sealed class PortalPagesTests
{
    [Fact]
    public void Resource_SampleWithWithheldFieldAndMarkup_WithheldShownAsNotShownAndValuesEscaped()
    {
        var fields = new[]
        {
            new CatalogFieldView("姓名", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false, MaskingTechnique.Mask, "mask-name"),
            new CatalogFieldView("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true, MaskingTechnique.Keep, "keep"),
        };
        var row = new Dictionary<string, JsonElement?> { ["姓名"] = null, ["区县"] = JsonDocument.Parse("\"<i>武昌区</i>\"").RootElement.Clone() };
        var entry = new CatalogEntryView("res-1", "社区养老服务登记", "说明", "民政", "每月", "org-p1", false, DateTimeOffset.UnixEpoch, fields,
            new CatalogSampleView([row], 12, ["姓名"]));

        var html = PortalPages.Resource(new PortalResourceModel(entry, "武汉市民政局", []));

        Assert.Contains("<span class=\"withheld\">（不展示）</span>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;i&gt;武昌区&lt;/i&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<td>个人信息</td><td>一般数据</td><td>遮盖</td>", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"skip-link\" href=\"#main\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Product_PublicProduct_ShowsPriceBasisRegistrationAndOperatorLink()
    {
        var product = new PublicProduct("prd-1", "养老服务需求指数", "按区县统计", ProductKind.Index, ProductRules.PublicGood, 0, "公益类数据产品和服务，免费提供。",
            "org-op", "湖北数据运营有限公司", "HBDP-20260101-0001", new DateOnly(2026, 1, 1), null, [new PublicProductSource("res-1", "社区养老服务登记", "武汉市民政局", 2)]);

        var html = PortalPages.Product(product);

        Assert.Contains("HBDP-20260101-0001", html, StringComparison.Ordinal);
        Assert.Contains("公益类数据产品和服务，免费提供。", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/portal/disclosure/operators/org-op\"", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/api/portal/products\" aria-current=\"page\">", html, StringComparison.Ordinal);
    }
}

public sealed class PortalPageResultTests
{
    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"abc\"", true)]
    [InlineData("\"x\", \"abc\"", true)]
    [InlineData("*", true)]
    [InlineData("\"abd\"", false)]
    [InlineData("", false)]
    public void Matches_IfNoneMatch_ComparesTheTag(string header, bool expected)
        => Assert.Equal(expected, PortalPageResult.Matches(header, "\"abc\""));

    [Fact]
    public async Task Execute_FirstThenWithItsETag_200WithCacheHeadersThen304WithoutBody()
    {
        var page = new PortalPageResult("<p>首页</p>");
        var first = await RunAsync(page, null);
        var second = await RunAsync(page, first.Response.Headers.ETag.ToString());

        Assert.Equal(StatusCodes.Status200OK, first.Response.StatusCode);
        Assert.Equal(page.ETag, first.Response.Headers.ETag.ToString());
        Assert.StartsWith("public", first.Response.Headers.CacheControl.ToString(), StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", first.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Equal("<p>首页</p>", first.Body);
        Assert.Equal(StatusCodes.Status304NotModified, second.Response.StatusCode);
        Assert.Equal("", second.Body);
    }

    [Fact]
    public async Task Execute_ErrorPageWithIfNoneMatch_ItsStatusNotCachedNever304()
    {
        var page = new PortalPageResult(PortalPages.Problem(404, "product.not_found"), cacheControl: "no-store", statusCode: StatusCodes.Status404NotFound);

        var answer = await RunAsync(page, page.ETag);

        Assert.Equal(StatusCodes.Status404NotFound, answer.Response.StatusCode);
        Assert.Equal("no-store", answer.Response.Headers.CacheControl.ToString());
        Assert.Contains("页面未找到", answer.Body, StringComparison.Ordinal);
        Assert.Contains("<code>product.not_found</code>", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html,application/xhtml+xml,*/*;q=0.8", true)]
    [InlineData("application/json", false)]
    [InlineData("", false)]
    public void WantsHtml_Accept_OnlyWhenTextHtmlIsListed(string accept, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = accept;

        Assert.Equal(expected, PortalRun.WantsHtml(context.Request));
    }

    private static async Task<(HttpResponse Response, string Body)> RunAsync(PortalPageResult page, string? ifNoneMatch)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        await page.ExecuteResultAsync(new ActionContext { HttpContext = context });
        context.Response.Body.Position = 0;
        return (context.Response, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
