using System.Buffers;
using System.Text;

namespace Platform.Domain.Masking;

/// <summary>
/// Turns the bytes of an uploaded file into characters with bounded memory, choosing the encoding as
/// government exports require: a BOM decides; otherwise the text is ASCII until the first non-ASCII byte, and
/// there the next <see cref="Utf8LookaheadBytes"/> decide: valid UTF-8 → UTF-8, else GB18030 (see <see cref="IsUtf8"/>). Because every
/// byte before that point is ASCII, which both encodings read alike, deciding late gives the same text as
/// deciding on the whole file would, without reading it twice. Binary files are refused up front.
/// </summary>
internal sealed class DecodingCharSource : IDisposable
{
    public const int SniffBytes = 8 * 1024;
    public const int Utf8LookaheadBytes = 64 * 1024;
    private const int BufferBytes = 128 * 1024;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private static readonly Lazy<Encoding> Gb18030 = new(CreateGb18030);

    private readonly Stream stream;
    private byte[] buffer;
    private int start;
    private int end;
    private bool streamEnded;
    private bool flushed;
    private Decoder? decoder;

    private DecodingCharSource(Stream stream)
    {
        this.stream = stream;
        buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    }

    /// <summary>"utf-8" or "gb18030"; a file that is entirely ASCII reports "utf-8".</summary>
    public string EncodingName { get; private set; } = "utf-8";

    /// <exception cref="MaskingInputException">The file is empty, binary or UTF-16/UTF-32.</exception>
    public static async Task<DecodingCharSource> OpenAsync(Stream stream, InputEncoding declared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = new DecodingCharSource(stream);
        try
        {
            await source.FillAsync(SniffBytes, cancellationToken).ConfigureAwait(false);
            source.Inspect(declared);
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length characters (at least 2 needed); 0 at the end of the file.</summary>
    public async ValueTask<int> ReadAsync(Memory<char> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (start == end)
            {
                if (!streamEnded)
                {
                    await FillAsync(1, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (decoder is not null && !flushed)
                {
                    flushed = true;
                    decoder.Convert(ReadOnlySpan<byte>.Empty, destination.Span, flush: true, out _, out var tail, out _);
                    if (tail > 0)
                    {
                        return tail;
                    }
                }

                return 0;
            }

            if (decoder is null)
            {
                var ascii = CopyAscii(destination.Span);
                if (ascii > 0)
                {
                    return ascii;
                }

                // The first non-ASCII byte: look far enough ahead to tell UTF-8 from GB18030.
                await FillAsync(Utf8LookaheadBytes, cancellationToken).ConfigureAwait(false);
                Decide();
                continue;
            }

            decoder.Convert(buffer.AsSpan(start, end - start), destination.Span, flush: false, out var used, out var written, out _);
            start += used;
            if (written > 0)
            {
                return written;
            }

            if (used == 0)
            {
                throw new InvalidOperationException("The decoder made no progress; the destination is too small.");
            }
        }
    }

    public void Dispose()
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
        }
    }

    private static Encoding CreateGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));
    }

    /// <summary>Ensures at least <paramref name="count"/> unread bytes (fewer only at the end of the stream).</summary>
    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        if (start > 0 && buffer.Length - start < count)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        while (!streamEnded && end - start < count && end < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                streamEnded = true;
            }

            end += read;
        }
    }

    private int CopyAscii(Span<char> destination)
    {
        var source = buffer.AsSpan(start, Math.Min(end - start, destination.Length));
        System.Text.Ascii.ToUtf16(source, destination, out var written);
        start += written;
        return written;
    }

    private void Inspect(InputEncoding declared)
    {
        var head = buffer.AsSpan(start, end - start);
        if (head.IsEmpty)
        {
            throw new MaskingInputException(MaskingFailureCodes.EmptyInput, "The file is empty.");
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw Unsupported("UTF-32");
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw Unsupported("UTF-16");
        }

        // A BOM is unambiguous, so it outranks a declared encoding.
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            start += 3;
            Use(InputEncoding.Utf8);
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0x84, 0x31, 0x95, 0x33]))
        {
            start += 4;
            Use(InputEncoding.Gb18030);
        }
        else if (declared != InputEncoding.Auto)
        {
            Use(declared);
        }

        var binary = BinaryReason(buffer.AsSpan(start, Math.Min(end - start, SniffBytes)));
        if (binary is not null)
        {
            throw new MaskingInputException(MaskingFailureCodes.NotText, $"The file is not CSV or JSON Lines text: {binary}.");
        }
    }

    private static MaskingInputException Unsupported(string encoding) => new(
        MaskingFailureCodes.UnsupportedEncoding,
        $"The file is {encoding} encoded (by its byte order mark); save it as UTF-8 or GB18030.");

    internal static string? BinaryReason(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]))
        {
            return "it is a ZIP archive (an .xlsx workbook?); export the sheet as CSV";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            return "it is an OLE compound file (an .xls workbook?); export the sheet as CSV";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return "it is gzip-compressed; upload the uncompressed file";
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return "it is a PDF document";
        }

        if (head.Contains((byte)0))
        {
            return "it contains NUL bytes (binary data, or UTF-16 without a byte order mark)";
        }

        var controls = 0;
        foreach (var b in head)
        {
            if (b is < 0x20 and not ((byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or 0x1A) or 0x7F)
            {
                controls++;
            }
        }

        // A stray control character can occur in real exports; many cannot.
        return controls * 100 > head.Length ? "it contains control bytes, so it is binary data" : null;
    }

    private void Use(InputEncoding encoding)
    {
        (decoder, EncodingName) = encoding == InputEncoding.Gb18030
            ? (Gb18030.Value.GetDecoder(), "gb18030")
            : (Utf8.GetDecoder(), "utf-8");
    }

    private void Decide() => Use(IsUtf8(buffer.AsSpan(start, end - start), streamEnded) ? InputEncoding.Utf8 : InputEncoding.Gb18030);

    /// <summary>
    /// True when <paramref name="bytes"/> reads as UTF-8: every multi-byte sequence valid, or at most one bad
    /// sequence in twenty good ones (a file cut or corrupted in one place is still UTF-8). GB18030 text
    /// forms a valid UTF-8 sequence only by accident, for about one character in ten, so it falls far short.
    /// A sequence cut off at the end of the window is not counted.
    /// </summary>
    internal static bool IsUtf8(ReadOnlySpan<byte> bytes, bool final)
    {
        var valid = 0;
        var invalid = 0;
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out _, out var consumed);
            if (status == OperationStatus.NeedMoreData && !final)
            {
                break;
            }

            if (status == OperationStatus.Done)
            {
                valid += consumed > 1 ? 1 : 0;
            }
            else
            {
                invalid++;
            }

            bytes = bytes[consumed..];
        }

        return invalid == 0 || invalid * 20 <= valid;
    }
}
