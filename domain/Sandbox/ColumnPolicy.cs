using System.Text.Json.Serialization;
using Platform.Domain.Catalog;

namespace Platform.Domain.Sandbox;

/// <summary>
/// How a <c>full</c> job may use a granted field (domain/Sandbox/README.md, issue 14 item 1; M4.4 "data usable but not visible"). Ordered
/// from the most to the least permissive: a provider may move a field to a later member (tighten), never back.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<ColumnPolicy>))]
public enum ColumnPolicy
{
    /// <summary>Public or internal categorical field: may be grouped by, filtered on and output.</summary>
    [JsonStringEnumMemberName("dimension")]
    Dimension,

    /// <summary>Numeric non-personal field: only inside an allowed aggregate and in predicates that compare it with constants.</summary>
    [JsonStringEnumMemberName("measure")]
    Measure,

    /// <summary>
    /// A field with an identifier kind, every personal/sensitive-personal field and every non-numeric commercial secret: only
    /// as a join key or inside <c>count(DISTINCT …)</c>; never output, never in any other expression, predicate or order.
    /// </summary>
    [JsonStringEnumMemberName("identifier")]
    Identifier,
}

public static class ColumnPolicies
{
    extension(ColumnPolicy value)
    {
        public string ToWire() => WireNames<ColumnPolicy>.ToWire(value);
    }

    /// <summary>The policy a field gets when the grant is made, from its classification, identifier kind and type alone.</summary>
    public static ColumnPolicy Derive(FieldType type, FieldClassification classification, IdentifierKind? identifierKind)
    {
        // M4.4: anything that names or describes a person is usable only as a key.
        if (identifierKind is not null || classification.IsPersonal)
        {
            return ColumnPolicy.Identifier;
        }

        if (type is FieldType.Integer or FieldType.Decimal)
        {
            return ColumnPolicy.Measure;
        }

        // A commercial secret that is not a number has no safe aggregate but counting.
        return classification == FieldClassification.CommercialSecret ? ColumnPolicy.Identifier : ColumnPolicy.Dimension;
    }

    public static ColumnPolicy Derive(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return Derive(field.Type, field.Classification, field.IdentifierKind);
    }

    /// <summary>The provider's review may only tighten the derived policy (M4.3): the stricter of the two wins.</summary>
    public static ColumnPolicy Tighten(ColumnPolicy derived, ColumnPolicy? requested) =>
        requested is { } asked && asked > derived ? asked : derived;

    /// <summary>
    /// The field whose pseudonym counts data subjects (issue 14 item 2): the first identifier of the strongest kind (resident
    /// ID, credit code, mobile, bank card, e-mail, plate, name); null when the table has none, so each record is a subject.
    /// </summary>
    public static string? SubjectKeyOf(IEnumerable<FieldDefinition> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        IdentifierKind[] order =
        [
            IdentifierKind.IdNumber, IdentifierKind.CreditCode, IdentifierKind.Mobile, IdentifierKind.BankCard,
            IdentifierKind.Email, IdentifierKind.Plate, IdentifierKind.Name,
        ];
        var list = fields.ToList();
        foreach (var kind in order)
        {
            if (list.FirstOrDefault(field => field.IdentifierKind == kind) is { } key)
            {
                return key.Name;
            }
        }

        return null;
    }
}
