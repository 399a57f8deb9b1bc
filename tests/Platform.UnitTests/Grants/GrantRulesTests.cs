using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Platform.Domain.Agreements;
using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Xunit;

namespace Platform.UnitTests.Grants;

public sealed class GrantRulesTests
{
    [Fact]
    public void ExpiryFor_NoEarlierDate_TheEndOfTheAgreementsLastDayInChina()
    {
        var agreement = Agreement(new DateOnly(2028, 6, 30));

        Assert.Equal(new DateTimeOffset(2028, 6, 30, 16, 0, 0, TimeSpan.Zero), GrantRules.ExpiryFor(agreement));
    }

    [Property(MaxTest = 300)]
    public Property ExpiryFor_AnyRequestedDate_NeverAfterTheAgreementEnds(int daysToEnd, int requestedOffsetHours)
    {
        var agreement = Agreement(new DateOnly(2027, 1, 1).AddDays(Math.Abs(daysToEnd % 1800)));
        var requested = agreement.ExpiresAtUtc.AddHours(requestedOffsetHours % 100_000);

        var expiry = GrantRules.ExpiryFor(agreement, requested);

        return (expiry <= agreement.ExpiresAtUtc && expiry <= requested).ToProperty();
    }

    [Fact]
    public void ContainerFor_AgreementId_LibraryContainerOfThatAgreement()
        => Assert.Equal("library-agr-01jd8x3kq7m4r6t9v2w5y8z1ab", GrantRules.ContainerFor("agr-01JD8X3KQ7M4R6T9V2W5Y8Z1AB"));

    [Property(MaxTest = 300)]
    public Property ContainerFor_AnyId_IsAValidBlobContainerName(NonEmptyString id)
    {
        var name = GrantRules.ContainerFor(id.Get.Trim().Length == 0 ? "x" : id.Get);

        var valid = name.Length is >= 3 and <= 63
                    && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
                    && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
                    && !name.Contains("--", StringComparison.Ordinal);
        return valid.Label(name);
    }

    [Theory]
    [InlineData("res-01jd8x3kq7m4r6t9v2w5y8z1ab", "res_01jd8x3kq7m4r6t9v2w5y8z1ab")]
    [InlineData("RES-Power", "res_power")]
    [InlineData("1-数据", "t_1___")]
    public void TableNameFor_ResourceId_SafeSqlIdentifier(string resourceId, string expected)
        => Assert.Equal(expected, GrantRules.TableNameFor(resourceId));

    [Fact]
    public void GrantedFields_ApprovedOrder_FieldsInThatOrderWithTheirClassification()
    {
        FieldDefinition[] fields =
        [
            new("姓名", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false),
            new("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
        ];

        var granted = GrantRules.GrantedFields(fields, ["区县", "姓名"]).Select(GrantRules.ToGrantField).ToList();

        Assert.Equal(["区县", "姓名"], granted.Select(f => f.Name));
        Assert.Equal(FieldClassification.Personal, granted[1].Classification);
        Assert.Equal(IdentifierKind.Name, granted[1].IdentifierKind);
    }

    [Theory]
    [InlineData("terminated", GrantStatus.Revoked)]
    [InlineData("expired", GrantStatus.Expired)]
    public void Revoke_ActiveGrant_EndsWithTheAgreementsReason(string reason, GrantStatus expected)
    {
        var now = DateTimeOffset.UtcNow;

        var ended = GrantRules.Revoke(Grant(now.AddDays(30)), reason, now);

        Assert.Equal((expected, now, reason), (ended.Status, ended.RevokedAt!.Value, ended.RevokeReason!));
        Assert.Same(ended, GrantRules.Revoke(ended, "terminated", now.AddDays(1)));
    }

    [Fact]
    public void StatusAt_ActiveGrantPastItsExpiry_Expired()
    {
        var grant = Grant(new DateTimeOffset(2026, 6, 30, 16, 0, 0, TimeSpan.Zero));

        Assert.Equal(GrantStatus.Active, grant.StatusAt(grant.ExpiresAt.AddTicks(-1)));
        Assert.Equal(GrantStatus.Expired, grant.StatusAt(grant.ExpiresAt));
    }

    internal static Agreement Agreement(DateOnly endsOn, AgreementStatus status = AgreementStatus.Active, string operatorId = "org-op") => new(
        "agr-1", "pln-1", operatorId, SelectionMethod.PublicTender, "纪要", endsOn.AddYears(-1), endsOn, DateTimeOffset.UnixEpoch, status,
        endsOn.AddYears(-1).AddMonths(1), null, false, [], [], null, null, "authority");

    internal static Grant Grant(DateTimeOffset expiresAt, GrantStatus status = GrantStatus.Active, string operatorId = "org-op") => new(
        "grt-1", "agr-1", "scn-1", operatorId, "drq-1", "org-p", [], DateTimeOffset.UnixEpoch, expiresAt, status, null, null);
}
