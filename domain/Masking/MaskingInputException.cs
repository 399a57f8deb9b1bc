using Platform.Domain.Errors;

namespace Platform.Domain.Masking;

/// <summary>Stable codes of the ways an input file as a whole can be unusable (the job fails; rows are never the cause).</summary>
public static class MaskingFailureCodes
{
    /// <summary>The file has no bytes.</summary>
    public const string EmptyInput = "masking.empty_input";

    /// <summary>Binary content: NUL or control bytes, or the signature of a ZIP/XLSX, XLS, gzip or PDF file.</summary>
    public const string NotText = "masking.not_text";

    /// <summary>UTF-16 or UTF-32 (detected by BOM); only UTF-8 and GB18030 are read.</summary>
    public const string UnsupportedEncoding = "masking.unsupported_encoding";

    /// <summary>The CSV header names none of the declared fields, or cannot be parsed.</summary>
    public const string HeaderMismatch = "masking.header_mismatch";

    /// <summary>The CSV header names a declared field twice.</summary>
    public const string DuplicateColumn = "masking.duplicate_column";

    /// <summary>There were records but not one could be read (every line malformed, or no declared property in any JSON object).</summary>
    public const string NoValidRows = "masking.no_valid_rows";
}

/// <summary>The input is not a CSV or JSON Lines file the job can read; the message says why (422).</summary>
public sealed class MaskingInputException : DomainException
{
    public MaskingInputException(string code, string detail)
        : base(FailureKind.Unprocessable, code, detail)
    {
    }
}
