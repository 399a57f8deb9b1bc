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

    public void Dispose() => pseudonymiser?.Dispose();

    private string Pseudonymise(string value)
    {
        if (pseudonymMemo!.TryGetValue(value, out var pseudonym))
        {
            return pseudonym;
        }

        if (pseudonymMemo.Count == PseudonymMemoSize)
        {
            pseudonymMemo.Clear();
        }

        pseudonym = pseudonymiser!.Apply(Field.IdentifierKind, value)!;
        pseudonymMemo[value] = pseudonym;
        return pseudonym;
    }
}
