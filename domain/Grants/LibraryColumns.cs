using System.Text.Json.Serialization;
using Platform.Domain.Catalog;
using Platform.Domain.Identifiers;
using Platform.Domain.Masking;

namespace Platform.Domain.Grants;

/// <summary>What the authorized data library holds for a granted field (issue 14 item 0; shown per field on the grant).</summary>
[JsonConverter(typeof(WireEnumConverter<LibraryValue>))]
public enum LibraryValue
{
    /// <summary>The provider's value as uploaded (fields without an identifier kind).</summary>
    [JsonStringEnumMemberName("raw")]
    Raw,

    /// <summary>A keyed pseudonym of the value under the agreement's key (every field with an identifier kind).</summary>
    [JsonStringEnumMemberName("pseudonym")]
    Pseudonym,

    /// <summary>A coarse attribute the platform derived from an identifier the request names (e.g. birth year from a resident ID).</summary>
    [JsonStringEnumMemberName("derived")]
    Derived,
}

/// <summary>A coarse attribute derivable from an identifier field, requested as <c>field:attribute</c>.</summary>
public enum DerivedAttribute
{
    /// <summary>Year of birth from a resident ID number (GB 11643 positions 7–10).</summary>
    BirthYear,

    /// <summary>Sex from a resident ID number (position 17: odd 男, even 女).</summary>
    Sex,

    /// <summary>County-level area code from a resident ID number (positions 1–6, the county of first registration).</summary>
    County,
}

/// <summary>One column of a library copy: its name, the provider's field it comes from, and what it holds.</summary>
public sealed record LibraryColumn(FieldDefinition Field, string Source, LibraryValue Holds, DerivedAttribute? Attribute);

/// <summary>
/// Which columns a library copy has and how each is made (issue 14 item 0, M4.3, M4.4): identifier fields never enter the
/// library raw — they are stored as keyed per-agreement pseudonyms (still usable as join keys and in count(DISTINCT …));
/// coarse attributes of a resident ID number are added as ordinary fields only where the request asks for them.
/// </summary>
public static class LibraryColumns
{
    public const char AttributeSeparator = ':';

    private static readonly Dictionary<string, DerivedAttribute> AttributeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["birth_year"] = DerivedAttribute.BirthYear,
        ["sex"] = DerivedAttribute.Sex,
        ["county"] = DerivedAttribute.County,
    };

    public static IReadOnlyList<string> AttributeWireNames => AttributeNames.Keys.ToList();

    /// <summary>Splits <c>field:attribute</c>; false when <paramref name="requested"/> is a plain field name.</summary>
    public static bool TryParseDerived(string requested, out string source, out DerivedAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var cut = requested.LastIndexOf(AttributeSeparator);
        if (cut > 0 && AttributeNames.TryGetValue(requested[(cut + 1)..], out attribute))
        {
            source = requested[..cut];
            return true;
        }

        (source, attribute) = (requested, default);
        return false;
    }

    /// <summary>Null when <paramref name="requested"/> may be asked of <paramref name="fields"/>, else why not.</summary>
    public static string? Problem(IReadOnlyList<FieldDefinition> fields, string requested)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (!TryParseDerived(requested, out var source, out var attribute))
        {
            return fields.Any(f => Same(f.Name, requested)) ? null : $"'{requested}' is not a field of the resource";
        }

        var field = fields.FirstOrDefault(f => Same(f.Name, source));
        return field switch
        {
            null => $"'{source}' (in '{requested}') is not a field of the resource",
            { IdentifierKind: IdentifierKind.IdNumber } => null,
            _ => $"'{requested}': {attribute} can only be derived from a field with identifier kind id-number",
        };
    }

    /// <summary>The library columns for the requested names, in the requested order.</summary>
    public static IReadOnlyList<LibraryColumn> Plan(IReadOnlyList<FieldDefinition> fields, IReadOnlyList<string> requested)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(requested);
        var columns = new List<LibraryColumn>();
        foreach (var name in requested)
        {
            if (Problem(fields, name) is { } problem)
            {
                throw new InvalidOperationException(problem + ".");
            }

            if (TryParseDerived(name, out var source, out var attribute))
            {
                var from = fields.First(f => Same(f.Name, source));
                // Coarse attributes are ordinary categorical fields (dimensions), classified internal, quasi-identifiers.
                var derived = new FieldDefinition($"{from.Name}_{AttributeNames.First(a => a.Value == attribute).Key}", FieldType.String,
                    FieldClassification.Internal, from.Grade, null, true);
                columns.Add(new LibraryColumn(derived, from.Name, LibraryValue.Derived, attribute));
                continue;
            }

            var field = fields.First(f => Same(f.Name, name));
            // M4.4: an identifier is stored only as its keyed pseudonym; the raw value stays in the provider's file.
            columns.Add(new LibraryColumn(field, field.Name, field.IdentifierKind is null ? LibraryValue.Raw : LibraryValue.Pseudonym, null));
        }

        return columns;
    }

    /// <summary>Whether the copy needs the agreement's pseudonymisation key.</summary>
    public static bool NeedsKey(IReadOnlyList<LibraryColumn> columns) => columns.Any(c => c.Holds == LibraryValue.Pseudonym);

    /// <summary>
    /// The value a library column holds for a provider's value. <paramref name="pseudonymiser"/> is required when a column
    /// holds pseudonyms. A value an attribute cannot be derived from (not a valid resident ID) gives null.
    /// </summary>
    public static string? Transform(LibraryColumn column, string? value, Pseudonymiser? pseudonymiser, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(column);
        switch (column.Holds)
        {
            case LibraryValue.Raw:
                return value;
            case LibraryValue.Pseudonym:
                return (pseudonymiser ?? throw new InvalidOperationException("A pseudonymisation key is needed for identifier fields.")).Apply(column.Field.IdentifierKind, value);
            default:
                if (!ResidentIdNumber.TryParse(value?.Trim(), today, out var info))
                {
                    return null;
                }

                return column.Attribute switch
                {
                    DerivedAttribute.BirthYear => info.BirthDate.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    DerivedAttribute.Sex => info.Sex == Identifiers.Sex.Male ? "男" : "女",
                    DerivedAttribute.County => info.AreaCode,
                    _ => null,
                };
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
