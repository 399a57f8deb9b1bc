using FsCheck.Xunit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.UnitTests.Identifiers;
using Xunit;

namespace Platform.UnitTests.Organizations;

public sealed class OrganizationRulesTests
{
    [Property(Arbitrary = [typeof(IdentifierArbitraries)])]
    public bool ValidateNew_AnyValidCreditCode_IsAcceptedInCanonicalForm(ValidCreditCode code)
        => OrganizationRules.ValidateNew("湖北省测试单位", code.Value.ToLowerInvariant(), "420100") == code.Value;

    [Theory]
    [InlineData("91350100M000100Y44", "creditCode")]
    [InlineData("91350100M000100Y4", "creditCode")]
    [InlineData("91350100M0001O0Y43", "creditCode")]
    public void ValidateNew_InvalidCreditCode_Returns422NamingTheField(string creditCode, string field)
    {
        var error = Assert.Throws<DomainException>(() => OrganizationRules.ValidateNew("单位", creditCode, "420100"));

        Assert.Equal(FailureKind.Unprocessable, error.Kind);
        Assert.Equal("organization.invalid", error.Code);
        Assert.Contains(field, error.Errors!.Keys);
    }

    [Theory]
    [InlineData("420100", true)]
    [InlineData("110000", true)]
    [InlineData("990000", false)]
    [InlineData("42010", false)]
    [InlineData("42A100", false)]
    public void IsRegionCode_SixDigitDivisionCodes_AreAccepted(string region, bool valid)
        => Assert.Equal(valid, OrganizationRules.IsRegionCode(region));

    [Fact]
    public void Qualified_EveryConditionOfM35_MustHold()
    {
        var all = new OrganizationQualification(true, true, true, true, "证明", DateTimeOffset.UnixEpoch, "a");

        Assert.True(all.Qualified);
        Assert.False((all with { NoSecurityIncidentsLast3Years = false }).Qualified);
        Assert.False((all with { CreditRecordClean = false }).Qualified);
        Assert.False((all with { ExecutivesRecordClean = false }).Qualified);
        Assert.False((all with { PersonnelCompliant = false }).Qualified);
    }
}
