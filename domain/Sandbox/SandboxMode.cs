using System.Text.Json.Serialization;
using Platform.Domain.Catalog;

namespace Platform.Domain.Sandbox;

/// <summary>Which data a sandbox job runs over (M4.4).</summary>
[JsonConverter(typeof(WireEnumConverter<SandboxMode>))]
public enum SandboxMode
{
    /// <summary>Masked samples; results are returned as computed.</summary>
    [JsonStringEnumMemberName("sample")]
    Sample,

    /// <summary>The authorized data library; results pass the output checks before release.</summary>
    [JsonStringEnumMemberName("full")]
    Full,
}

public static class SandboxModeWire
{
    extension(SandboxMode)
    {
        public static IReadOnlyList<string> WireNames => WireNames<SandboxMode>.All;

        public static bool TryParse(string? wire, out SandboxMode value) => WireNames<SandboxMode>.TryParse(wire, out value);
    }

    extension(SandboxMode value)
    {
        public string ToWire() => WireNames<SandboxMode>.ToWire(value);
    }
}
