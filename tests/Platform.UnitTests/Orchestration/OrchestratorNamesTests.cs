using System.Reflection;
using Microsoft.DurableTask;
using Platform.Orchestrations.Agreements;
using Xunit;

namespace Platform.UnitTests.Orchestration;

public sealed class OrchestratorNamesTests
{
    private static readonly IReadOnlyList<string> OrchestratorClasses = typeof(AgreementLifecycleOrchestrator).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsClass: true } && typeof(ITaskOrchestrator).IsAssignableFrom(t))
        .Select(t => t.Name)
        .ToList();

    private static IReadOnlyList<string> Names() => typeof(OrchestratorNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    [Fact]
    public void OrchestratorNames_EveryName_IsAnOrchestratorClass()
    {
        Assert.All(Names(), name => Assert.Contains(name, OrchestratorClasses));
    }

    [Fact]
    public void OrchestratorNames_EveryOrchestratorClass_HasAName()
    {
        Assert.Equal(OrchestratorClasses.OrderBy(n => n, StringComparer.Ordinal), Names().OrderBy(n => n, StringComparer.Ordinal));
    }
}
