using System.Text;
using Platform.Domain.Portal;
using static Platform.Domain.Portal.PortalText;

namespace Platform.Functions.Portal;

/// <summary>The portal's sections, for the navigation and <c>aria-current</c>.</summary>
public enum PortalSection
{
    Home,
    Catalog,
    Products,
    Disclosure,
}

/// <summary>Addresses of the portal (the Functions route prefix is <c>api</c>).</summary>
public static class PortalPaths
{
    public const string Base = "/api/portal";
    public const string Stylesheet = Base + "/assets/portal.css";
    public const string Resources = Base + "/resources";
    public const string Products = Base + "/products";
    public const string Disclosure = Base + "/disclosure";

    public static string Resource(string id) => $"{Resources}/{Uri.EscapeDataString(id)}";

    public static string Product(string id) => $"{Products}/{Uri.EscapeDataString(id)}";

    public static string Operator(string id) => $"{Disclosure}/operators/{Uri.EscapeDataString(id)}";

    public static string Snapshot(int year) => $"{Disclosure}/snapshots/{year}";

    public static string OperatorCsv(string id) => $"/api/disclosure/operators/{Uri.EscapeDataString(id)}?format=csv";

    public static string SnapshotCsv(int year) => $"/api/disclosure/snapshots/{year}?format=csv";

    public const string AuthorizationsCsv = "/api/disclosure/authorizations?format=csv";

    /// <summary><paramref name="path"/> with the non-empty query values, in the order given (so equal pages have equal URLs and ETags).</summary>
    public static string With(string path, params (string Name, string? Value)[] query)
    {
        var parts = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}").ToList();
        return parts.Count == 0 ? path : path + "?" + string.Join("&", parts);
    }
}

/// <summary>
/// The page shell every portal page shares: <c>lang="zh-CN"</c>, viewport for phones, the app's stylesheet, a skip
/// link to the main content, a labelled primary navigation with <c>aria-current</c>, one <c>h1</c> per page (in the body).
/// </summary>
public static class PortalLayout
{
    public const string SiteName = "湖北省公共数据授权运营平台";

    private static readonly (PortalSection Section, string Path, string Label)[] Navigation =
    [
        (PortalSection.Home, PortalPaths.Base, "首页"),
        (PortalSection.Catalog, PortalPaths.Resources, "数据资源目录"),
        (PortalSection.Products, PortalPaths.Products, "数据产品和服务"),
        (PortalSection.Disclosure, PortalPaths.Disclosure, "授权运营信息公开"),
    ];

    public static string Document(string title, PortalSection current, string body)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(E(title)).Append(" - ").Append(E(SiteName)).Append("</title>\n");
        html.Append("<link rel=\"stylesheet\" href=\"").Append(PortalPaths.Stylesheet).Append("\">\n</head>\n<body>\n");
        html.Append("<a class=\"skip-link\" href=\"#main\">跳到主要内容</a>\n");
        html.Append("<header class=\"site-header\"><p class=\"site-name\"><a href=\"").Append(PortalPaths.Base).Append("\">").Append(E(SiteName)).Append("</a></p>");
        html.Append("<nav class=\"primary\" aria-label=\"主导航\"><ul>");
        foreach (var (section, path, label) in Navigation)
        {
            html.Append("<li><a href=\"").Append(path).Append('"').Append(section == current ? " aria-current=\"page\"" : "").Append('>').Append(E(label)).Append("</a></li>");
        }

        html.Append("</ul></nav></header>\n<main id=\"main\" tabindex=\"-1\">\n").Append(body).Append("\n</main>\n");
        html.Append("<footer class=\"site-footer\"><p>").Append(E(SiteName))
            .Append(" · 依据《湖北省公共数据资源授权运营实施办法（试行）》公开 · 时间均为北京时间</p></footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>
    /// The pager under a list: previous and next links keeping the list's other query values, and "第 n / m 页（共 t 条）".
    /// </summary>
    public static string Pager<T>(PortalPage<T> page, string path, string pageParameter, params (string Name, string? Value)[] query)
    {
        ArgumentNullException.ThrowIfNull(page);
        var html = new StringBuilder("<nav class=\"pages\" aria-label=\"分页\">");
        if (page.HasPrevious)
        {
            html.Append("<a rel=\"prev\" href=\"").Append(E(PortalPaths.With(path, [.. query, (pageParameter, Page(page.Number - 1))]))).Append("\">上一页</a>");
        }

        html.Append("<span>第 ").Append(page.Number).Append(" / ").Append(page.PageCount).Append(" 页（共 ").Append(page.Total).Append(" 条）</span>");
        if (page.HasNext)
        {
            html.Append("<a rel=\"next\" href=\"").Append(E(PortalPaths.With(path, [.. query, (pageParameter, (page.Number + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))]))).Append("\">下一页</a>");
        }

        return html.Append("</nav>").ToString();
    }

    private static string? Page(int number) => number <= 1 ? null : number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A table with a caption, column headers and rows of already-encoded cell HTML, inside a scrollable wrapper.</summary>
    public static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? emptyText = "暂无记录")
    {
        // A scrollable region must be reachable by keyboard (WCAG 2.1.1): the wrapper is a named, focusable region.
        var html = new StringBuilder("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"").Append(E(caption)).Append("\"><table><caption>").Append(E(caption)).Append("</caption><thead><tr>");
        foreach (var header in headers)
        {
            html.Append("<th scope=\"col\">").Append(E(header)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            html.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                html.Append(i == 0 ? "<th scope=\"row\">" : "<td>").Append(row[i]).Append(i == 0 ? "</th>" : "</td>");
            }

            html.Append("</tr>");
        }

        if (!any && emptyText is not null)
        {
            html.Append("<tr><td colspan=\"").Append(headers.Count).Append("\">").Append(E(emptyText)).Append("</td></tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    /// <summary>A link; a blank text (an organisation registered without a name) shows the id the link names, so every link has discernible text (WCAG 2.4.4).</summary>
    public static string Link(string href, string? text)
        => $"<a href=\"{E(href)}\">{E(string.IsNullOrWhiteSpace(text) ? Uri.UnescapeDataString(href.Split('?')[0].TrimEnd('/').Split('/')[^1]) : text)}</a>";

    /// <summary>A CSV download link beside a table (M4.7.4 disclosure in a machine-readable form).</summary>
    public static string CsvLink(string href, string what) => $"<p class=\"downloads\"><a href=\"{E(href)}\" download>下载{E(what)}（CSV）</a></p>";
}
