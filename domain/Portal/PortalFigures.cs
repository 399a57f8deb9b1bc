using Platform.Domain.Agreements;
using Platform.Domain.Disclosure;
using Platform.Domain.Products;
using Platform.Domain.Resources;

namespace Platform.Domain.Portal;

/// <summary>The headline figures of the home page.</summary>
public sealed record PortalHeadline(int ResourcesPublished, int OperatorsAuthorized, int ProductsPublished, long CallsThisYear, int Year);

/// <summary>
/// The counts the portal shows, computed from what is already public (M4.1 catalogue, M4.5 published products,
/// M4.7.4 disclosure). Pure: the caller loads the records.
/// </summary>
public static class PortalFigures
{
    /// <summary>Agreement statuses that mean "authorised now" (M3.4: an agreement in force is active or expiring).</summary>
    public static bool InForce(AgreementStatus status) => status is AgreementStatus.Active or AgreementStatus.Expiring;

    /// <summary>M4.7.4: operators authorised are those with at least one agreement in force; ended ones stay disclosed but are not counted.</summary>
    public static int OperatorsAuthorized(IEnumerable<AuthorizationDisclosure> authorizations)
        => authorizations.Where(a => InForce(a.Status)).Select(a => a.OperatorId).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Calls to published products in the CST calendar year <paramref name="year"/> (meters are kept per CST day, M4.5.2).</summary>
    public static long CallsInYear(IEnumerable<ProductCallMeter> meters, int year)
        => meters.Where(m => m.Day.Year == year).Sum(m => m.Calls);

    /// <summary>Published resources per domain (M4.1), largest first, then by name.</summary>
    public static ChartData ResourcesByDomain(IEnumerable<Resource> published)
        => new("chart-resources-by-domain", "数据资源按领域分布", "已发布的数据资源按领域统计", "个",
            published.GroupBy(r => string.IsNullOrWhiteSpace(r.Domain) ? "未分类" : r.Domain.Trim(), StringComparer.Ordinal)
                .Select(g => new ChartBar(g.Key, g.Count()))
                .OrderByDescending(b => b.Value).ThenBy(b => b.Label, StringComparer.Ordinal).ToList());

    /// <summary>Published products per use category (M4.5.3: public-good free, industry priced), both categories always shown.</summary>
    public static ChartData ProductsByCategory(IEnumerable<PublishedProductSummary> published)
    {
        var list = published.ToList();
        var categories = new[] { ProductRules.PublicGood, ProductRules.Industry };
        var bars = categories.Select(c => new ChartBar(PortalText.UseCategory(c), list.Count(p => p.UseCategory == c))).ToList();
        bars.AddRange(list.Where(p => !categories.Contains(p.UseCategory, StringComparer.Ordinal))
            .GroupBy(p => p.UseCategory, StringComparer.Ordinal).Select(g => new ChartBar(g.Key, g.Count())));
        return new ChartData("chart-products-by-category", "数据产品和服务按类别分布", "已发布的数据产品和服务按公益类、产业类统计", "个", bars);
    }

    /// <summary>Calls to published products per month of the CST year, January to December.</summary>
    public static ChartData CallsByMonth(IEnumerable<ProductCallMeter> meters, int year)
    {
        var byMonth = new long[12];
        foreach (var meter in meters.Where(m => m.Day.Year == year))
        {
            byMonth[meter.Day.Month - 1] += meter.Calls;
        }

        return new ChartData("chart-calls-by-month", $"{year}年数据产品调用量（按月）", $"{year}年已发布数据接口产品的调用次数按月统计（北京时间）", "次",
            byMonth.Select((calls, i) => new ChartBar($"{i + 1}月", calls)).ToList());
    }

    /// <summary>
    /// Authorisations by the length of their term (M3.4: at most five years), in whole years rounded up as the term rule
    /// counts them: a term ending on the third anniversary is "2至3年", one ending a day later "3至4年".
    /// </summary>
    public static ChartData AuthorizationsByTerm(IEnumerable<AuthorizationDisclosure> authorizations)
    {
        var counts = new long[5];
        var longer = 0L;
        foreach (var authorization in authorizations)
        {
            var years = TermYears(authorization.StartsOn, authorization.EndsOn);
            if (years <= 5)
            {
                counts[years - 1]++;
            }
            else
            {
                longer++;
            }
        }

        var bars = new List<ChartBar> { new("1年及以内", counts[0]) };
        for (var i = 1; i < 5; i++)
        {
            bars.Add(new ChartBar($"{i}至{i + 1}年", counts[i]));
        }

        if (longer > 0)
        {
            bars.Add(new ChartBar("5年以上", longer));
        }

        return new ChartData("chart-authorizations-by-term", "授权运营协议按期限分布", "已公开的授权运营协议按授权期限统计", "项", bars);
    }

    /// <summary>
    /// The term in whole years rounded up (at least 1), counted as M3.4 counts it (<see cref="AgreementRules.LatestEndDate"/>):
    /// the smallest n with <paramref name="startsOn"/> + n years on or after <paramref name="endsOn"/>; 29 Feb 2028 to
    /// 28 Feb 2033 is 5 years.
    /// </summary>
    public static int TermYears(DateOnly startsOn, DateOnly endsOn)
    {
        var years = 1; // M3.4: counted as the term rule counts it, anniversary inclusive
        while (startsOn.AddYears(years) < endsOn && years < 100)
        {
            years++;
        }

        return years;
    }
}
