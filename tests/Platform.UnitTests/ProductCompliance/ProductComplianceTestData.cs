using Platform.Domain.Products;
using Platform.UnitTests.Identifiers;

namespace Platform.UnitTests.ProductCompliance;

/// <summary>A product under review, built up by each test from a clean public-good dataset.</summary>
public static class ProductComplianceTestData
{
    public const string ProductId = "prd-1";
    public const string OperatorId = "org-operator";
    public const string ProviderA = "org-provider-a";
    public const string ProviderB = "org-provider-b";

    public static readonly DateOnly Today = new(2026, 3, 2);

    /// <summary>A valid resident ID number (born 1990-03-07), built with the standard's check character.</summary>
    public static readonly string IdNumber = IdentifierTestData.WithIdNumberCheck("42010119900307123");

    public const string Mobile = "13812345678";

    public static ProductComplianceFacts Facts(
        string useCategory = "public-good",
        bool personalInfo = false,
        bool tradeSecrets = false,
        IReadOnlyList<string>? consent = null,
        IReadOnlyList<ResourceFieldSet>? grants = null,
        IReadOnlyList<ResourceFieldSet>? used = null,
        IReadOnlyList<ProductDataSet>? data = null,
        string? scenarioId = "scn-1",
        string? derivedFrom = null,
        decimal price = 0)
        => new(
            ProductId,
            OperatorId,
            OperatorId,
            scenarioId,
            scenarioId is null ? null : "城市交通客流分析",
            "区县客流指数",
            "按区县汇总的客流指数",
            ProductKind.Dataset,
            useCategory,
            price,
            personalInfo,
            tradeSecrets,
            consent ?? [],
            grants ?? [new ResourceFieldSet("res-traffic", ProviderA, ["district", "count", "date"]), new ResourceFieldSet("res-card", ProviderB, ["district", "amount"])],
            used ?? [new ResourceFieldSet("res-traffic", ProviderA, ["district", "count"]), new ResourceFieldSet("res-card", ProviderB, ["amount"])],
            data ?? [CleanData()],
            derivedFrom);

    public static ProductDataSet CleanData() => new("客流汇总", "job-1", ["district", "date", "count"],
    [
        ["江岸区", "2026-03-01", "1523"],
        ["武昌区", "2026-03-01", "2210"],
    ]);

    public static ProductDataSet DataWith(string column, int row, string value)
    {
        var clean = CleanData();
        var rows = clean.Rows.Select(r => r.ToList()).ToList();
        while (rows.Count < row)
        {
            rows.Add(["洪山区", "2026-03-02", "10"]);
        }

        rows[row - 1][clean.Columns.ToList().IndexOf(column)] = value;
        return clean with { Rows = rows };
    }
}
