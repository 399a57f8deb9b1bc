using FsCheck.Xunit;
using Platform.Domain.Identifiers;
using Xunit;
using static Platform.UnitTests.Identifiers.IdentifierTestData;

namespace Platform.UnitTests.Identifiers;

public class IdentifierRecognizerTests
{
    [Theory]
    [InlineData("11010519491231002X", IdentifierKinds.IdNumber)]
    [InlineData("91350100M000100Y43", IdentifierKinds.CreditCode)]
    [InlineData("6200000000000005", IdentifierKinds.BankCard)]
    [InlineData("+86 138 1234 5678", IdentifierKinds.Mobile)]
    [InlineData("鄂A·12345", IdentifierKinds.Plate)]
    [InlineData("zhang.san@example.com", IdentifierKinds.Email)]
    [InlineData("1990-03-07", IdentifierKinds.BirthDate)]
    [InlineData("19900307", IdentifierKinds.BirthDate)]
    public void Recognize_OneKindOfIdentifier_ReturnsThatKind(string value, IdentifierKinds expected)
    {
        Assert.Equal(expected, IdentifierRecognizer.Recognize(value, Today));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("武汉市洪山区")]
    [InlineData("张三")]
    [InlineData("12345")]
    [InlineData("2025-11-02")] // a date in the future is no birth date
    [InlineData("110105194912310021")] // ID number with a wrong check digit
    [InlineData("4111111111111112")] // 16 digits failing Luhn
    [InlineData("12812345678")] // 11 digits, not a mobile prefix
    [InlineData("3.14159265358979")]
    public void Recognize_OrdinaryValues_None(string? value)
    {
        Assert.Equal(IdentifierKinds.None, IdentifierRecognizer.Recognize(value, Today));
    }

    [Fact]
    public void Recognize_EighteenDigitsValidAsBoth_ReturnsBothKinds()
    {
        // An all-digit credit code shape with an ID-number check and a real birth date is ambiguous by nature.
        var both = Enumerable.Range(0, 1000)
            .Select(sequence => WithIdNumberCheck($"91420019800615{sequence:D3}"))
            .First(number => char.IsAsciiDigit(number[17]) && CreditCodeCheck(number[..17]) == number[17]);

        Assert.Equal(IdentifierKinds.IdNumber | IdentifierKinds.CreditCode, IdentifierRecognizer.Recognize(both, Today) & ~IdentifierKinds.BankCard);
    }

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool Recognize_GeneratedIdNumber_IncludesIdNumber(ValidIdNumber id) =>
        IdentifierRecognizer.Recognize(id.Value, Today).HasFlag(IdentifierKinds.IdNumber);

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool Recognize_GeneratedCreditCode_IncludesCreditCode(ValidCreditCode code) =>
        IdentifierRecognizer.Recognize(code.Value, Today).HasFlag(IdentifierKinds.CreditCode);

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool Recognize_RandomEighteenDigits_IdNumberOnlyWithRightCheckAndRealBirthDate(EighteenDigits digits)
    {
        var value = digits.Value;
        var looksLikeId = IdentifierRecognizer.Recognize(value, Today).HasFlag(IdentifierKinds.IdNumber);
        var checkRight = IdNumberCheck(value[..17]) == value[17];
        var birthDateReal = DateOnly.TryParseExact(value.Substring(6, 8), "yyyyMMdd", out var birth)
            && birth >= new DateOnly(1900, 1, 1) && birth <= Today;

        return !looksLikeId || (checkRight && birthDateReal);
    }

    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool Recognize_RandomSixteenDigits_BankCardExactlyWhenLuhnPasses(SixteenDigits digits) =>
        IdentifierRecognizer.Recognize(digits.Value, Today).HasFlag(IdentifierKinds.BankCard) == PassesLuhn(digits.Value);

    [Fact]
    public void Recognize_AndIsValid_AllocateNothing()
    {
        string[] values = ["11010519491231002x", "91350100M000100Y43", "4111 1111 1111 1111", "+86 138 1234 5678", "鄂A·12345", "a@b.cn", "1990/3/7", "武汉市"];
        var tally = 0;
        void RunAll()
        {
            foreach (var value in values)
            {
                tally += (int)IdentifierRecognizer.Recognize(value, Today);
                tally += ResidentIdNumber.IsValid(value, Today) ? 1 : 0;
                tally += UnifiedSocialCreditCode.IsValid(value) ? 1 : 0;
                tally += BankCardNumber.IsValid(value) ? 1 : 0;
                tally += MobileNumber.IsValid(value) ? 1 : 0;
                tally += VehiclePlate.IsValid(value) ? 1 : 0;
                tally += EmailAddress.IsValid(value) ? 1 : 0;
                tally += BirthDateText.IsValid(value, Today) ? 1 : 0;
            }
        }

        RunAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            RunAll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(tally > 0);
    }

    [Fact]
    public void Recognize_VeryLongText_None()
    {
        Assert.Equal(IdentifierKinds.None, IdentifierRecognizer.Recognize(new string('1', 300), Today));
    }
}

public class IdentifierKindNamesTests
{
    [Fact]
    public void ToWireNames_SeveralKinds_CatalogueNamesInFixedOrder()
    {
        Assert.Equal(["id-number", "bank-card"], IdentifierKindNames.ToWireNames(IdentifierKinds.BankCard | IdentifierKinds.IdNumber));
    }

    [Fact]
    public void ToWireNames_None_Empty()
    {
        Assert.Empty(IdentifierKindNames.ToWireNames(IdentifierKinds.None));
    }

    [Theory]
    [InlineData(IdentifierKinds.CreditCode, "credit-code")]
    [InlineData(IdentifierKinds.BirthDate, "birth-date")]
    [InlineData(IdentifierKinds.Mobile | IdentifierKinds.Email, null)]
    public void ToWireName_SingleKind_CatalogueName(IdentifierKinds kind, string? expected)
    {
        Assert.Equal(expected, IdentifierKindNames.ToWireName(kind));
    }
}
