namespace Platform.Domain.Identifiers;

/// <summary>
/// Tells which identifier kinds a free value looks like, so that the masking report can list values that
/// look like an identifier in a field not classified as one (M4.4). Recognition is by whole value
/// (after trimming), and as strict as validation: an 18-digit number is an ID number only if its birth date and
/// check character are right, a 16-digit number a bank card only if it passes Luhn. No allocation.
/// </summary>
public static class IdentifierRecognizer
{
    // Longer values (free text) are not identifiers; e-mail has the highest limit.
    private const int MaxCandidateLength = EmailAddress.MaxLength;

    /// <param name="today">The current date in China Standard Time; bounds birth dates.</param>
    public static IdentifierKinds Recognize(string? value, DateOnly today)
    {
        var candidate = IdentifierText.Trim(value);
        if (candidate.IsEmpty || candidate.Length > MaxCandidateLength)
        {
            return IdentifierKinds.None;
        }

        if (candidate.Contains('@'))
        {
            return EmailAddress.Check(candidate) == IdentifierProblem.None ? IdentifierKinds.Email : IdentifierKinds.None;
        }

        var kinds = IdentifierKinds.None;
        Span<char> buffer = stackalloc char[32];

        if (candidate.Length == ResidentIdNumber.Length
            && ResidentIdNumber.Check(candidate, today, buffer, out _) == IdentifierProblem.None)
        {
            kinds |= IdentifierKinds.IdNumber;
        }

        if (candidate.Length == UnifiedSocialCreditCode.Length
            && UnifiedSocialCreditCode.Check(candidate, buffer) == IdentifierProblem.None)
        {
            kinds |= IdentifierKinds.CreditCode;
        }

        if (BankCardNumber.Check(candidate, buffer, out _) == IdentifierProblem.None)
        {
            kinds |= IdentifierKinds.BankCard;
        }

        if (MobileNumber.Check(candidate, buffer, out _) == IdentifierProblem.None)
        {
            kinds |= IdentifierKinds.Mobile;
        }

        if (candidate.Length <= VehiclePlate.MaxLength + 1
            && VehiclePlate.Check(candidate, buffer, out _, out _) == IdentifierProblem.None)
        {
            kinds |= IdentifierKinds.Plate;
        }

        if (BirthDateText.Check(candidate, today, out _) == IdentifierProblem.None)
        {
            kinds |= IdentifierKinds.BirthDate;
        }

        return kinds;
    }
}
