using Platform.Adapters.Sandbox;
using Platform.Domain.Sandbox;
using Xunit;
using static Platform.UnitTests.Sandbox.SandboxTestData;

namespace Platform.UnitTests.Sandbox;

public class SandboxRequestTests
{
    [Fact]
    public void LimitsValidate_Default_NoErrors()
    {
        Assert.Empty(SandboxLimits.Default.Validate());
    }

    [Fact]
    public void LimitsValidate_OutOfRange_NamesEachProperty()
    {
        var errors = new SandboxLimits(TimeSpan.Zero, MemoryLimitMb: 1, MaxThreads: 0, MaxResultRows: 0).Validate();

        Assert.Equal(
            [nameof(SandboxLimits.MaxResultRows), nameof(SandboxLimits.MaxThreads), nameof(SandboxLimits.MemoryLimitMb), nameof(SandboxLimits.Timeout)],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("people", true)]
    [InlineData("人口_2024", true)]
    [InlineData("_t", true)]
    [InlineData("__sandbox_staging", false)]
    [InlineData("2024_people", false)]
    [InlineData("people.csv", false)]
    [InlineData("main.people", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void TableIsValidName_Name_PlainIdentifiersOnly(string name, bool valid)
    {
        Assert.Equal(valid, SandboxTable.IsValidName(name));
    }

    [Fact]
    public async Task Run_TableNameNotAnIdentifier_ArgumentException()
    {
        var request = new SandboxRequest([Table("/etc/passwd", [Field("a")], "a\n1\n")], "SELECT 1", SandboxMode.Sample, Limits, OutputCheckPolicy.Default);

        await Assert.ThrowsAsync<ArgumentException>(() => new SandboxEngine().RunAsync(request, CancellationToken.None));
    }

    [Fact]
    public async Task Run_KBelowOne_ArgumentException()
    {
        var request = new SandboxRequest([People()], "SELECT 1", SandboxMode.Full, Limits, new OutputCheckPolicy(0));

        await Assert.ThrowsAsync<ArgumentException>(() => new SandboxEngine().RunAsync(request, CancellationToken.None));
    }
}
