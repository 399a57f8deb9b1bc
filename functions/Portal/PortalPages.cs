using System.Text;
using System.Text.Json;
using Platform.Domain.Disclosure;
using Platform.Domain.Portal;
using Platform.Domain.Products;
using Platform.Domain.Resources;
using Platform.Functions.Catalog;
using static Platform.Domain.Portal.PortalText;
using static Platform.Functions.Portal.PortalLayout;

namespace Platform.Functions.Portal;

/// <summary>The home page: headline figures and the four charts.</summary>
public sealed record PortalHomeModel(PortalHeadline Headline, IReadOnlyList<ChartData> Charts, DateTimeOffset AsOf);

/// <summary>The catalogue page: the filter as asked, the choices of each filter, and one page of matching resources.</summary>
public sealed record PortalCatalogModel(
    CatalogFilter Filter,
    IReadOnlyList<string> Domains,
    IReadOnlyList<(string Id, string Name)> Providers,
    IReadOnlyList<string> Frequencies,
    PortalPage<Resource> Page,
    IReadOnlyDictionary<string, string> ProviderNames);

/// <summary>A resource page: the public catalogue entry (fields and masked sample), its provider's name and its update history.</summary>
public sealed record PortalResourceModel(CatalogEntryView Entry, string ProviderName, IReadOnlyList<ResourceHistoryEntry> History);

/// <summary>The product list: the filters as asked and one page of published products with names and price bases.</summary>
public sealed record PortalProductsModel(
    string? Category,
    ProductKind? Kind,
    PortalPage<PublishedProductSummary> Page,
    IReadOnlyDictionary<string, string> OperatorNames,
    IReadOnlyDictionary<string, string> PriceBases);

/// <summary>The disclosure index: one page of authorisations, the operators, the published yearly snapshots and the term chart.</summary>
public sealed record PortalDisclosureModel(
    PortalPage<AuthorizationDisclosure> Authorizations,
    PortalPage<(string Id, string Name)> Operators,
    IReadOnlyList<int> SnapshotYears,
    ChartData TermChart);

/// <summary>An operator's disclosure page, each table paged on its own.</summary>
public sealed record PortalOperatorModel(
    OperatorDisclosure Disclosure,
    PortalPage<AuthorizationDisclosure> Authorizations,
    PortalPage<PublishedProductSummary> Products,
    PortalPage<ResourceUsageDisclosure> Usage);

/// <summary>A published yearly snapshot (M4.7.4), its authorisations paged.</summary>
public sealed record PortalSnapshotModel(DisclosureSnapshot Snapshot, PortalPage<AuthorizationDisclosure> Authorizations, PortalPage<OperatorDisclosure> Operators);

/// <summary>
/// The portal's pages, rendered on the server in Simplified Chinese. Pure functions of their models: every value goes
/// through <see cref="PortalText.E"/>; no page carries script, inline style or anything from another origin.
/// </summary>
public static class PortalPages
{
    public static string Home(PortalHomeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var h = model.Headline;
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(SiteName)).Append("</h1>");
        body.Append("<p class=\"lead\">本平台依据《湖北省公共数据资源授权运营实施办法（试行）》，在原始数据不出域、数据可用不可见的前提下，向社会公开数据资源目录（含脱敏样例）、已发布的数据产品和服务及其价格，以及授权运营情况。</p>");
        body.Append("<h2>主要数据</h2><ul class=\"figures\">");
        AppendFigure(body, "已发布数据资源", h.ResourcesPublished, "个", PortalPaths.Resources);
        AppendFigure(body, "已授权运营机构", h.OperatorsAuthorized, "家", PortalPaths.Disclosure);
        AppendFigure(body, "已发布数据产品和服务", h.ProductsPublished, "个", PortalPaths.Products);
        AppendFigure(body, $"{h.Year}年调用次数", h.CallsThisYear, "次", PortalPaths.Products);
        body.Append("</ul>");
        body.Append("<p class=\"muted\">统计截至 ").Append(E(DateTime(model.AsOf))).Append("。</p>");
        body.Append("<h2>栏目</h2><ul>");
        body.Append("<li>").Append(Link(PortalPaths.Resources, "数据资源目录")).Append("：按领域、提供单位、更新频率查找数据资源，查看字段说明和脱敏样例。</li>");
        body.Append("<li>").Append(Link(PortalPaths.Products, "数据产品和服务")).Append("：已发布的数据产品和服务、类别、价格及定价依据、登记编号。</li>");
        body.Append("<li>").Append(Link(PortalPaths.Disclosure, "授权运营信息公开")).Append("：授权对象、内容、范围和时限，运营机构的产品和数据资源使用情况，年度公开信息。</li>");
        body.Append("</ul>");
        body.Append("<h2>统计图表</h2><div class=\"charts\">");
        foreach (var chart in model.Charts)
        {
            body.Append(SvgBarChart.Render(chart));
        }

        body.Append("</div>");
        return Document("首页", PortalSection.Home, body.ToString());
    }

    public static string Catalog(PortalCatalogModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var f = model.Filter;
        var body = new StringBuilder("<h1>数据资源目录</h1>");
        body.Append("<p>目录只收录经主管部门审核发布的数据资源。样例数据已按字段分类分级脱敏，不含原始个人信息。</p>");
        body.Append("<form class=\"search\" method=\"get\" action=\"").Append(PortalPaths.Resources).Append("\" role=\"search\" aria-label=\"检索数据资源\">");
        body.Append("<div><label for=\"q\">关键词</label><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"").Append(CatalogSearch.MaxQueryLength)
            .Append("\" value=\"").Append(E(f.Query)).Append("\"></div>");
        AppendSelect(body, "domain", "领域", model.Domains.Select(d => (d, d)), f.Domain);
        AppendSelect(body, "provider", "数据提供单位", model.Providers.Select(p => (p.Id, p.Name)), f.ProviderId);
        AppendSelect(body, "frequency", "更新频率", model.Frequencies.Select(x => (x, x)), f.UpdateFrequency);
        body.Append("<div><button type=\"submit\">检索</button></div></form>");
        body.Append("<h2>检索结果</h2>");
        body.Append("<p role=\"status\">共找到 ").Append(model.Page.Total).Append(" 个数据资源。</p>");
        body.Append("<ul class=\"cards\">");
        foreach (var resource in model.Page.Items)
        {
            body.Append("<li><h3>").Append(Link(PortalPaths.Resource(resource.Id), resource.Name)).Append("</h3>");
            body.Append("<p>").Append(E(resource.Description)).Append("</p><dl class=\"facts\">");
            Fact(body, "领域", resource.Domain);
            Fact(body, "数据提供单位", model.ProviderNames.GetValueOrDefault(resource.ProviderId, ""));
            Fact(body, "更新频率", resource.UpdateFrequency);
            if (resource.PublishedAt is { } published)
            {
                Fact(body, "发布日期", Date(published));
            }

            body.Append("</dl></li>");
        }

        body.Append("</ul>");
        body.Append(Pager(model.Page, PortalPaths.Resources, "page", ("q", f.Query), ("domain", f.Domain), ("provider", f.ProviderId), ("frequency", f.UpdateFrequency)));
        return Document("数据资源目录", PortalSection.Catalog, body.ToString());
    }

    public static string Resource(PortalResourceModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entry = model.Entry;
        var body = new StringBuilder();
        body.Append("<p>").Append(Link(PortalPaths.Resources, "返回数据资源目录")).Append("</p>");
        body.Append("<h1>").Append(E(entry.Name)).Append("</h1><p>").Append(E(entry.Description)).Append("</p>");
        body.Append("<h2>基本信息</h2><dl class=\"facts\">");
        Fact(body, "资源编号", entry.Id);
        Fact(body, "领域", entry.Domain);
        Fact(body, "数据提供单位", model.ProviderName);
        Fact(body, "更新频率", entry.UpdateFrequency);
        Fact(body, "数据来源", entry.ObtainedThroughSharing ? "经政务数据共享获得（已取得原提供单位同意）" : "本单位采集");
        if (entry.PublishedAt is { } published)
        {
            Fact(body, "发布日期", Date(published));
        }

        body.Append("</dl>");
        body.Append("<h2>字段说明</h2>");
        body.Append(Table("字段名称、类型、分类和分级", ["字段名称", "类型", "数据分类", "数据分级", "样例处理方式"],
            entry.Fields.Select(field => (IReadOnlyList<string>)[E(field.Name), E(Label(field.Type)), E(Label(field.Classification)), E(Label(field.Grade)), E(Label(field.SampleMasking))])));
        body.Append("<h2>脱敏样例数据</h2>");
        body.Append("<p>以下为审核发布时生成的脱敏样例，共 ").Append(E(Number(entry.Sample.TotalRows))).Append(" 行，展示前 ").Append(entry.Sample.Rows.Count).Append(" 行。");
        if (entry.Sample.WithheldFields.Count > 0)
        {
            body.Append("字段“").Append(E(string.Join("、", entry.Sample.WithheldFields))).Append("”疑似含有个人身份信息，样例中不展示。");
        }

        body.Append("</p>");
        var columns = entry.Fields.Select(f => f.Name).ToList();
        body.Append(Table("脱敏样例", columns, entry.Sample.Rows.Select(row => (IReadOnlyList<string>)columns.Select(c => SampleCell(row, c)).ToList()), "暂无样例数据"));
        body.Append("<h2>更新记录</h2><ol>");
        foreach (var item in model.History)
        {
            body.Append("<li><time datetime=\"").Append(E(item.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))).Append("\">")
                .Append(E(DateTime(item.At))).Append("</time> ").Append(E(item.Event)).Append("</li>");
        }

        body.Append("</ol>");
        body.Append("<p class=\"muted\">机器可读格式：").Append(Link($"/api/catalog/{Uri.EscapeDataString(entry.Id)}", "JSON")).Append("</p>");
        return Document(entry.Name, PortalSection.Catalog, body.ToString());
    }

    public static string Products(PortalProductsModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var body = new StringBuilder("<h1>数据产品和服务</h1>");
        body.Append("<p>经合规审查并登记发布的数据产品和服务。公益类免费提供；产业类实行政府指导价，收费不高于主管部门确定的上限。</p>");
        body.Append("<form class=\"search\" method=\"get\" action=\"").Append(PortalPaths.Products).Append("\" aria-label=\"筛选数据产品和服务\">");
        AppendSelect(body, "category", "类别", [(ProductRules.PublicGood, UseCategory(ProductRules.PublicGood)), (ProductRules.Industry, UseCategory(ProductRules.Industry))], model.Category);
        AppendSelect(body, "kind", "产品形态", Enum.GetValues<ProductKind>().Select(k => (ProductWire.Of(k), Label(k))), model.Kind is { } kind ? ProductWire.Of(kind) : null);
        body.Append("<div><button type=\"submit\">筛选</button></div></form>");
        body.Append(Table("已发布的数据产品和服务", ["名称", "产品形态", "类别", "价格", "定价依据", "运营机构", "登记编号", "登记日期"],
            model.Page.Items.Select(p => (IReadOnlyList<string>)
            [
                Link(PortalPaths.Product(p.Id), p.Name), E(Label(p.Kind)), E(UseCategory(p.UseCategory)), E(Price(p.Price)),
                E(model.PriceBases.GetValueOrDefault(p.Id, "")), Link(PortalPaths.Operator(p.OperatorId), model.OperatorNames.GetValueOrDefault(p.OperatorId, p.OperatorId)),
                E(p.RegistrationNumber), E(Date(p.RegisteredOn)),
            ])));
        body.Append(Pager(model.Page, PortalPaths.Products, "page", ("category", model.Category), ("kind", model.Kind is { } k ? ProductWire.Of(k) : null)));
        return Document("数据产品和服务", PortalSection.Products, body.ToString());
    }

    public static string Product(PublicProduct product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var body = new StringBuilder();
        body.Append("<p>").Append(Link(PortalPaths.Products, "返回数据产品和服务")).Append("</p>");
        body.Append("<h1>").Append(E(product.Name)).Append("</h1><p>").Append(E(product.Description)).Append("</p>");
        body.Append("<h2>产品信息</h2><dl class=\"facts\">");
        Fact(body, "产品形态", Label(product.Kind));
        Fact(body, "类别", UseCategory(product.UseCategory));
        Fact(body, "价格", Price(product.Price));
        Fact(body, "定价依据", product.PriceBasis);
        body.Append("<dt>运营机构</dt><dd>").Append(Link(PortalPaths.Operator(product.OperatorId), product.OperatorName)).Append("</dd>");
        Fact(body, "登记编号", product.RegistrationNumber);
        Fact(body, "登记日期", Date(product.RegisteredOn));
        if (product.DerivedFrom is { } origin)
        {
            body.Append("<dt>再开发自</dt><dd>").Append(Link(PortalPaths.Product(origin), origin)).Append("</dd>");
        }

        body.Append("</dl>");
        body.Append("<h2>使用的数据资源</h2>");
        body.Append(Table("产品使用的数据资源", ["数据资源", "数据提供单位", "使用字段数"],
            product.DataUsed.Select(d => (IReadOnlyList<string>)[Link(PortalPaths.Resource(d.ResourceId), d.ResourceName.Length > 0 ? d.ResourceName : d.ResourceId), E(d.ProviderName), E(Number(d.FieldCount))])));
        return Document(product.Name, PortalSection.Products, body.ToString());
    }

    public static string Disclosure(PortalDisclosureModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var body = new StringBuilder("<h1>授权运营信息公开</h1>");
        body.Append("<p>依据《实施办法》公开授权运营的对象、内容、范围和时限，以及各运营机构的数据产品和服务、数据资源使用情况；每年3月底前公开上一年度信息。</p>");
        body.Append("<h2>授权运营情况</h2>");
        body.Append(CsvLink(PortalPaths.AuthorizationsCsv, "全部授权运营信息"));
        body.Append(AuthorizationTable("授权运营协议（对象、内容、范围、时限）", model.Authorizations.Items));
        body.Append(Pager(model.Authorizations, PortalPaths.Disclosure, "page", ("operatorPage", Keep(model.Operators))));
        body.Append("<h2>运营机构</h2><ul class=\"cards\">");
        foreach (var (id, name) in model.Operators.Items)
        {
            body.Append("<li>").Append(Link(PortalPaths.Operator(id), name)).Append(" · ").Append(Link(PortalPaths.OperatorCsv(id), "下载 CSV")).Append("</li>");
        }

        body.Append("</ul>");
        body.Append(Pager(model.Operators, PortalPaths.Disclosure, "operatorPage", ("page", Keep(model.Authorizations))));
        body.Append("<h2>年度公开信息</h2>");
        if (model.SnapshotYears.Count == 0)
        {
            body.Append("<p>暂无已发布的年度公开信息（每年3月发布上一年度信息）。</p>");
        }
        else
        {
            body.Append("<ul>");
            foreach (var year in model.SnapshotYears)
            {
                body.Append("<li>").Append(Link(PortalPaths.Snapshot(year), $"{year}年度授权运营信息")).Append(" · ").Append(Link(PortalPaths.SnapshotCsv(year), "下载 CSV")).Append("</li>");
            }

            body.Append("</ul>");
        }

        body.Append("<h2>统计图表</h2><div class=\"charts\">").Append(SvgBarChart.Render(model.TermChart)).Append("</div>");
        return Document("授权运营信息公开", PortalSection.Disclosure, body.ToString());
    }

    public static string Operator(PortalOperatorModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var d = model.Disclosure;
        var path = PortalPaths.Operator(d.OperatorId);
        var csv = PortalPaths.OperatorCsv(d.OperatorId);
        (string, string?)[] pages = [("authPage", Keep(model.Authorizations)), ("productPage", Keep(model.Products)), ("usagePage", Keep(model.Usage))];
        var body = new StringBuilder();
        body.Append("<p>").Append(Link(PortalPaths.Disclosure, "返回授权运营信息公开")).Append("</p>");
        body.Append("<h1>").Append(E(d.OperatorName)).Append("</h1><dl class=\"facts\">");
        Fact(body, "统一社会信用代码", d.OperatorCreditCode);
        Fact(body, "所在地区", d.Region);
        body.Append("</dl>");
        body.Append("<h2>授权情况</h2>").Append(CsvLink(csv, "本机构公开信息"));
        body.Append(AuthorizationTable("授权运营协议（对象、内容、范围、时限）", model.Authorizations.Items));
        body.Append(Pager(model.Authorizations, path, "authPage", Others(pages, "authPage")));
        body.Append("<h2>数据产品和服务</h2>").Append(CsvLink(csv, "本机构公开信息"));
        body.Append(Table("已发布的数据产品和服务", ["名称", "产品形态", "类别", "价格", "登记编号", "登记日期"],
            model.Products.Items.Select(p => (IReadOnlyList<string>)[Link(PortalPaths.Product(p.Id), p.Name), E(Label(p.Kind)), E(UseCategory(p.UseCategory)), E(Price(p.Price)), E(p.RegistrationNumber), E(Date(p.RegisteredOn))])));
        body.Append(Pager(model.Products, path, "productPage", Others(pages, "productPage")));
        body.Append("<h2>数据资源使用情况</h2>").Append(CsvLink(csv, "本机构公开信息"));
        body.Append(Table("获授权使用的数据资源", ["数据资源", "数据提供单位", "授权字段数", "授权期间", "状态"],
            model.Usage.Items.Select(u => (IReadOnlyList<string>)[Link(PortalPaths.Resource(u.ResourceId), u.ResourceName), E(u.ProviderName), E(Number(u.GrantedFieldCount)), E($"{Date(u.GrantedAt)} 至 {Date(u.ExpiresAt)}"), E(Label(u.Status))])));
        body.Append(Pager(model.Usage, path, "usagePage", Others(pages, "usagePage")));
        return Document(d.OperatorName, PortalSection.Disclosure, body.ToString());
    }

    public static string Snapshot(PortalSnapshotModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var s = model.Snapshot;
        var path = PortalPaths.Snapshot(s.Year);
        var body = new StringBuilder();
        body.Append("<p>").Append(Link(PortalPaths.Disclosure, "返回授权运营信息公开")).Append("</p>");
        body.Append("<h1>").Append(s.Year).Append("年度授权运营信息</h1>");
        body.Append("<p>公开期间：").Append(E(Term(s.PeriodStart, s.PeriodEnd))).Append("；发布时间：").Append(E(DateTime(s.PublishedAt))).Append("。</p>");
        body.Append(CsvLink(PortalPaths.SnapshotCsv(s.Year), $"{s.Year}年度公开信息"));
        body.Append(AuthorizationTable("年度内有效的授权运营协议", model.Authorizations.Items));
        body.Append(Pager(model.Authorizations, path, "page", ("operatorPage", Keep(model.Operators))));
        body.Append("<h2>运营机构年度情况</h2>");
        body.Append(Table("运营机构年度数据产品和资源使用", ["运营机构", "授权协议数", "数据产品和服务数", "使用数据资源数"],
            model.Operators.Items.Select(o => (IReadOnlyList<string>)[Link(PortalPaths.Operator(o.OperatorId), o.OperatorName), E(Number(o.Authorizations.Count)), E(Number(o.Products.Count)), E(Number(o.ResourceUsage.Count))])));
        body.Append(Pager(model.Operators, path, "operatorPage", ("page", Keep(model.Authorizations))));
        return Document($"{s.Year}年度授权运营信息", PortalSection.Disclosure, body.ToString());
    }

    /// <summary>The error page of a refused portal request: what went wrong in Chinese, the stable code, a way back.</summary>
    public static string Problem(int status, string code)
    {
        var (title, explanation) = status switch
        {
            404 => ("页面未找到", "您访问的数据资源、数据产品或公开信息不存在，或尚未发布。"),
            400 => ("请求有误", "查询条件或页码不正确，请返回后重新检索。"),
            _ => ("无法处理请求", "请求无法处理，请返回首页。"),
        };
        var body = $"<h1>{E(title)}</h1><p role=\"alert\">{E(explanation)}</p><p class=\"muted\">错误代码：<code>{E(code)}</code>（HTTP {status}）</p><p>{Link(PortalPaths.Base, "返回首页")}</p>";
        return Document(title, PortalSection.Home, body);
    }

    /// <summary>M4.7.4 对象、内容、范围和时限 as one table.</summary>
    private static string AuthorizationTable(string caption, IEnumerable<AuthorizationDisclosure> items)
        => Table(caption, ["授权对象", "授权内容（实施方案）", "授权范围", "授权期限", "遴选方式", "状态"],
            items.Select(a => (IReadOnlyList<string>)
            [
                Link(PortalPaths.Operator(a.OperatorId), a.OperatorName), E(a.PlanTitle), E(Scope(a.StatedScope ?? a.Scope, a.PlanMode, a.Region)),
                E(Term(a.StartsOn, a.EndsOn)), E(Label(a.SelectionMethod)), E(Label(a.Status)),
            ]));

    private static string SampleCell(IReadOnlyDictionary<string, JsonElement?> row, string column)
    {
        if (!row.TryGetValue(column, out var value) || value is null)
        {
            return "<span class=\"withheld\">（不展示）</span>";
        }

        return E(value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : value.Value.GetRawText());
    }

    private static void AppendFigure(StringBuilder body, string label, long value, string unit, string href)
        => body.Append("<li><a href=\"").Append(E(href)).Append("\"><span class=\"value\">").Append(E(Number(value))).Append("</span>")
            .Append(E(label)).Append("（").Append(E(unit)).Append("）</a></li>");

    private static void AppendSelect(StringBuilder body, string name, string label, IEnumerable<(string Value, string Text)> options, string? selected)
    {
        body.Append("<div><label for=\"").Append(name).Append("\">").Append(E(label)).Append("</label><select id=\"").Append(name).Append("\" name=\"").Append(name).Append("\">");
        body.Append("<option value=\"\">全部</option>");
        foreach (var (value, text) in options)
        {
            body.Append("<option value=\"").Append(E(value)).Append('"').Append(value == selected ? " selected" : "").Append('>').Append(E(text)).Append("</option>");
        }

        body.Append("</select></div>");
    }

    private static void Fact(StringBuilder body, string label, string value)
        => body.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>");

    private static string? Keep<T>(PortalPage<T> page) => page.Number <= 1 ? null : page.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static (string, string?)[] Others((string, string?)[] pages, string except) => pages.Where(p => p.Item1 != except).ToArray();
}
