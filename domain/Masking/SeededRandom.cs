using System.Numerics;

namespace Platform.Domain.Masking;

/// <summary>
/// xoshiro256** (Blackman and Vigna, 2018) seeded through SplitMix64: a small, fully specified generator, so a
/// sample drawn with a seed is the same on every runtime and version, which <see cref="Random"/> does not promise.
/// </summary>
public sealed class SeededRandom
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    public SeededRandom(long seed)
    {
        var state = unchecked((ulong)seed);
        s0 = SplitMix64(ref state);
        s1 = SplitMix64(ref state);
        s2 = SplitMix64(ref state);
        s3 = SplitMix64(ref state);
    }

    /// <summary>One step of SplitMix64 (Steele, Lea and Flood, 2014).</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            var result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = BitOperations.RotateLeft(s3, 45);
            return result;
        }
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) without modulo bias (Lemire, 2019).</summary>
    public ulong NextBelow(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        var high = Math.BigMul(NextUInt64(), bound, out var low);
        if (low < bound)
        {
            var threshold = unchecked(0 - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), bound, out low);
            }
        }

        return high;
    }
}
