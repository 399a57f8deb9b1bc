using System.Globalization;
using System.Text;
using static Platform.Domain.Portal.PortalText;

namespace Platform.Domain.Portal;

/// <summary>One bar of a chart: its label and its count.</summary>
public sealed record ChartBar(string Label, long Value);

/// <summary>A chart of counts: a title, a sentence saying what it shows, and its bars in display order.</summary>
public sealed record ChartData(string Id, string Title, string Description, string Unit, IReadOnlyList<ChartBar> Bars)
{
    public long Total => Bars.Sum(b => b.Value);
}

/// <summary>
/// Renders a chart as a horizontal bar chart in inline SVG, server-side and without script. Text alternatives (WCAG 2.1
/// 1.1.1): the SVG is <c>role="img"</c> labelled by its <c>&lt;title&gt;</c> and <c>&lt;desc&gt;</c> (the desc lists every
/// value), the figure has a caption, and the same numbers follow as a data table (in a <c>&lt;details&gt;</c> to keep the page short). Colours come from the stylesheet by
/// class (no inline style, so a strict Content-Security-Policy holds); every label is HTML-encoded.
/// </summary>
public static class SvgBarChart
{
    public const int Width = 480;
    public const int RowHeight = 30;
    public const int LabelWidth = 110;
    public const int ValueWidth = 60;
    private const int Top = 8;

    public static string Render(ChartData chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var id = E(chart.Id);
        var rows = Math.Max(chart.Bars.Count, 1);
        var height = Top * 2 + rows * RowHeight;
        var max = chart.Bars.Count == 0 ? 0 : chart.Bars.Max(b => b.Value);
        var span = Width - LabelWidth - ValueWidth;
        var html = new StringBuilder();
        html.Append("<figure class=\"chart\" id=\"").Append(id).Append("\">");
        html.Append("<figcaption>").Append(E(chart.Title)).Append("</figcaption>");
        html.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(height)
            .Append("\" aria-labelledby=\"").Append(id).Append("-title ").Append(id).Append("-desc\" focusable=\"false\">");
        html.Append("<title id=\"").Append(id).Append("-title\">").Append(E(chart.Title)).Append("</title>");
        html.Append("<desc id=\"").Append(id).Append("-desc\">").Append(E(Describe(chart))).Append("</desc>");
        if (chart.Bars.Count == 0)
        {
            html.Append("<text class=\"chart-label\" x=\"0\" y=\"").Append(Top + RowHeight / 2 + 5).Append("\">暂无数据</text>");
        }

        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var y = Top + i * RowHeight;
            var length = max == 0 ? 0 : (int)Math.Round((double)bar.Value / max * span);
            var textY = (y + RowHeight / 2 + 5).ToString(CultureInfo.InvariantCulture);
            html.Append("<g>");
            html.Append("<text class=\"chart-label\" x=\"").Append(LabelWidth - 8).Append("\" y=\"").Append(textY).Append("\" text-anchor=\"end\">").Append(E(Clip(bar.Label))).Append("</text>");
            html.Append("<rect class=\"chart-bar\" x=\"").Append(LabelWidth).Append("\" y=\"").Append(y + 6).Append("\" width=\"").Append(Math.Max(length, bar.Value > 0 ? 2 : 0))
                .Append("\" height=\"").Append(RowHeight - 12).Append("\"></rect>");
            html.Append("<text class=\"chart-value\" x=\"").Append(LabelWidth + Math.Max(length, 0) + 6).Append("\" y=\"").Append(textY).Append("\">")
                .Append(E(Number(bar.Value))).Append("</text>");
            html.Append("</g>");
        }

        html.Append("</svg>");
        html.Append("<details><summary>查看数据表</summary><table class=\"chart-data\"><caption>").Append(E(chart.Title)).Append("（数据表）</caption><thead><tr><th scope=\"col\">类别</th><th scope=\"col\">")
            .Append(E(chart.Unit)).Append("</th></tr></thead><tbody>");
        foreach (var bar in chart.Bars)
        {
            html.Append("<tr><th scope=\"row\">").Append(E(bar.Label)).Append("</th><td>").Append(E(Number(bar.Value))).Append("</td></tr>");
        }

        html.Append("</tbody></table></details></figure>");
        return html.ToString();
    }

    /// <summary>The sentence a screen reader hears: what the chart shows and every value, e.g. "…：民政 3个；交通 1个。合计 4个。"</summary>
    public static string Describe(ChartData chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (chart.Bars.Count == 0)
        {
            return $"{chart.Description}：暂无数据。";
        }

        var parts = chart.Bars.Select(b => $"{b.Label} {Number(b.Value)}{chart.Unit}");
        return $"{chart.Description}：{string.Join("；", parts)}。合计 {Number(chart.Total)}{chart.Unit}。";
    }

    private static string Clip(string label) => label.Length <= 7 ? label : label[..6] + "…";
}
