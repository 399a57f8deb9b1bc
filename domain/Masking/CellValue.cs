namespace Platform.Domain.Masking;

/// <summary>The JSON kind of a value, so that JSON Lines output keeps numbers and booleans that were kept.</summary>
internal enum CellKind : byte
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>One value of a record: CSV values are strings; JSON Lines values may be numbers (raw text), booleans or null.</summary>
internal readonly record struct CellValue(string? Text, CellKind Kind)
{
    public static readonly CellValue Null = new(null, CellKind.Null);

    public static CellValue String(string? text) => text is null ? Null : new CellValue(text, CellKind.String);
}
