using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Domain.Csv;
using Platform.Domain.Products;

namespace Platform.Domain.Disclosure;

/// <summary>
/// CSV forms of the public disclosure (M4.7.4): RFC 4180 with CRLF line ends. A cell that a spreadsheet would run as a
/// formula (starting with = + - @, tab or CR; see <see cref="CsvField"/>) is quoted and prefixed with an apostrophe.
/// </summary>
public static class DisclosureCsv
{
    /// <summary>
    /// One table for an operator's whole disclosure, so it opens in any spreadsheet: <c>section</c> says what a row is
    /// (<c>authorization</c>, <c>product</c>, <c>resource-usage</c>, <c>reexamination</c>) and only that section's columns are filled.
    /// </summary>
    public static readonly IReadOnlyList<string> OperatorColumns =
    [
        "section", "operatorId", "operatorName", "operatorCreditCode", "itemId", "itemName",
        "planMode", "region", "selectionMethod", "startsOn", "endsOn",
        "productKind", "useCategory", "price", "registrationNumber", "registeredOn",
        "agreementId", "resourceId", "resourceName", "providerId", "providerName", "grantedFieldCount", "grantedAt", "expiresAt",
        "status",
    ];

    public static string ForOperator(OperatorDisclosure disclosure) => Write(OperatorColumns, Rows(disclosure));

    /// <summary>Every operator of a snapshot, one after another, in the operator table form.</summary>
    public static string ForSnapshot(DisclosureSnapshot snapshot) => Write(OperatorColumns, snapshot.Operators.SelectMany(Rows));

    public static string Write(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', columns.Select(Quote)).Append("\r\n");
        foreach (var row in rows)
        {
            csv.AppendJoin(',', row.Select(Quote)).Append("\r\n");
        }

        return csv.ToString();
    }

    public static string Quote(string value) => CsvField.Format(value);

    public static string Wire<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static IEnumerable<IReadOnlyList<string>> Rows(OperatorDisclosure d)
    {
        foreach (var a in d.Authorizations)
        {
            yield return Row(d, "authorization", a.AgreementId, a.PlanTitle, planMode: Wire(a.PlanMode), region: a.Region, selectionMethod: Wire(a.SelectionMethod),
                startsOn: Date(a.StartsOn), endsOn: Date(a.EndsOn), status: Wire(a.Status));
        }

        foreach (var p in d.Products)
        {
            yield return Row(d, "product", p.Id, p.Name, productKind: Wire(p.Kind), useCategory: p.UseCategory, price: p.Price.ToString(CultureInfo.InvariantCulture),
                registrationNumber: p.RegistrationNumber, registeredOn: Date(p.RegisteredOn), status: Wire(ProductStatus.Published));
        }

        foreach (var u in d.ResourceUsage)
        {
            yield return Row(d, "resource-usage", u.GrantId, u.ResourceName, agreementId: u.AgreementId, resourceId: u.ResourceId, resourceName: u.ResourceName,
                providerId: u.ProviderId, providerName: u.ProviderName, grantedFieldCount: u.GrantedFieldCount.ToString(CultureInfo.InvariantCulture),
                grantedAt: Instant(u.GrantedAt), expiresAt: Instant(u.ExpiresAt), status: Wire(u.Status));
        }

        if (d.Reexamination is { } r)
        {
            // M5.7: the fail evaluation that put the operator under re-examination.
            yield return Row(d, "reexamination", $"{r.AgreementId}-{r.Year}", $"{r.Year} 年度运营评估不合格，待重新审查", agreementId: r.AgreementId, status: "reexamination");
        }
    }

    private static string[] Row(
        OperatorDisclosure d, string section, string itemId, string itemName,
        string planMode = "", string region = "", string selectionMethod = "", string startsOn = "", string endsOn = "",
        string productKind = "", string useCategory = "", string price = "", string registrationNumber = "", string registeredOn = "",
        string agreementId = "", string resourceId = "", string resourceName = "", string providerId = "", string providerName = "", string grantedFieldCount = "",
        string grantedAt = "", string expiresAt = "", string status = "")
        =>
        [
            section, d.OperatorId, d.OperatorName, d.OperatorCreditCode, itemId, itemName,
            planMode, region, selectionMethod, startsOn, endsOn,
            productKind, useCategory, price, registrationNumber, registeredOn,
            agreementId, resourceId, resourceName, providerId, providerName, grantedFieldCount, grantedAt, expiresAt,
            status,
        ];

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
