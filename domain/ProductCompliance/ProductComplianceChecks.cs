using Platform.Domain.Identifiers;
using Platform.Domain.Products;

namespace Platform.Domain.ProductCompliance;

/// <summary>
/// The automated checks of the product-compliance review (M4.5.1), pure functions of the product's facts:
/// information consistency with the scenario, masking verification (the identifier detectors re-run over every cell
/// of the product's data) and consent evidence. A product with any finding does not reach the reviewers.
/// </summary>
/// <remarks>
/// Derived products (M4.6: <see cref="ProductComplianceFacts.DerivedFrom"/> set, no scenario of their own) are checked
/// against their origin's lineage: the subject supplies, as <see cref="ProductComplianceFacts.ScenarioGrants"/>, the
/// grants of the scenario at the root of the lineage, so a derivation can never use more than the scenario the
/// original product was reviewed under allowed. A product with neither a scenario nor an origin has no grants, so any
/// data it uses is a finding.
/// </remarks>
public static class ProductComplianceChecks
{
    public const string ConsistencyRule = "consistency";
    public const string MaskingRule = "masking";
    public const string ConsentRule = "consent";

    public const string ResourceNotGrantedCode = "product.resource_not_granted";
    public const string FieldNotGrantedCode = "product.field_not_granted";
    public const string IdentifierFoundCode = "product.identifier_found";
    public const string MoreIdentifiersCode = "product.identifier_found_more";
    public const string ConsentMissingCode = "product.consent_missing";

    /// <summary>Cells named one by one before the rest are summed up, so a badly masked table cannot flood the record.</summary>
    public const int MaxIdentifierFindings = 50;

    /// <summary>
    /// The kinds the masking verification looks for: every direct identifier the recogniser knows. Bare dates are left
    /// out — a product's data has no declared date columns, its dates are mostly reporting periods, and a birth date
    /// alone is a quasi-identifier that the sandbox's output checks (M5.1) already govern.
    /// </summary>
    public const IdentifierKinds ScannedKinds = IdentifierKinds.IdNumber | IdentifierKinds.CreditCode | IdentifierKinds.BankCard
        | IdentifierKinds.Mobile | IdentifierKinds.Plate | IdentifierKinds.Email;

    /// <summary>All three checks, in a fixed order (consistency, masking, consent).</summary>
    /// <param name="today">Today's date in China Standard Time; bounds the birth dates of ID numbers.</param>
    public static IReadOnlyList<ComplianceFinding> Run(ProductComplianceFacts facts, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return [.. CheckConsistency(facts), .. CheckMasking(facts, today), .. CheckConsent(facts)];
    }

    /// <summary>M4.5.1 information consistency: every (resource, field) the product uses lies within the scenario's grants.</summary>
    public static IReadOnlyList<ComplianceFinding> CheckConsistency(ProductComplianceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var granted = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var grant in facts.ScenarioGrants)
        {
            if (!granted.TryGetValue(grant.ResourceId, out var fields))
            {
                granted[grant.ResourceId] = fields = new HashSet<string>(StringComparer.Ordinal);
            }

            fields.UnionWith(grant.Fields);
        }

        var basis = facts.ScenarioId is not null ? $"scenario '{facts.ScenarioId}'" : facts.DerivedFrom is not null ? $"the lineage of product '{facts.DerivedFrom}'" : "no scenario";
        var findings = new List<ComplianceFinding>();
        foreach (var used in facts.UsedData)
        {
            if (!granted.TryGetValue(used.ResourceId, out var fields))
            {
                findings.Add(new ComplianceFinding(ConsistencyRule, ResourceNotGrantedCode,
                    $"Resource '{used.ResourceId}' is used by the product but was not granted to {basis}.", null, null, null));
                continue;
            }

            foreach (var field in used.Fields.Distinct(StringComparer.Ordinal).Where(f => !fields.Contains(f)))
            {
                findings.Add(new ComplianceFinding(ConsistencyRule, FieldNotGrantedCode,
                    $"Field '{field}' of resource '{used.ResourceId}' is used by the product but was not granted to {basis}.", used.ResourceId, field, null));
            }
        }

        return findings;
    }

    /// <summary>
    /// M4.5.1 masking verification (with M4.4): no cell of the product's data may be recognised as an identifier (ID
    /// number, mobile, bank card, …). A finding names the dataset, the column and the 1-based data row, and shows the
    /// value only masked.
    /// </summary>
    public static IReadOnlyList<ComplianceFinding> CheckMasking(ProductComplianceFacts facts, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var findings = new List<ComplianceFinding>();
        var beyondLimit = 0;
        foreach (var dataset in facts.Data)
        {
            for (var row = 0; row < dataset.Rows.Count; row++)
            {
                var cells = dataset.Rows[row];
                for (var column = 0; column < cells.Count; column++)
                {
                    var kinds = IdentifierScanner.RecognizeAnywhere(cells[column], today) & ScannedKinds;
                    if (kinds == IdentifierKinds.None)
                    {
                        continue;
                    }

                    if (findings.Count >= MaxIdentifierFindings)
                    {
                        beyondLimit++;
                        continue;
                    }

                    var field = column < dataset.Columns.Count ? dataset.Columns[column] : $"column {column + 1}";
                    var names = string.Join("/", IdentifierKindNames.ToWireNames(kinds));
                    findings.Add(new ComplianceFinding(MaskingRule, IdentifierFoundCode,
                        $"Dataset '{dataset.Name}', field '{field}', row {row + 1} holds a value recognised as {names} ({MaskForDisplay(cells[column])}); mask or remove it.",
                        dataset.Name, field, row + 1));
                }
            }
        }

        if (beyondLimit > 0)
        {
            findings.Add(new ComplianceFinding(MaskingRule, MoreIdentifiersCode,
                $"{beyondLimit} more cell(s) hold values recognised as identifiers; only the first {MaxIdentifierFindings} are listed.", null, null, null));
        }

        return findings;
    }

    /// <summary>M4.5.1: a product involving personal information or trade secrets carries the evidence of consent.</summary>
    public static IReadOnlyList<ComplianceFinding> CheckConsent(ProductComplianceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (!facts.InvolvesPersonalInfo && !facts.InvolvesTradeSecrets)
        {
            return [];
        }

        if (facts.ConsentEvidence.Any(e => !string.IsNullOrWhiteSpace(e)))
        {
            return [];
        }

        var what = (facts.InvolvesPersonalInfo, facts.InvolvesTradeSecrets) switch
        {
            (true, true) => "personal information and trade secrets",
            (true, false) => "personal information",
            _ => "trade secrets",
        };
        return [new ComplianceFinding(ConsentRule, ConsentMissingCode,
            $"The product involves {what} but carries no evidence of the consent of the persons or holders concerned.", null, "consentEvidence", null)];
    }

    /// <summary>A value shown only by its shape: the first and last two characters of long values, the rest starred.</summary>
    public static string MaskForDisplay(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        return trimmed.Length < 8
            ? new string('*', trimmed.Length)
            : string.Concat(trimmed.AsSpan(0, 2), new string('*', trimmed.Length - 4), trimmed.AsSpan(trimmed.Length - 2));
    }
}
