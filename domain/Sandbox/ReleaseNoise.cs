using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace Platform.Domain.Sandbox;

/// <summary>Uniform draws for the noise, in the open interval (0, 1).</summary>
public interface INoiseSource
{
    double NextUniform();
}

/// <summary>
/// Draws from the operating system's cryptographic generator: the operator cannot predict or replay the noise of a job
/// (a seeded or time-based generator would let it be subtracted).
/// </summary>
public sealed class CryptoNoiseSource : INoiseSource
{
    public static CryptoNoiseSource Instance { get; } = new();

    public double NextUniform()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        // 53 random bits, centred in their interval so that neither 0 nor 1 can come out.
        var bits = BinaryPrimitives.ReadUInt64LittleEndian(bytes) >> 11;
        return (bits + 0.5) / (1UL << 53);
    }
}

/// <summary>
/// Issue 14 item 5, the optional noise (M5.1 "usable but not visible"; the authority decides per grant): released aggregates
/// carry Laplace noise calibrated to how far one subject can move them, out of a per-grant ε budget. The noise comes on top
/// of the k threshold, dominance, rounding and differencing checks; it does not replace them (domain/Sandbox/README.md).
/// </summary>
public static class ReleaseNoise
{
    /// <summary>
    /// The most one subject can move a released cell (L1 sensitivity of its column): a count by the most records of one
    /// subject; a sum by that times the column's largest magnitude; an average, over a cell of at least k subjects (and so
    /// at least k records), by twice the sum's bound over k. Null for what has no bound (min/max, spreads, quantiles, joins,
    /// expressions): such a cell cannot carry calibrated noise.
    /// </summary>
    public static double? Sensitivity(ReleaseItem item, int k)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.ContributionBound is not { } bound || !double.IsFinite(bound) || bound < 0)
        {
            return null;
        }

        return item.Kind switch
        {
            ReleaseItemKind.Count => bound,
            ReleaseItemKind.Sum when item.Averaged => 2 * bound / Math.Max(1, k),
            ReleaseItemKind.Sum => bound,
            _ => null,
        };
    }

    /// <summary>
    /// M5.1: under a grant's noise every released aggregate must be calibrated, so a statement with a cell the platform cannot
    /// bound is refused before it runs, naming the cell (only counts, and sums or averages of a bare column of one table).
    /// </summary>
    public static IReadOnlyList<ReleaseRefusal> Refusals(ReleasePlan plan, OutputCheckPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.NoiseEpsilon is null)
        {
            return [];
        }

        return plan.Items.Where(item => item.IsAggregate && Sensitivity(item, policy.MinRecordsPerRow) is null)
            .Select(item => new ReleaseRefusal(OutputRules.Noise, item.Name,
                $"The grant's results carry calibrated noise, and nothing bounds what one subject adds to '{item.Name}': under noise a full job releases count, and sum or avg of a column of one table."))
            .ToList();
    }

    /// <summary>The ε each aggregate column gets: the job's ε split evenly (the columns are separate questions about the same records).</summary>
    public static double EpsilonPerColumn(ReleasePlan plan, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return epsilon / Math.Max(1, plan.Items.Count(item => item.IsAggregate));
    }

    /// <summary>A draw from the Laplace distribution of mean 0 and scale <paramref name="scale"/> (inverse of its CDF).</summary>
    public static double Laplace(double scale, INoiseSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var u = source.NextUniform() - 0.5;
        return -scale * Math.Sign(u) * Math.Log(1 - (2 * Math.Abs(u)));
    }

    /// <summary>
    /// The noisy value on a grid of the smallest power of two at least the noise's scale (after Mironov's snapping): the
    /// low-order bits of a floating-point draw would otherwise tell which exact value it was added to.
    /// </summary>
    public static double Snap(double noisy, double scale)
    {
        if (!(scale > 0))
        {
            return noisy;
        }

        var grid = Math.Pow(2, Math.Ceiling(Math.Log2(scale)));
        return Math.Round(noisy / grid, MidpointRounding.AwayFromZero) * grid;
    }

    /// <summary>
    /// The released value of one cell: <paramref name="value"/> plus Laplace noise of scale sensitivity ÷ ε, snapped, in the
    /// engine's own type (a decimal keeps its scale, an integer stays whole); a count is never below 0.
    /// </summary>
    public static object? Add(object? value, ReleaseItem item, double scale, INoiseSource source)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (value is null)
        {
            return null;
        }

        var exact = value is BigInteger huge ? (double)huge : Convert.ToDouble(value, CultureInfo.InvariantCulture);
        var noisy = Snap(exact + Laplace(scale, source), scale);
        if (item.Kind == ReleaseItemKind.Count)
        {
            noisy = Math.Max(0, noisy);
        }

        return value switch
        {
            long => (long)Math.Round(noisy, MidpointRounding.AwayFromZero),
            int => (int)Math.Round(noisy, MidpointRounding.AwayFromZero),
            short => (short)Math.Round(noisy, MidpointRounding.AwayFromZero),
            ulong => (ulong)Math.Max(0, Math.Round(noisy, MidpointRounding.AwayFromZero)),
            uint => (uint)Math.Max(0, Math.Round(noisy, MidpointRounding.AwayFromZero)),
            BigInteger => new BigInteger(Math.Round(noisy, MidpointRounding.AwayFromZero)),
            decimal d when Math.Abs(noisy) < 7.9e27 => Math.Round((decimal)noisy, d.Scale, MidpointRounding.AwayFromZero),
            float => (float)noisy,
            _ => noisy,
        };
    }
}
