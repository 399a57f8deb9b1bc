namespace Platform.Domain.Masking;

/// <summary>
/// Counts output rows per combination of quasi-identifier values (k-anonymity, GB/T 37964-2019 §6.3). A class is
/// stored as a 64-bit hash of its values, not the values, so a million classes take tens of megabytes; the
/// chance that two of a million classes share a hash is below one in ten million.
/// </summary>
internal sealed class EquivalenceClassCounter
{
    private const ulong FnvOffset = 0xCBF29CE484222325UL;
    private const ulong FnvPrime = 0x100000001B3UL;

    private readonly int[] columns;
    private readonly int maxClasses;
    private readonly Dictionary<ulong, long> classes = [];

    public EquivalenceClassCounter(int[] columns, int maxClasses)
    {
        this.columns = columns;
        this.maxClasses = maxClasses;
    }

    public bool Capped { get; private set; }

    public void Add(ReadOnlySpan<CellValue> record) => Add(HashOf(record));

    /// <summary>Counts a row by the <see cref="HashOf"/> of its quasi-identifiers (computed where the row was masked).</summary>
    public void Add(ulong hash)
    {
        if (classes.TryGetValue(hash, out var count))
        {
            classes[hash] = count + 1;
        }
        else if (classes.Count < maxClasses)
        {
            classes[hash] = 1;
        }
        else
        {
            Capped = true;
        }
    }

    public KAnonymityReport Report(IReadOnlyList<string> names)
    {
        long? smallest = null;
        long unique = 0;
        foreach (var count in classes.Values)
        {
            smallest = smallest is null ? count : Math.Min(smallest.Value, count);
            unique += count == 1 ? 1 : 0;
        }

        return new KAnonymityReport(names, smallest, classes.Count, unique, Capped);
    }

    /// <summary>The class of a row: a 64-bit hash of its quasi-identifier values. Reads only the column list, so any thread may call it.</summary>
    public ulong HashOf(ReadOnlySpan<CellValue> record)
    {
        unchecked
        {
            var hash = FnvOffset;
            foreach (var column in columns)
            {
                var cell = record[column];

                // Null and empty differ; the length keeps ("ab","c") apart from ("a","bc").
                hash = (hash ^ (cell.Text is null ? 0xFFFFUL : (ulong)cell.Text.Length)) * FnvPrime;
                foreach (var c in cell.Text.AsSpan())
                {
                    hash = (hash ^ c) * FnvPrime;
                }
            }

            // SplitMix64's finaliser spreads FNV's weak high bits.
            hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
            hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
            return hash ^ (hash >> 31);
        }
    }
}
