namespace Platform.Domain.Identifiers;

/// <summary>
/// The identifier kinds a value can be recognised as. A flags enum because one value can look like
/// several (an 18-digit ID number may also pass the Luhn check of a bank card).
/// </summary>
[Flags]
public enum IdentifierKinds
{
    None = 0,
    IdNumber = 1 << 0,
    CreditCode = 1 << 1,
    BankCard = 1 << 2,
    Mobile = 1 << 3,
    Plate = 1 << 4,
    Email = 1 << 5,
    BirthDate = 1 << 6,
}

public static class IdentifierKindNames
{
    /// <summary>
    /// The catalogue's <c>identifierKind</c> wire names (M4.1) of the kinds set in <paramref name="kinds"/>,
    /// in a fixed order so that reports are stable.
    /// </summary>
    public static IReadOnlyList<string> ToWireNames(IdentifierKinds kinds)
    {
        if (kinds == IdentifierKinds.None)
        {
            return [];
        }

        var names = new List<string>(2);
        foreach (var (kind, name) in WireNames)
        {
            if ((kinds & kind) != 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>The wire name of a single kind, or null when <paramref name="kind"/> is none or a combination.</summary>
    public static string? ToWireName(IdentifierKinds kind)
    {
        foreach (var (candidate, name) in WireNames)
        {
            if (candidate == kind)
            {
                return name;
            }
        }

        return null;
    }

    private static readonly (IdentifierKinds Kind, string Name)[] WireNames =
    [
        (IdentifierKinds.IdNumber, "id-number"),
        (IdentifierKinds.CreditCode, "credit-code"),
        (IdentifierKinds.BankCard, "bank-card"),
        (IdentifierKinds.Mobile, "mobile"),
        (IdentifierKinds.Plate, "plate"),
        (IdentifierKinds.Email, "email"),
        (IdentifierKinds.BirthDate, "birth-date"),
    ];
}
