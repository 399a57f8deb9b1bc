using System.Text.Json.Serialization;
using Platform.Domain.Catalog;

namespace Platform.Domain.Masking;

[JsonConverter(typeof(WireEnumConverter<SamplingMode>))]
public enum SamplingMode
{
    /// <summary>Every valid row.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>A uniform random sample of a fixed number of rows (reservoir sampling), in input order.</summary>
    [JsonStringEnumMemberName("row-count")]
    RowCount,

    /// <summary>Each row independently with a probability (Bernoulli sampling).</summary>
    [JsonStringEnumMemberName("fraction")]
    Fraction,
}

public static class SamplingModeWire
{
    extension(SamplingMode)
    {
        public static SamplingMode Parse(string wire) => WireNames<SamplingMode>.Parse(wire);

        public static bool TryParse(string? wire, out SamplingMode value) => WireNames<SamplingMode>.TryParse(wire, out value);
    }

    extension(SamplingMode value)
    {
        public string ToWire() => WireNames<SamplingMode>.ToWire(value);
    }
}

/// <summary>Which rows a masking job outputs; with the job's seed the choice is reproducible.</summary>
public sealed record SamplingPlan
{
    /// <summary>The most rows a row-count sample holds in memory.</summary>
    public const int MaxRowCount = 100_000;

    [JsonConstructor]
    private SamplingPlan(SamplingMode mode, int rowCount, double fraction)
    {
        Mode = mode;
        RowCount = rowCount;
        Fraction = fraction;
    }

    public SamplingMode Mode { get; }

    /// <summary>The sample size for <see cref="SamplingMode.RowCount"/>; 0 otherwise.</summary>
    public int RowCount { get; }

    /// <summary>The probability for <see cref="SamplingMode.Fraction"/>; 0 otherwise.</summary>
    public double Fraction { get; }

    public static SamplingPlan None { get; } = new(SamplingMode.None, 0, 0);

    public static SamplingPlan Rows(int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowCount, MaxRowCount);
        return new SamplingPlan(SamplingMode.RowCount, rowCount, 0);
    }

    public static SamplingPlan OfFraction(double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "A sampling fraction is greater than 0 and at most 1.");
        }

        return new SamplingPlan(SamplingMode.Fraction, 0, fraction);
    }
}
