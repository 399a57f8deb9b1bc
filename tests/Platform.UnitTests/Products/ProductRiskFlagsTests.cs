using Platform.Domain.Catalog;
using Platform.Domain.Grants;
using Platform.Domain.Products;
using Platform.Domain.Sandbox;
using Xunit;

namespace Platform.UnitTests.Products;

public sealed class ProductRiskFlagsTests
{
    private readonly ProductTestWorld _world = new();

    [Fact]
    public void RiskFlagsOf_OnlyPublicFieldsUsed_Neither()
        => Assert.Equal((false, false), ProductRules.RiskFlagsOf([(Using("district", "age"), _world.Grant)]));

    [Fact]
    public void RiskFlagsOf_PersonalFieldUsed_Personal()
        => Assert.Equal((true, false), ProductRules.RiskFlagsOf([(Using("district", "name"), _world.Grant)]));

    [Theory]
    [InlineData(FieldClassification.CommercialSecret)]
    [InlineData(FieldClassification.TradeSecret)]
    [InlineData(FieldClassification.ConfidentialBusiness)]
    public void RiskFlagsOf_CommercialSensitiveFieldUsed_CommercialSensitive(FieldClassification classification)
    {
        var table = _world.Grant.Tables[0];
        var grant = _world.Grant with { Tables = [table with { Fields = [.. table.Fields, new GrantField("turnover", FieldType.Decimal, classification, FieldGrade.General, null)] }] };

        Assert.Equal((false, true), ProductRules.RiskFlagsOf([(Using("district", "turnover"), grant)]));
    }

    [Fact]
    public void RiskFlagsOf_PersonalFieldLoadedButNotUsedByTheStatement_NotPersonal()
    {
        // Issue 14 depth fix: the flags follow the fields the statement used, not every field the grant loaded.
        var job = Using("district", "age", "name");
        job = job with { Run = job.Run! with { Tables = [job.Run.Tables[0] with { UsedFields = ["district", "age"] }] } };

        Assert.Equal((false, false), ProductRules.RiskFlagsOf([(job, _world.Grant)]));
        Assert.Equal(["age", "district"], Assert.Single(ProductRules.UsedDataOf([(job, _world.Grant)])).Fields);
    }

    [Fact]
    public void RiskFlagsOf_PersonalFieldUsedByTheStatement_Personal()
    {
        var job = Using("district", "name");
        job = job with { Run = job.Run! with { Tables = [job.Run.Tables[0] with { UsedFields = ["name"] }] } };

        Assert.Equal((true, false), ProductRules.RiskFlagsOf([(job, _world.Grant)]));
    }

    [Fact]
    public void RiskFlagsOf_FieldTheGrantDoesNotDescribe_CountsAsBoth()
        => Assert.Equal((true, true), ProductRules.RiskFlagsOf([(Using("mystery"), _world.Grant)]));

    [Fact]
    public async Task Create_JobUsedAPersonalFieldBodySaysNotPersonal_FlaggedPersonal()
    {
        var job = Using("district", "name");
        _world.AddJob(job);

        var product = await _world.CreateAsync(ProductTestWorld.Draft(jobs: [job.Id], personal: false));

        // M4.5.1: the operator may add a flag, never remove one.
        Assert.True(product.InvolvesPersonalInfo);
        Assert.False(product.InvolvesTradeSecrets);
    }

    private static SandboxJob Using(params string[] fields)
    {
        var job = ProductTestWorld.Job($"sbx-{Guid.NewGuid():N}"[..20], ProductTestWorld.OperatorId, SandboxMode.Full, SandboxJobStatus.Released);
        return job with { Run = job.Run! with { Tables = [new SandboxJobTable("people", "res-1", "library", "abc", null, fields)] } };
    }
}
