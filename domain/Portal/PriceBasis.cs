using Platform.Domain.Products;

namespace Platform.Domain.Portal;

/// <summary>What the public reads next to a product's price: why it costs what it costs (M4.5.3).</summary>
public static class PriceBasis
{
    /// <summary>
    /// M4.5.3: a public-good product is free; an industry product's fee is at most the government-guided cap of its kind,
    /// named with the cap's own basis (the pricing document) when the authority recorded one.
    /// </summary>
    public static string Describe(string useCategory, decimal price, PriceCap? cap)
    {
        if (useCategory == ProductRules.PublicGood)
        {
            return "公益类数据产品和服务，免费提供。";
        }

        if (cap is null)
        {
            return price == 0 ? "产业类数据产品和服务，免费提供。" : "产业类数据产品和服务，实行政府指导价。";
        }

        var basis = string.IsNullOrWhiteSpace(cap.Basis) ? "" : $"，依据：{cap.Basis}";
        return $"产业类数据产品和服务，实行政府指导价：{PortalText.Label(cap.Kind)}类最高 {PortalText.Price(cap.Amount)}{basis}。";
    }
}
