using FsCheck;
using FsCheck.Fluent;

namespace Platform.UnitTests.Identifiers;

/// <summary>
/// Check-character arithmetic written independently of the production code (straight from the standards'
/// formulas), so that tests do not validate the code against itself.
/// </summary>
public static class IdentifierTestData
{
    public static readonly DateOnly Today = new(2025, 11, 1);

    public const string CreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    public static readonly string[] ProvinceCodes =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
    ];

    /// <summary>GB 32100: C18 = 31 − (Σ value·weight mod 31), where 31 maps to 0.</summary>
    public static char CreditCodeCheck(string first17)
    {
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += CreditCodeAlphabet.IndexOf(first17[i], StringComparison.Ordinal) * weights[i];
        }

        var check = 31 - (sum % 31);
        return CreditCodeAlphabet[check == 31 ? 0 : check];
    }

    public static string WithCreditCodeCheck(string first17) => first17 + CreditCodeCheck(first17);

    /// <summary>ISO 7064 MOD 11-2: weights 2^(17−i) mod 11; remainder 0..10 maps to 1,0,X,9,8,7,6,5,4,3,2.</summary>
    public static char IdNumberCheck(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var weight = (int)(Math.Pow(2, 17 - i) % 11);
            sum += (first17[i] - '0') * weight;
        }

        return "10X98765432"[sum % 11];
    }

    public static string WithIdNumberCheck(string first17) => first17 + IdNumberCheck(first17);

    /// <summary>The digit that makes <paramref name="payload"/> + digit pass Luhn.</summary>
    public static char LuhnCheckDigit(string payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            // Counted from the right of the finished number, the payload's last digit is doubled.
            var digit = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            }

            sum += digit;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    public static string WithLuhnCheck(string payload) => payload + LuhnCheckDigit(payload);

    public static bool PassesLuhn(string digits) => LuhnCheckDigit(digits[..^1]) == digits[^1];
}

public sealed record ValidCreditCode(string Value);

public sealed record ValidIdNumber(string Value, DateOnly BirthDate, bool Male);

public sealed record LuhnNumber(string Value);

public sealed record SixteenDigits(string Value);

public sealed record EighteenDigits(string Value);

/// <summary>FsCheck generators, registered with <c>[Property(Arbitrary = [typeof(IdentifierArbitraries)])]</c>.</summary>
public static class IdentifierArbitraries
{
    private static readonly (char Authority, char Category)[] AuthorityCategories =
    [
        ('1', '1'), ('1', '2'), ('1', '3'), ('1', '9'), ('5', '1'), ('5', '2'), ('5', '3'), ('5', '9'),
        ('9', '1'), ('9', '2'), ('9', '3'), ('Y', '1'), ('A', '1'), ('N', '2'), ('3', '4'), ('8', '1'),
    ];

    public static Arbitrary<ValidCreditCode> CreditCodes() =>
        (from prefix in Gen.Elements(AuthorityCategories)
         from division in Digits(6)
         from body in Gen.ArrayOf(Gen.Elements(IdentifierTestData.CreditCodeAlphabet.ToCharArray()), 9)
         select new ValidCreditCode(IdentifierTestData.WithCreditCodeCheck($"{prefix.Authority}{prefix.Category}{division}{new string(body)}")))
        .ToArbitrary();

    public static Arbitrary<ValidIdNumber> IdNumbers()
    {
        var earliest = new DateOnly(1900, 1, 1);
        var days = IdentifierTestData.Today.DayNumber - earliest.DayNumber;
        return (from province in Gen.Elements(IdentifierTestData.ProvinceCodes)
                from district in Digits(4)
                from offset in Gen.Choose(0, days)
                from sequence in Digits(3)
                let birth = earliest.AddDays(offset)
                select new ValidIdNumber(
                    IdentifierTestData.WithIdNumberCheck($"{province}{district}{birth:yyyyMMdd}{sequence}"),
                    birth,
                    (sequence[2] - '0') % 2 == 1))
            .ToArbitrary();
    }

    public static Arbitrary<LuhnNumber> LuhnNumbers() =>
        (from length in Gen.Choose(11, 18)
         from payload in Digits(length)
         select new LuhnNumber(IdentifierTestData.WithLuhnCheck(payload)))
        .ToArbitrary();

    public static Arbitrary<SixteenDigits> SixteenDigitStrings() => Digits(16).Select(digits => new SixteenDigits(digits)).ToArbitrary();

    public static Arbitrary<EighteenDigits> EighteenDigitStrings() => Digits(18).Select(digits => new EighteenDigits(digits)).ToArbitrary();

    private static Gen<string> Digits(int count) =>
        Gen.ArrayOf(Gen.Elements("0123456789".ToCharArray()), count).Select(chars => new string(chars));
}
