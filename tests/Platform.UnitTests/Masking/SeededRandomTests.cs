using Platform.Domain.Masking;
using Xunit;

namespace Platform.UnitTests.Masking;

public class SeededRandomTests
{
    [Fact]
    public void SplitMix64_PublishedSequenceForSeed1234567()
    {
        // The reference outputs of splitmix64.c (Vigna) for seed 1234567.
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];

        Assert.Equal(expected, expected.Select(_ => SeededRandom.SplitMix64(ref state)).ToArray());
    }

    [Fact]
    public void NextUInt64_SameSeed_SameSequence()
    {
        var one = new SeededRandom(42);
        var two = new SeededRandom(42);
        var other = new SeededRandom(43);

        var first = Enumerable.Range(0, 100).Select(_ => one.NextUInt64()).ToArray();

        Assert.Equal(first, Enumerable.Range(0, 100).Select(_ => two.NextUInt64()).ToArray());
        Assert.NotEqual(first, Enumerable.Range(0, 100).Select(_ => other.NextUInt64()).ToArray());
    }

    [Fact]
    public void NextBelow_SmallBound_CoversEveryValueAndStaysBelow()
    {
        var random = new SeededRandom(7);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[random.NextBelow(7)]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 9_000, 11_000));
    }

    [Fact]
    public void NextDouble_InUnitInterval_MeanNearHalf()
    {
        var random = new SeededRandom(-1);
        var values = Enumerable.Range(0, 100_000).Select(_ => random.NextDouble()).ToArray();

        Assert.All(values, value => Assert.InRange(value, 0.0, 0.9999999999999999));
        Assert.InRange(values.Average(), 0.49, 0.51);
    }
}
