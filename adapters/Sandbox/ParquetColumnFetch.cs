using System.Buffers.Binary;
using DuckDB.NET.Data;
using Microsoft.Win32.SafeHandles;
using Platform.Adapters.Grants;
using Platform.Domain.Sandbox;

namespace Platform.Adapters.Sandbox;

/// <summary>
/// Issue 18 (column pruning): stages a Parquet library copy as a sparse local file that holds only its footer and the
/// column chunks of the columns a statement reads. Everything else stays a hole that reads as zeros and that the engine
/// never touches, since the job's view of the table exposes only the fetched columns. A statement over two of seven
/// columns then reads a few MiB from storage instead of the whole copy.
/// </summary>
public static class ParquetColumnFetch
{
    /// <summary>The tail read first: Parquet's footer (metadata, then its 4-byte length and "PAR1") is usually far smaller.</summary>
    private const int TailBytes = 64 * 1024;

    /// <summary>Ranges closer than this are read as one: one request costs more than reading a small gap.</summary>
    private const long MergeGapBytes = 256 * 1024;

    /// <summary>Ranges longer than this are split so that several requests run side by side.</summary>
    private const long MaxRangeBytes = 4 * 1024 * 1024;

    private const int ParallelRanges = 4;

    /// <summary>
    /// Writes the footer and the chunks of <paramref name="columns"/> (names as stored, case-insensitive) of the copy into
    /// <paramref name="path"/>, a new file of the copy's length; returns the bytes fetched.
    /// </summary>
    public static async Task<long> FetchAsync(DuckDBConnection connection, SandboxTableRanges ranges, long length, string path, IReadOnlyCollection<string> columns, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.Read, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(path, options))
        {
            var handle = file.SafeFileHandle;
            RandomAccess.SetLength(handle, length);
            var tailLength = (int)Math.Min(length, TailBytes);
            await FetchRangeAsync(ranges, handle, length - tailLength, tailLength, cancellationToken);
            var footer = await FooterLengthAsync(handle, length, cancellationToken);
            var fetched = (long)tailLength;
            if (footer + 8 > tailLength)
            {
                var more = Math.Min(length, footer + 8) - tailLength;
                await FetchRangeAsync(ranges, handle, length - tailLength - more, more, cancellationToken);
                fetched += more;
            }

            var wanted = Merge(ChunkRanges(connection, path, columns), length - Math.Max(tailLength, footer + 8));
            using var slots = new SemaphoreSlim(ParallelRanges);
            await Task.WhenAll(wanted.Select(async range =>
            {
                await slots.WaitAsync(cancellationToken);
                try
                {
                    await FetchRangeAsync(ranges, handle, range.Offset, range.Length, cancellationToken);
                }
                finally
                {
                    slots.Release();
                }
            }));
            return fetched + wanted.Sum(r => r.Length);
        }
    }

    private static async Task<long> FooterLengthAsync(SafeFileHandle handle, long length, CancellationToken cancellationToken)
    {
        var trailer = new byte[8];
        if (length < 12 || await RandomAccess.ReadAsync(handle, trailer, length - 8, cancellationToken) != 8 || trailer[4] != 'P' || trailer[5] != 'A' || trailer[6] != 'R' || trailer[7] != '1')
        {
            throw new InvalidDataException("The library copy is not a Parquet file (no PAR1 trailer).");
        }

        var footer = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        return footer + 8 > length ? throw new InvalidDataException("The library copy's Parquet footer is longer than the file.") : footer;
    }

    /// <summary>The byte ranges of the wanted columns' chunks (dictionary and data pages, bloom filters) from the footer.</summary>
    private static List<(long Offset, long Length)> ChunkRanges(DuckDBConnection connection, string path, IReadOnlyCollection<string> columns)
    {
        var wanted = new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase);
        var result = new List<(long, long)>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path_in_schema, dictionary_page_offset, data_page_offset, total_compressed_size, bloom_filter_offset, bloom_filter_length " +
                              $"FROM parquet_metadata({LibraryParquet.Literal(path)})";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!wanted.Contains(reader.GetString(0)))
            {
                continue;
            }

            var data = reader.GetInt64(2);
            var start = reader.IsDBNull(1) || reader.GetInt64(1) <= 0 ? data : Math.Min(reader.GetInt64(1), data);
            result.Add((start, reader.GetInt64(3)));
            if (!reader.IsDBNull(4) && !reader.IsDBNull(5) && reader.GetInt64(5) > 0)
            {
                result.Add((reader.GetInt64(4), reader.GetInt64(5)));
            }
        }

        return result;
    }

    /// <summary>Sorted, merged across small gaps, cut at the footer already fetched and split into request-sized pieces.</summary>
    public static List<(long Offset, long Length)> Merge(IEnumerable<(long Offset, long Length)> ranges, long end)
    {
        var merged = new List<(long Offset, long End)>();
        foreach (var (offset, length) in ranges.Where(r => r.Length > 0).OrderBy(r => r.Offset))
        {
            var stop = Math.Min(offset + length, end);
            if (stop <= offset)
            {
                continue;
            }

            if (merged.Count > 0 && offset <= merged[^1].End + MergeGapBytes)
            {
                merged[^1] = (merged[^1].Offset, Math.Max(merged[^1].End, stop));
            }
            else
            {
                merged.Add((offset, stop));
            }
        }

        var pieces = new List<(long, long)>();
        foreach (var (offset, stop) in merged)
        {
            for (var at = offset; at < stop; at += MaxRangeBytes)
            {
                pieces.Add((at, Math.Min(MaxRangeBytes, stop - at)));
            }
        }

        return pieces;
    }

    private static async Task FetchRangeAsync(SandboxTableRanges ranges, SafeFileHandle handle, long offset, long length, CancellationToken cancellationToken)
    {
        await using var target = new OffsetWriteStream(handle, offset);
        await ranges.CopyRangeToAsync(offset, length, target, cancellationToken);
        if (target.Written != length)
        {
            throw new IOException($"A range read of the library copy returned {target.Written} bytes instead of {length}.");
        }
    }

    /// <summary>A write-only stream over one region of a file, written at its own offset so ranges can be written side by side.</summary>
    private sealed class OffsetWriteStream(SafeFileHandle handle, long start) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            RandomAccess.Write(handle, buffer, start + Written);
            Written += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await RandomAccess.WriteAsync(handle, buffer, start + Written, cancellationToken);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
