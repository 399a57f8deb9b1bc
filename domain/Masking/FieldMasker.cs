using Platform.Domain.Catalog;

namespace Platform.Domain.Masking;

/// <summary>
/// Applies the rule <see cref="MaskingPolicy"/> chose for one field to its values. Null and empty values stay as
/// they are (there is nothing to hide, and a pseudonym of "nothing" would only add noise), except under
/// suppression, which always gives null. Not thread-safe when it pseudonymises.
/// </summary>
public sealed class FieldMasker : IDisposable
{
    // An HMAC costs about a microsecond; columns such as sex, ethnicity or common names repeat a few values,
    // so a small memo of recent pseudonyms saves most of that. Cleared when full, so memory stays bounded.
    private const int PseudonymMemoSize = 4096;

    private readonly Pseudonymiser? pseudonymiser;
    private readonly Dictionary<string, string>? pseudonymMemo;

    // Values of a block missing from the memo, hashed together (ApplyToColumn).
    private const int PendingValues = 64;

    // Values hashed without the memo after the memo filled with too few hits (ApplyToColumn); the memo is then tried again.
    private const int MemoSkipValues = 16 * PseudonymMemoSize;
    private int memoHits;
    private int memoSkips;
    private readonly int[] pendingRows = new int[PendingValues];
    private readonly string?[] pendingValues = new string?[PendingValues];
    private readonly string?[] pendingPseudonyms = new string?[PendingValues];

    public FieldMasker(FieldDefinition field, MaskingPurpose purpose, PseudonymisationKey? key = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        Field = field;
        Rule = MaskingPolicy.RuleFor(field, purpose);
        if (Rule.Technique == MaskingTechnique.Pseudonymise)
        {
            if (key is null)
            {
                throw new ArgumentException(
                    $"Field '{field.Name}' is pseudonymised for {purpose.ToWire()}; a pseudonymisation key is required.", nameof(key));
            }

            pseudonymiser = new Pseudonymiser(key);
            pseudonymMemo = new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    public FieldDefinition Field { get; }

    public MaskingRule Rule { get; }

    public string? Apply(string? value)
    {
        if (Rule.Technique == MaskingTechnique.Suppress)
        {
            return null;
        }

        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        return Rule.Technique switch
        {
            MaskingTechnique.Keep => value,
            MaskingTechnique.Pseudonymise => Pseudonymise(value),
            _ => Rule.Transform!(value),
        };
    }

    internal CellValue Apply(CellValue cell)
    {
        if (Rule.Technique == MaskingTechnique.Keep)
        {
            return cell;
        }

        if (Rule.Technique == MaskingTechnique.Suppress)
        {
            return CellValue.Null;
        }

        return cell.Kind == CellKind.Null ? cell : CellValue.String(Apply(cell.Text));
    }

    /// <summary>
    /// Masks column <paramref name="column"/> of the first <paramref name="count"/> rows whose <paramref name="emit"/> flag is
    /// set, in place; the same as <see cref="Apply(CellValue)"/> row by row, but values missing from the pseudonym memo are
    /// hashed together, eight at a time (issue 18.3).
    /// </summary>
    internal void ApplyToColumn(CellValue[][] rows, int count, bool[] emit, int column)
    {
        if (Rule.Technique != MaskingTechnique.Pseudonymise)
        {
            for (var r = 0; r < count; r++)
            {
                if (emit[r])
                {
                    rows[r][column] = Apply(rows[r][column]);
                }
            }

            return;
        }

        var pending = 0;
        for (var r = 0; r < count; r++)
        {
            if (!emit[r])
            {
                continue;
            }

            var cell = rows[r][column];
            if (cell.Kind == CellKind.Null)
            {
                continue;
            }

            if (string.IsNullOrEmpty(cell.Text))
            {
                rows[r][column] = CellValue.String(cell.Text);
            }
            else if (memoSkips == 0 && pseudonymMemo!.TryGetValue(cell.Text, out var pseudonym))
            {
                memoHits++;
                rows[r][column] = CellValue.String(pseudonym);
            }
            else
            {
                pendingRows[pending] = r;
                pendingValues[pending++] = cell.Text;
                if (pending == pendingValues.Length)
                {
                    PseudonymisePending(rows, column, pending);
                    pending = 0;
                }
            }
        }

        PseudonymisePending(rows, column, pending);
    }

    public void Dispose() => pseudonymiser?.Dispose();

    private void PseudonymisePending(CellValue[][] rows, int column, int pending)
    {
        if (pending == 0)
        {
            return;
        }

        pseudonymiser!.ApplyMany(Field.IdentifierKind, pendingValues.AsSpan(0, pending), pendingPseudonyms);
        for (var i = 0; i < pending; i++)
        {
            if (memoSkips > 0)
            {
                memoSkips--;
            }
            else
            {
                Remember(pendingValues[i]!, pendingPseudonyms[i]!);
            }

            rows[pendingRows[i]][column] = CellValue.String(pendingPseudonyms[i]);
        }
    }

    private void Remember(string value, string pseudonym)
    {
        if (pseudonymMemo!.Count == PseudonymMemoSize)
        {
            pseudonymMemo.Clear();

            // A column of unique values (ID numbers, phones) rarely hits the memo: looking up and storing would then cost
            // more than hashing (eight at a time). Below one hit in eight, the block path bypasses the memo for a while.
            if (memoHits * 8 < PseudonymMemoSize)
            {
                memoSkips = MemoSkipValues;
            }

            memoHits = 0;
        }

        pseudonymMemo[value] = pseudonym;
    }

    private string Pseudonymise(string value)
    {
        if (pseudonymMemo!.TryGetValue(value, out var pseudonym))
        {
            memoHits++;
            return pseudonym;
        }

        pseudonym = pseudonymiser!.Apply(Field.IdentifierKind, value)!;
        Remember(value, pseudonym);
        return pseudonym;
    }
}
