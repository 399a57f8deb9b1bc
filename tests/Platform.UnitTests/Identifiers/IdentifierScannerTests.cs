using Platform.Domain.Identifiers;
using Xunit;

namespace Platform.UnitTests.Identifiers;

public sealed class IdentifierScannerTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    [Fact]
    public void RecognizeAnywhere_CommaJoinedListOfSixtyIdNumbers_FindsIdNumbers()
    {
        var list = string.Join(",", Enumerable.Range(100, 60).Select(i => IdentifierTestData.WithIdNumberCheck($"42010619900307{i}")));

        Assert.Equal(IdentifierKinds.None, IdentifierRecognizer.Recognize(list, Today) & IdentifierKinds.IdNumber);
        Assert.True(IdentifierScanner.RecognizeAnywhere(list, Today).HasFlag(IdentifierKinds.IdNumber));
    }

    [Theory]
    [InlineData("张三、13912345678")]
    [InlineData("联系电话：13912345678（工作日）")]
    [InlineData("手机13912345678请回电")]
    public void RecognizeAnywhere_MobileInsideText_Found(string cell)
        => Assert.True(IdentifierScanner.RecognizeAnywhere(cell, Today).HasFlag(IdentifierKinds.Mobile));

    [Fact]
    public void RecognizeAnywhere_IdNumberEmbeddedInChineseText_Found()
    {
        var cell = "身份证号" + IdentifierTestData.WithIdNumberCheck("42010619900307123") + "已登记";

        Assert.True(IdentifierScanner.RecognizeAnywhere(cell, Today).HasFlag(IdentifierKinds.IdNumber));
    }

    [Theory]
    [InlineData("武昌区,江岸区,洪山区")]
    [InlineData("2026-03 合计 1234567")]
    [InlineData("")]
    public void RecognizeAnywhere_AggregatesAndNames_NoIdentifier(string cell)
        => Assert.Equal(IdentifierKinds.None, IdentifierScanner.RecognizeAnywhere(cell, Today) & (IdentifierKinds.IdNumber | IdentifierKinds.Mobile | IdentifierKinds.BankCard));
}
