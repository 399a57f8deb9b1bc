using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Platform.Domain.Masking;

/// <summary>
/// HMAC-SHA256 (RFC 2104 over FIPS 180-4 SHA-256) of short messages with the key's inner and outer pad blocks
/// compressed once, at construction, instead of once per message. A pseudonym (M4.4) is the HMAC of a value of
/// 10–60 bytes, so each one then costs two compressions of the SHA-256 block function in managed code, with no call
/// into the platform's crypto library: measured about six times cheaper per value than <see cref="IncrementalHash"/>
/// on Linux, where each OpenSSL call clears the error queue and reinitialises the HMAC context (issue 18.3).
/// <see cref="Compute"/> only reads the instance, so one instance may be used by several threads.
/// Equality with the platform's HMACSHA256 is a unit test (RFC 4231 vectors and random keys and messages).
/// </summary>
public sealed class HmacSha256Pads : IDisposable
{
    public const int HashBytes = 32;

    /// <summary>The number of messages <see cref="ComputeEight"/> hashes at once.</summary>
    public const int Lanes = 8;

    /// <summary>The longest message <see cref="ComputeEight"/> takes: one block less the padding marker and the 64-bit length.</summary>
    public const int MaxLaneMessageBytes = BlockBytes - 9;

    /// <summary>The bytes of one message slot of <see cref="ComputeEight"/>.</summary>
    public const int BlockBytes = 64;

    private readonly uint[] inner = new uint[8];
    private readonly uint[] outer = new uint[8];

    public HmacSha256Pads(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[BlockBytes];
        block.Clear();
        if (key.Length > BlockBytes)
        {
            SHA256.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        Span<byte> pad = stackalloc byte[BlockBytes];
        for (var i = 0; i < BlockBytes; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x36);
        }

        InitialState.CopyTo(inner);
        Compress(inner, pad);
        for (var i = 0; i < BlockBytes; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x5C);
        }

        InitialState.CopyTo(outer);
        Compress(outer, pad);
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(pad);
    }

    // FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the first eight primes.
    private static ReadOnlySpan<uint> InitialState =>
    [
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    ];

    // FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
        0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
        0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
        0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
        0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
        0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
        0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
        0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
    ];

    /// <summary>Writes HMAC-SHA256(key, <paramref name="message"/>) to the first 32 bytes of <paramref name="destination"/>.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashBytes, nameof(destination));
        Span<uint> state = stackalloc uint[8];
        inner.CopyTo(state);
        Finish(state, message, destination);
        outer.CopyTo(state);
        Finish(state, destination[..HashBytes], destination);
    }

    /// <summary>
    /// Eight HMACs at once, one per 32-bit lane of 256-bit vectors (issue 18.3): lane <c>j</c> hashes the first
    /// <c>lengths[j]</c> bytes of the 64-byte slot <c>j</c> of <paramref name="slots"/> (at most
    /// <see cref="MaxLaneMessageBytes"/>; the rest of the slot is overwritten with the padding) and writes its hash to
    /// bytes <c>32j</c>..<c>32j+31</c> of <paramref name="hashes"/>. Without vector hardware, lane by lane.
    /// </summary>
    public void ComputeEight(Span<byte> slots, ReadOnlySpan<int> lengths, Span<byte> hashes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots.Length, Lanes * BlockBytes, nameof(slots));
        ArgumentOutOfRangeException.ThrowIfLessThan(lengths.Length, Lanes, nameof(lengths));
        ArgumentOutOfRangeException.ThrowIfLessThan(hashes.Length, Lanes * HashBytes, nameof(hashes));
        for (var lane = 0; lane < Lanes; lane++)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(lengths[lane], MaxLaneMessageBytes, nameof(lengths));
            ArgumentOutOfRangeException.ThrowIfNegative(lengths[lane], nameof(lengths));
        }

        if (!Vector256.IsHardwareAccelerated)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                Compute(slots.Slice(lane * BlockBytes, lengths[lane]), hashes.Slice(lane * HashBytes, HashBytes));
            }

            return;
        }

        Span<Vector256<uint>> w = stackalloc Vector256<uint>[64];
        Span<uint> lanes = stackalloc uint[Lanes];
        for (var lane = 0; lane < Lanes; lane++)
        {
            var slot = slots.Slice(lane * BlockBytes, BlockBytes);
            slot[lengths[lane]] = 0x80;
            slot[(lengths[lane] + 1)..(BlockBytes - 8)].Clear();
            BinaryPrimitives.WriteUInt64BigEndian(slot[(BlockBytes - 8)..], (ulong)(BlockBytes + lengths[lane]) * 8);
        }

        for (var t = 0; t < 16; t++)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                lanes[lane] = BinaryPrimitives.ReadUInt32BigEndian(slots.Slice((lane * BlockBytes) + (t * 4), 4));
            }

            w[t] = Vector256.Create<uint>(lanes);
        }

        Span<Vector256<uint>> state = stackalloc Vector256<uint>[8];
        for (var i = 0; i < 8; i++)
        {
            state[i] = Vector256.Create(inner[i]);
        }

        CompressEight(state, w);

        // The outer message is the 32-byte inner hash: its eight big-endian words are the inner state, then the padding.
        for (var i = 0; i < 8; i++)
        {
            w[i] = state[i];
            state[i] = Vector256.Create(outer[i]);
        }

        w[8] = Vector256.Create(0x80000000u);
        for (var t = 9; t < 15; t++)
        {
            w[t] = Vector256<uint>.Zero;
        }

        w[15] = Vector256.Create((uint)(BlockBytes + HashBytes) * 8);
        CompressEight(state, w);
        for (var i = 0; i < 8; i++)
        {
            state[i].CopyTo(lanes);
            for (var lane = 0; lane < Lanes; lane++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(hashes.Slice((lane * HashBytes) + (i * 4), 4), lanes[lane]);
            }
        }
    }

    public void Dispose()
    {
        Array.Clear(inner);
        Array.Clear(outer);
    }

    /// <summary>Hashes <paramref name="message"/> after one block already compressed into <paramref name="state"/>, pads and writes the digest.</summary>
    private static void Finish(Span<uint> state, ReadOnlySpan<byte> message, Span<byte> digest)
    {
        var bitLength = (ulong)(BlockBytes + message.Length) * 8;
        while (message.Length >= BlockBytes)
        {
            Compress(state, message[..BlockBytes]);
            message = message[BlockBytes..];
        }

        // The tail, the 0x80 marker and the 64-bit big-endian bit length fill one block, or two when the tail has over 55 bytes.
        Span<byte> last = stackalloc byte[2 * BlockBytes];
        last.Clear();
        message.CopyTo(last);
        last[message.Length] = 0x80;
        var blocks = message.Length + 9 <= BlockBytes ? 1 : 2;
        BinaryPrimitives.WriteUInt64BigEndian(last.Slice((blocks * BlockBytes) - 8, 8), bitLength);
        Compress(state, last[..BlockBytes]);
        if (blocks == 2)
        {
            Compress(state, last[BlockBytes..]);
        }

        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(i * 4, 4), state[i]);
        }
    }

    /// <summary>The SHA-256 block function (FIPS 180-4 §6.2.2) over one 64-byte block, eight rounds per loop turn.</summary>
    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> schedule = stackalloc uint[64];
        ref var w = ref MemoryMarshal.GetReference(schedule);
        for (var t = 0; t < 16; t++)
        {
            Unsafe.Add(ref w, t) = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(t * 4, 4));
        }

        for (var t = 16; t < 64; t++)
        {
            var w15 = Unsafe.Add(ref w, t - 15);
            var w2 = Unsafe.Add(ref w, t - 2);
            var s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
            var s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
            Unsafe.Add(ref w, t) = Unsafe.Add(ref w, t - 16) + s0 + Unsafe.Add(ref w, t - 7) + s1;
        }

        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        ref var k = ref MemoryMarshal.GetReference(RoundConstants);
        for (var t = 0; t < 64; t += 8)
        {
            // The eight working variables rotate one place per round; naming them in rotated order saves the moves.
            Round(a, b, c, ref d, e, f, g, ref h, Unsafe.Add(ref k, t) + Unsafe.Add(ref w, t));
            Round(h, a, b, ref c, d, e, f, ref g, Unsafe.Add(ref k, t + 1) + Unsafe.Add(ref w, t + 1));
            Round(g, h, a, ref b, c, d, e, ref f, Unsafe.Add(ref k, t + 2) + Unsafe.Add(ref w, t + 2));
            Round(f, g, h, ref a, b, c, d, ref e, Unsafe.Add(ref k, t + 3) + Unsafe.Add(ref w, t + 3));
            Round(e, f, g, ref h, a, b, c, ref d, Unsafe.Add(ref k, t + 4) + Unsafe.Add(ref w, t + 4));
            Round(d, e, f, ref g, h, a, b, ref c, Unsafe.Add(ref k, t + 5) + Unsafe.Add(ref w, t + 5));
            Round(c, d, e, ref f, g, h, a, ref b, Unsafe.Add(ref k, t + 6) + Unsafe.Add(ref w, t + 6));
            Round(b, c, d, ref e, f, g, h, ref a, Unsafe.Add(ref k, t + 7) + Unsafe.Add(ref w, t + 7));
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /// <summary><see cref="Compress"/> on eight independent states, one per lane; <paramref name="w"/> holds the first 16 schedule words.</summary>
    private static void CompressEight(Span<Vector256<uint>> state, Span<Vector256<uint>> w)
    {
        for (var t = 16; t < 64; t++)
        {
            var w15 = w[t - 15];
            var w2 = w[t - 2];
            var s0 = Rotate(w15, 7) ^ Rotate(w15, 18) ^ Vector256.ShiftRightLogical(w15, 3);
            var s1 = Rotate(w2, 17) ^ Rotate(w2, 19) ^ Vector256.ShiftRightLogical(w2, 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        var k = RoundConstants;
        for (var t = 0; t < 64; t++)
        {
            var t1 = h
                + (Rotate(e, 6) ^ Rotate(e, 11) ^ Rotate(e, 25))
                + ((e & f) ^ Vector256.AndNot(g, e))
                + Vector256.Create(k[t])
                + w[t];
            var t2 = (Rotate(a, 2) ^ Rotate(a, 13) ^ Rotate(a, 22)) + ((a & b) | (c & (a | b)));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate(Vector256<uint> value, [ConstantExpected(Min = 1, Max = 31)] int count) =>
        Vector256.ShiftRightLogical(value, count) | Vector256.ShiftLeft(value, 32 - count);

    /// <summary>One round: <paramref name="d"/> becomes the next e and <paramref name="h"/> the next a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(uint a, uint b, uint c, ref uint d, uint e, uint f, uint g, ref uint h, uint constantPlusWord)
    {
        var t1 = h
            + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
            + ((e & f) ^ (~e & g))
            + constantPlusWord;
        d += t1;
        h = t1
            + (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
            + ((a & b) ^ (a & c) ^ (b & c));
    }
}
