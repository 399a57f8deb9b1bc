using Platform.Domain.Personnel;
using Platform.UnitTests.Identifiers;
using Xunit;

namespace Platform.UnitTests.Personnel;

public sealed class PersonnelRulesTests
{
    private static readonly NdaRecord Nda = new("保密协议-2026-001", new DateOnly(2026, 3, 1), DateTimeOffset.UnixEpoch, "operator-user");

    [Theory]
    [InlineData(false, FilingState.Pending, false, "identity-verification,filing,nda")]
    [InlineData(true, FilingState.Pending, false, "filing,nda")]
    [InlineData(true, FilingState.Filed, false, "nda")]
    [InlineData(true, FilingState.Pending, true, "filing")]
    [InlineData(true, FilingState.Rejected, true, "filing")]
    [InlineData(false, FilingState.Filed, true, "identity-verification")]
    [InlineData(false, FilingState.Rejected, false, "identity-verification,filing,nda")]
    [InlineData(true, FilingState.Filed, true, "")]
    public void MissingClearance_EachCombination_ListsExactlyTheUnmetConditions(bool identityVerified, FilingState filing, bool ndaSigned, string expected)
    {
        var staff = Staff(identityVerified, filing, ndaSigned ? Nda : null);

        var missing = string.Join(",", staff.MissingClearance.Select(PersonnelRules.WireName));

        Assert.Equal(expected, missing);
        Assert.Equal(expected.Length == 0, staff.Cleared);
    }

    [Fact]
    public void Mask_EighteenCharacters_KeepsFirst3AndLast4With11Stars()
    {
        var masked = PersonnelRules.Mask("42010619900307123X");

        Assert.Equal("420***********123X", masked);
        Assert.Equal(18, masked.Length);
        Assert.Equal(11, masked.Count(c => c == '*'));
    }

    [Fact]
    public void Mask_ShortValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => PersonnelRules.Mask("4201061"));
    }

    [Fact]
    public async Task HashAsync_SameNumberAndKey_IsStableHexWithoutTheNumber()
    {
        var number = IdentifierTestData.WithIdNumberCheck("42010619900307123");
        var hasher = new IdNumberHasher(TestSecrets.WithHashKey());

        var first = await hasher.HashAsync(number);
        var second = await hasher.HashAsync(number);

        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.DoesNotContain(number[..6], first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashAsync_DifferentKey_GivesDifferentHash()
    {
        var number = IdentifierTestData.WithIdNumberCheck("42010619900307123");

        var underOneKey = await new IdNumberHasher(TestSecrets.WithHashKey()).HashAsync(number);
        var underAnother = await new IdNumberHasher(TestSecrets.WithHashKey("another-personnel-id-hash-key-0123456789abcdef")).HashAsync(number);

        Assert.NotEqual(underOneKey, underAnother);
    }

    [Fact]
    public async Task HashAsync_ShortKey_FailsNamingTheSecret()
    {
        var hasher = new IdNumberHasher(TestSecrets.WithHashKey("too-short"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => hasher.HashAsync("42010619900307123X"));

        Assert.Contains("personnel-id-hash-key", failure.Message, StringComparison.Ordinal);
    }

    private static StaffMember Staff(bool identityVerified, FilingState filing, NdaRecord? nda)
        => new("stf-1", "org-op", "张三", new string('a', 64), "420***********123X", identityVerified, filing, null, nda, DateTimeOffset.UnixEpoch, "operator-user");
}
