namespace Platform.Domain.Masking;

/// <summary>How a masking job runs. <see cref="Purpose"/> and <see cref="Today"/> are required.</summary>
public sealed record MaskingOptions
{
    public required MaskingPurpose Purpose { get; init; }

    /// <summary>Today's date in China Standard Time; bounds the birth dates the identifier scan accepts.</summary>
    public required DateOnly Today { get; init; }

    /// <summary>The agreement's key; required when a field is pseudonymised (provisioning of personal fields).</summary>
    public PseudonymisationKey? Key { get; init; }

    public SamplingPlan Sampling { get; init; } = SamplingPlan.None;

    /// <summary>Same seed, same input → same output rows.</summary>
    public long Seed { get; init; }

    public InputEncoding Encoding { get; init; } = InputEncoding.Auto;

    /// <summary>The output format; null writes the input format.</summary>
    public DataFormat? OutputFormat { get; init; }

    /// <summary>Starts CSV output with a UTF-8 BOM, which spreadsheet programs need to show Chinese correctly.</summary>
    public bool CsvUtf8Bom { get; init; }

    /// <summary>How many malformed rows the report lists (all are counted).</summary>
    public int MaxMalformedRowsListed { get; init; } = 100;

    /// <summary>How many distinct quasi-identifier combinations k-anonymity tracks before it reports itself capped.</summary>
    public int MaxEquivalenceClasses { get; init; } = 1_000_000;

    /// <summary>The longest CSV record or JSON line, in characters; a longer one is malformed.</summary>
    public int MaxRecordLength { get; init; } = 1024 * 1024;

    /// <summary>Rows between two progress reports.</summary>
    public int ProgressInterval { get; init; } = 10_000;

    /// <summary>
    /// How many blocks of rows are masked side by side (issue 18.3); by default one per processor, 1 masks each block on the
    /// reading thread. The output is the same byte for byte whatever the value: blocks are written in input order, and
    /// sampling is decided in input order. On a quiet 2-core machine two blocks side by side beat one thread for the sample
    /// rules and for provisioning alike (BENCHMARKS.md, issue 18).
    /// </summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Rows per block. Each block is scanned, masked column by column (pseudonyms eight at a time) and encoded in one go;
    /// 512 rows (about 0.7 MB of values) stay in a core's cache between the reading thread and the masking one.
    /// </summary>
    public int BlockRows { get; init; } = 512;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Sampling);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMalformedRowsListed);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEquivalenceClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ProgressInterval, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockRows, 1);
    }
}
