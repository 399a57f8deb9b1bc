using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Masking;
using Xunit;

namespace Platform.UnitTests.Masking;

/// <summary>Issue 18.3: the managed HMAC-SHA256 behind pseudonyms equals the platform's, byte for byte.</summary>
public class HmacSha256PadsTests
{
    // RFC 4231 §4.2, §4.3 and §4.7: short key, short key and data, key longer than a block (hashed first).
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData("4a656665", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("aa*131", "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
    public void Compute_Rfc4231Vectors_ExpectedHash(string keyHex, string data, string expectedHex)
    {
        var key = keyHex == "aa*131" ? Enumerable.Repeat((byte)0xAA, 131).ToArray() : Convert.FromHexString(keyHex);
        using var hmac = new HmacSha256Pads(key);
        var hash = new byte[HmacSha256Pads.HashBytes];

        hmac.Compute(Encoding.ASCII.GetBytes(data), hash);

        Assert.Equal(expectedHex, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Compute_RandomKeysAndMessagesOfEveryLengthAroundTheBlocks_SameAsPlatformHmac()
    {
        var random = new Random(18);
        foreach (var keyLength in new[] { 0, 1, 32, 63, 64, 65, 100 })
        {
            var key = new byte[keyLength];
            random.NextBytes(key);
            using var hmac = new HmacSha256Pads(key);
            for (var length = 0; length <= 200; length++)
            {
                var message = new byte[length];
                random.NextBytes(message);
                var hash = new byte[HmacSha256Pads.HashBytes];

                hmac.Compute(message, hash);

                Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, message)), Convert.ToHexStringLower(hash));
            }
        }
    }

    [Fact]
    public async Task Compute_SharedByThreads_SameAsPlatformHmac()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var hmac = new HmacSha256Pads(key);

        var mismatches = await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(() =>
        {
            var hash = new byte[HmacSha256Pads.HashBytes];
            var count = 0;
            for (var i = 0; i < 2000; i++)
            {
                var message = Encoding.UTF8.GetBytes($"idn:{thread}-{i}-鄂A12345");
                hmac.Compute(message, hash);
                count += hash.AsSpan().SequenceEqual(HMACSHA256.HashData(key, message)) ? 0 : 1;
            }

            return count;
        })));

        Assert.All(mismatches, count => Assert.Equal(0, count));
    }

    [Fact]
    public void ComputeEight_RandomMessagesUpToTheLaneLimit_SameAsPlatformHmacPerLane()
    {
        var random = new Random(183);
        var key = new byte[32];
        random.NextBytes(key);
        using var hmac = new HmacSha256Pads(key);
        var slots = new byte[HmacSha256Pads.Lanes * HmacSha256Pads.BlockBytes];
        var hashes = new byte[HmacSha256Pads.Lanes * HmacSha256Pads.HashBytes];
        for (var round = 0; round < 60; round++)
        {
            var lengths = Enumerable.Range(0, HmacSha256Pads.Lanes).Select(lane => (round + (lane * 7)) % (HmacSha256Pads.MaxLaneMessageBytes + 1)).ToArray();
            random.NextBytes(slots);
            var messages = lengths.Select((length, lane) => slots.AsSpan(lane * HmacSha256Pads.BlockBytes, length).ToArray()).ToArray();

            hmac.ComputeEight(slots, lengths, hashes);

            for (var lane = 0; lane < HmacSha256Pads.Lanes; lane++)
            {
                Assert.Equal(
                    Convert.ToHexStringLower(HMACSHA256.HashData(key, messages[lane])),
                    Convert.ToHexStringLower(hashes.AsSpan(lane * HmacSha256Pads.HashBytes, HmacSha256Pads.HashBytes)));
            }
        }
    }

    [Fact]
    public void ComputeEight_MessageLongerThanALane_Throws()
    {
        using var hmac = new HmacSha256Pads(new byte[32]);
        var lengths = new int[HmacSha256Pads.Lanes];
        lengths[3] = HmacSha256Pads.MaxLaneMessageBytes + 1;

        Assert.Throws<ArgumentOutOfRangeException>(() => hmac.ComputeEight(new byte[512], lengths, new byte[256]));
    }

    [Fact]
    public void Compute_DestinationShorterThanHash_Throws()
    {
        using var hmac = new HmacSha256Pads(new byte[32]);

        Assert.Throws<ArgumentOutOfRangeException>(() => hmac.Compute([1, 2, 3], new byte[31]));
    }
}
