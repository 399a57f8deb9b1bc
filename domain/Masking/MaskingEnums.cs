using System.Text.Json.Serialization;
using Platform.Domain.Catalog;

namespace Platform.Domain.Masking;

/// <summary>De-identification techniques of GB/T 37964-2019 §A and JR/T 0171-2020 used by the masking rules (M4.4).</summary>
[JsonConverter(typeof(WireEnumConverter<MaskingTechnique>))]
public enum MaskingTechnique
{
    [JsonStringEnumMemberName("keep")]
    Keep,

    /// <summary>Partial masking: some characters replaced by <c>*</c>.</summary>
    [JsonStringEnumMemberName("mask")]
    Mask,

    /// <summary>Cutting a value after a meaningful prefix (an address after its district).</summary>
    [JsonStringEnumMemberName("truncate")]
    Truncate,

    /// <summary>Replacing a value by a coarser one (a birth date by its year).</summary>
    [JsonStringEnumMemberName("generalise")]
    Generalise,

    /// <summary>Removing the value (empty in CSV, null in JSON Lines).</summary>
    [JsonStringEnumMemberName("suppress")]
    Suppress,

    /// <summary>Keyed HMAC-SHA256 pseudonym: equal values give equal pseudonyms under one key only.</summary>
    [JsonStringEnumMemberName("pseudonymise")]
    Pseudonymise,
}

/// <summary>Why data is being masked; the rules differ (M4.1 sample vs M4.4 provisioning).</summary>
[JsonConverter(typeof(WireEnumConverter<MaskingPurpose>))]
public enum MaskingPurpose
{
    /// <summary>The sample rows shown in the public catalogue (M4.1 "含样例数据"). Never needs a key.</summary>
    [JsonStringEnumMemberName("sample")]
    Sample,

    /// <summary>Data provided to an operator under one agreement (M4.4): joinable within the agreement only.</summary>
    [JsonStringEnumMemberName("provisioning")]
    Provisioning,
}

[JsonConverter(typeof(WireEnumConverter<DataFormat>))]
public enum DataFormat
{
    /// <summary>RFC 4180 CSV with a header row.</summary>
    [JsonStringEnumMemberName("csv")]
    Csv,

    /// <summary>JSON Lines: one JSON object of scalar values per line.</summary>
    [JsonStringEnumMemberName("jsonl")]
    JsonLines,
}

/// <summary>The text encoding of an input file; government exports are often GB18030 (GBK).</summary>
[JsonConverter(typeof(WireEnumConverter<InputEncoding>))]
public enum InputEncoding
{
    /// <summary>A BOM decides; otherwise UTF-8 if the bytes are valid UTF-8, else GB18030.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    [JsonStringEnumMemberName("utf-8")]
    Utf8,

    /// <summary>GB18030, a superset of GBK and GB2312.</summary>
    [JsonStringEnumMemberName("gb18030")]
    Gb18030,
}

public static class MaskingTechniqueWire
{
    extension(MaskingTechnique)
    {
        public static MaskingTechnique Parse(string wire) => WireNames<MaskingTechnique>.Parse(wire);

        public static bool TryParse(string? wire, out MaskingTechnique value) => WireNames<MaskingTechnique>.TryParse(wire, out value);
    }

    extension(MaskingTechnique value)
    {
        public string ToWire() => WireNames<MaskingTechnique>.ToWire(value);
    }
}

public static class MaskingPurposeWire
{
    extension(MaskingPurpose)
    {
        public static MaskingPurpose Parse(string wire) => WireNames<MaskingPurpose>.Parse(wire);

        public static bool TryParse(string? wire, out MaskingPurpose value) => WireNames<MaskingPurpose>.TryParse(wire, out value);
    }

    extension(MaskingPurpose value)
    {
        public string ToWire() => WireNames<MaskingPurpose>.ToWire(value);
    }
}

public static class DataFormatWire
{
    extension(DataFormat)
    {
        public static DataFormat Parse(string wire) => WireNames<DataFormat>.Parse(wire);

        public static bool TryParse(string? wire, out DataFormat value) => WireNames<DataFormat>.TryParse(wire, out value);
    }

    extension(DataFormat value)
    {
        public string ToWire() => WireNames<DataFormat>.ToWire(value);
    }
}

public static class InputEncodingWire
{
    extension(InputEncoding)
    {
        /// <summary>Also accepts the aliases people declare: utf8, gbk, gb2312 (both subsets of GB18030), any case.</summary>
        public static bool TryParse(string? wire, out InputEncoding value)
        {
            switch (wire?.Trim().ToLowerInvariant())
            {
                case "utf8":
                    value = InputEncoding.Utf8;
                    return true;
                case "gbk" or "gb2312" or "cp936":
                    value = InputEncoding.Gb18030;
                    return true;
                default:
                    return WireNames<InputEncoding>.TryParse(wire?.Trim().ToLowerInvariant(), out value);
            }
        }

        public static InputEncoding Parse(string wire) =>
            InputEncoding.TryParse(wire, out var value)
                ? value
                : throw new FormatException($"'{wire}' is not a supported encoding; expected auto, utf-8 or gb18030.");
    }

    extension(InputEncoding value)
    {
        public string ToWire() => WireNames<InputEncoding>.ToWire(value);
    }
}
