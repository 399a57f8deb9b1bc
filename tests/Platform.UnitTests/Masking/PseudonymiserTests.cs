using System.Text.RegularExpressions;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Xunit;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

public partial class PseudonymiserTests
{
    private static readonly PseudonymisationKey KeyA = PseudonymisationKey.Derive(RootKey, "agreement-A");
    private static readonly PseudonymisationKey KeyB = PseudonymisationKey.Derive(RootKey, "agreement-B");

    [Fact]
    public void Apply_SameKeyAndValue_SamePseudonym()
    {
        var first = Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, "13812345678");
        var again = Pseudonymiser.Apply(PseudonymisationKey.Derive(RootKey, "agreement-A"), IdentifierKind.Mobile, "13812345678");

        Assert.Equal(first, again);
    }

    // Issue 18.3: pinned as computed with the platform's HMAC before the managed one replaced it.
    [Theory]
    [InlineData(IdentifierKind.IdNumber, "11010519491231002X", "idn_cylpxywtsbzggsis")]
    [InlineData(IdentifierKind.Mobile, "+86 138-1234-5678", "mob_qxuazbt2jcdhz6y4")]
    [InlineData(IdentifierKind.Name, "欧阳修文", "nam_2qnmry57je432hia")]
    [InlineData(IdentifierKind.BankCard, "6222 0212 3456 7890", "card_jap3hpsah3qh4qtp")]
    [InlineData(IdentifierKind.Email, "Zhang.San@Example.com", "mail_vqnunzv7w6cac2d4")]
    [InlineData(IdentifierKind.CreditCode, "91420100MA4K0000X1", "ucc_skbbdugzlrdukg7b")]
    [InlineData(IdentifierKind.Plate, "鄂A·12345", "plate_ndjnsyugd4mju3y7")]
    [InlineData(null, "高血压", "psn_gfutiq7okhvte5vp")]
    [InlineData(IdentifierKind.Address, "湖北省武汉市洪山区珞喻路1037号华中科技大学东校区西十二楼一单元三〇二室，邮政编码四三〇〇七四，联系人张三", "addr_p6qet3ozncrxwwyv")]
    [InlineData(null, "长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长", "psn_vjuqtp3acgqlfwmp")]
    public void Apply_PinnedValues_SamePseudonymsAsBefore(IdentifierKind? kind, string value, string expected)
    {
        var key = PseudonymisationKey.Derive(RootKey, "agreement-golden");

        Assert.Equal(expected, Pseudonymiser.Apply(key, kind, value));
    }

    [Fact]
    public void ApplyMany_ShortLongEmptyAndRepeatedValues_SameAsApplyOneByOne()
    {
        using var pseudonymiser = new Pseudonymiser(KeyA);
        string?[] values =
        [
            .. Enumerable.Range(0, 21).Select(i => $"1381234{i:D4}"),
            null, "", " ", "13812340000", "+86 138-1234-0001",
            new string('长', 30), "湖北省武汉市洪山区珞喻路1037号华中科技大学东校区西十二楼一单元三〇二室",
        ];
        var pseudonyms = new string?[values.Length];

        pseudonymiser.ApplyMany(IdentifierKind.Mobile, values, pseudonyms);

        Assert.Equal(values.Select(value => Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, value)), pseudonyms);
    }

    [Fact]
    public void Apply_OtherAgreement_OtherPseudonym()
    {
        Assert.NotEqual(
            Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, "13812345678"),
            Pseudonymiser.Apply(KeyB, IdentifierKind.Mobile, "13812345678"));
    }

    [Fact]
    public void Apply_OtherRootKey_OtherPseudonym()
    {
        var otherRoot = RootKey.Select(b => (byte)(b ^ 0x5A)).ToArray();

        Assert.NotEqual(
            Pseudonymiser.Apply(KeyA, IdentifierKind.Name, "张三"),
            Pseudonymiser.Apply(PseudonymisationKey.Derive(otherRoot, "agreement-A"), IdentifierKind.Name, "张三"));
    }

    [Fact]
    public void Apply_Format_KindPrefixAndSixteenBase32Characters()
    {
        var pseudonym = Pseudonymiser.Apply(KeyA, IdentifierKind.IdNumber, "11010519491231002X")!;

        Assert.Matches(PseudonymPattern(), pseudonym);
        Assert.StartsWith("idn_", pseudonym);
        Assert.StartsWith("psn_", Pseudonymiser.Apply(KeyA, null, "高血压"));
    }

    [Theory]
    [InlineData(IdentifierKind.Mobile, "13812345678", "+86 138-1234-5678")]
    [InlineData(IdentifierKind.BankCard, "6222021234567890", "6222 0212 3456 7890")]
    [InlineData(IdentifierKind.IdNumber, "11010519491231002X", "11010519491231002x")]
    [InlineData(IdentifierKind.Email, "Zhang.San@Example.com", "zhang.san@example.com")]
    [InlineData(IdentifierKind.Plate, "鄂A12345", "鄂A·12345")]
    [InlineData(IdentifierKind.Name, "张三", " 张三 ")]
    public void Apply_TwoSpellingsOfOneIdentifier_SamePseudonym(IdentifierKind kind, string one, string other)
    {
        Assert.Equal(Pseudonymiser.Apply(KeyA, kind, one), Pseudonymiser.Apply(KeyA, kind, other));
    }

    [Fact]
    public void Apply_SameValueOtherKind_OtherPseudonym()
    {
        Assert.NotEqual(
            Pseudonymiser.Apply(KeyA, IdentifierKind.BankCard, "6222021234567890")![^16..],
            Pseudonymiser.Apply(KeyA, null, "6222021234567890")![^16..]);
    }

    [Fact]
    public void Apply_NullOrEmpty_Unchanged()
    {
        Assert.Null(Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, null));
        Assert.Equal("", Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, ""));
    }

    [Fact]
    public void Instance_ManyValues_SameAsOneShot()
    {
        using var pseudonymiser = new Pseudonymiser(KeyA);

        foreach (var value in new[] { "张三", "李四", "张三" })
        {
            Assert.Equal(Pseudonymiser.Apply(KeyA, IdentifierKind.Name, value), pseudonymiser.Apply(IdentifierKind.Name, value));
        }
    }

    [Fact]
    public void Derive_ShortRootKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => PseudonymisationKey.Derive(new byte[16], "agreement-A"));
        Assert.Throws<ArgumentException>(() => PseudonymisationKey.Derive(RootKey, " "));
    }

    [Fact]
    public void Fingerprint_StablePerAgreementAndNotTheKey()
    {
        Assert.Equal(KeyA.Fingerprint, PseudonymisationKey.Derive(RootKey, "agreement-A").Fingerprint);
        Assert.NotEqual(KeyA.Fingerprint, KeyB.Fingerprint);
        Assert.Matches("^[0-9a-f]{16}$", KeyA.Fingerprint);
        Assert.DoesNotContain(KeyA.Fingerprint, KeyA.ToString().Replace(KeyA.Fingerprint, "", StringComparison.Ordinal));
    }

    [GeneratedRegex("^[a-z]+_[a-z2-7]{16}$")]
    private static partial Regex PseudonymPattern();
}

public class FieldMaskerPseudonymTests
{
    [Fact]
    public void Apply_ManyDistinctValuesBeyondTheMemo_SameAsPseudonymiser()
    {
        var key = PseudonymisationKey.Derive(RootKey, "agreement-A");
        using var masker = new FieldMasker(Field("手机", Platform.Domain.Catalog.FieldClassification.Personal, Platform.Domain.Catalog.IdentifierKind.Mobile), MaskingPurpose.Provisioning, key);

        // Twice through 5,000 values: the second pass mixes memo hits and misses after the memo was cleared.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < 5_000; i += pass == 0 ? 1 : 97)
            {
                var mobile = $"139{i:D8}";
                Assert.Equal(Pseudonymiser.Apply(key, Platform.Domain.Catalog.IdentifierKind.Mobile, mobile), masker.Apply(mobile));
            }
        }
    }
}
