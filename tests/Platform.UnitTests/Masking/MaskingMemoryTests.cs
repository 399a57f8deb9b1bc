using System.Diagnostics;
using System.Text;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Platform.UnitTests.Identifiers;
using Xunit;
using Xunit.Abstractions;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

// The heap is measured process-wide: no other test may allocate meanwhile.
[Collection(MemoryMeasurementCollection.Name)]
public class MaskingMemoryTests(ITestOutputHelper output)
{
    private const int Rows = 200_000;
    private const long MaxHeapGrowthBytes = 50L * 1024 * 1024;

    private static readonly FieldDefinition[] Fields =
    [
        Field("姓名", FieldClassification.Personal, IdentifierKind.Name),
        Field("身份证号", FieldClassification.SensitivePersonal, IdentifierKind.IdNumber),
        Field("手机", FieldClassification.Personal, IdentifierKind.Mobile),
        Field("银行卡", FieldClassification.SensitivePersonal, IdentifierKind.BankCard),
        Field("地址", FieldClassification.Personal, IdentifierKind.Address, quasiIdentifier: true),
        Field("出生日期", FieldClassification.Personal, IdentifierKind.BirthDate, FieldType.Date, quasiIdentifier: true),
        Field("性别", FieldClassification.Personal, quasiIdentifier: true),
        Field("备注", FieldClassification.Public),
    ];

    [Fact]
    public async Task Run_200kGeneratedRows_HeapStaysBounded()
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        var samples = 0;
        var progress = new InlineProgress(_ =>
        {
            samples++;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        });
        var options = Options() with { ProgressInterval = 40_000 };
        var watch = Stopwatch.StartNew();

        await using var input = new GeneratedCsvStream(Rows);
        var report = await MaskingEngine.RunAsync(input, DataFormat.Csv, Fields, options, Stream.Null, progress);

        output.WriteLine($"{Rows} rows in {watch.ElapsedMilliseconds} ms; peak heap growth {peak / 1024} KB over {samples} samples; k = {report.KAnonymity!.K}");
        Assert.Equal(Rows, report.RowsOut);
        Assert.Equal(Rows / 40_000 + 1, samples);
        Assert.Equal(0, report.MalformedRowCount);
        Assert.InRange(peak, 0, MaxHeapGrowthBytes);
        Assert.False(report.KAnonymity.Capped);
    }

    /// <summary>A CSV of people produced row by row as it is read, so the test itself holds no big string.</summary>
    private sealed class GeneratedCsvStream(int rows) : Stream
    {
        private static readonly string[] Districts = ["湖北省武汉市洪山区", "湖北省武汉市武昌区", "湖北省宜昌市西陵区", "湖北省襄阳市樊城区", "湖北省荆州市沙市区"];

        private byte[] pending = Encoding.UTF8.GetBytes("姓名,身份证号,手机,银行卡,地址,出生日期,性别,备注\r\n");
        private int offset;
        private int next;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length)
            {
                if (offset == pending.Length)
                {
                    if (next == rows)
                    {
                        break;
                    }

                    pending = Encoding.UTF8.GetBytes(Row(next++));
                    offset = 0;
                }

                var count = Math.Min(buffer.Length - written, pending.Length - offset);
                pending.AsSpan(offset, count).CopyTo(buffer[written..]);
                offset += count;
                written += count;
            }

            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static string Row(int i)
        {
            var birth = new DateOnly(1950, 1, 1).AddDays(i * 7 % 20_000);
            var id = IdentifierTestData.WithIdNumberCheck($"420102{birth:yyyyMMdd}{i % 1000:D3}");
            var card = IdentifierTestData.WithLuhnCheck($"622202{i:D12}");
            var name = Surnames[i % Surnames.Length] + GivenNames[i / Surnames.Length % GivenNames.Length];
            return $"{name},{id},13{i % 1_000_000_000:D9},{card},{Districts[i % Districts.Length]}珞喻路{i}号,{birth:yyyy-MM-dd},{(i % 2 == 0 ? "男" : "女")},\"第{i}行, 备注\"\r\n";
        }
    }

    private sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement";
}
