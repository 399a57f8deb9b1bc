namespace Platform.Domain.Identifiers;

/// <summary>
/// A pragmatic e-mail check (dot-atom local part, host name with at least two labels), not full RFC 5322:
/// quoted local parts and IP-literal domains are refused because people do not type them. Letters outside
/// ASCII are accepted so that internationalised addresses (RFC 6531) pass. Used by the e-mail masking rule (M4.4).
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;
    public const int MaxLocalPartLength = 64;
    private const int MaxLabelLength = 63;

    private const string LocalPartSymbols = "!#$%&'*+/=?^_`{|}~-";

    public static bool IsValid(string? value) => Check(IdentifierText.Trim(value)) == IdentifierProblem.None;

    /// <summary>Validates and returns the address without surrounding white space.</summary>
    public static IdentifierValidation Validate(string? value)
    {
        var trimmed = IdentifierText.Trim(value);
        var problem = Check(trimmed);
        return problem == IdentifierProblem.None
            ? IdentifierValidation.Valid(IdentifierKinds.Email, IdentifierText.Materialize(value!, trimmed))
            : IdentifierValidation.Invalid(IdentifierKinds.Email, problem);
    }

    internal static IdentifierProblem Check(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return IdentifierProblem.Empty;
        }

        if (value.Length > MaxLength)
        {
            return IdentifierProblem.WrongLength;
        }

        var at = value.IndexOf('@');
        if (at < 0 || value.LastIndexOf('@') != at)
        {
            return IdentifierProblem.InvalidFormat;
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        if (local.Length > MaxLocalPartLength)
        {
            return IdentifierProblem.WrongLength;
        }

        var problem = CheckLocalPart(local);
        return problem != IdentifierProblem.None ? problem : CheckDomain(domain);
    }

    private static IdentifierProblem CheckLocalPart(ReadOnlySpan<char> local)
    {
        if (local.IsEmpty || local[0] == '.' || local[^1] == '.' || local.IndexOf("..", StringComparison.Ordinal) >= 0)
        {
            return IdentifierProblem.InvalidFormat;
        }

        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '.' || LocalPartSymbols.Contains(c) || IsNonAsciiLetterOrDigit(c)))
            {
                return IdentifierProblem.InvalidCharacter;
            }
        }

        return IdentifierProblem.None;
    }

    private static IdentifierProblem CheckDomain(ReadOnlySpan<char> domain)
    {
        var labels = 0;
        var lastLabel = ReadOnlySpan<char>.Empty;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > MaxLabelLength || label[0] == '-' || label[^1] == '-')
            {
                return IdentifierProblem.InvalidFormat;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || IsNonAsciiLetterOrDigit(c)))
                {
                    return IdentifierProblem.InvalidCharacter;
                }
            }

            labels++;
            lastLabel = label;
        }

        // A top-level domain is never numeric and never a single character; "a@b" is a local host name, not an address.
        if (labels < 2 || lastLabel.Length < 2 || IdentifierText.AreAsciiDigits(lastLabel))
        {
            return IdentifierProblem.InvalidFormat;
        }

        return IdentifierProblem.None;
    }

    private static bool IsNonAsciiLetterOrDigit(char c) => c > 0x7F && char.IsLetterOrDigit(c);
}
