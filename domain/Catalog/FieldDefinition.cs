namespace Platform.Domain.Catalog;

/// <summary>
/// One field of a data resource as registered in the catalogue (M4.1). The masking rule of the field
/// follows from <see cref="Classification"/> and <see cref="IdentifierKind"/> (M4.4).
/// </summary>
/// <param name="Name">The column name in CSV headers and the property name in JSON Lines (matched ignoring case).</param>
/// <param name="IsQuasiIdentifier">
/// Part of the quasi-identifier set over which the masking report measures k-anonymity (GB/T 37964-2019).
/// </param>
public sealed record FieldDefinition(
    string Name,
    FieldType Type,
    FieldClassification Classification,
    FieldGrade Grade,
    IdentifierKind? IdentifierKind,
    bool IsQuasiIdentifier);
