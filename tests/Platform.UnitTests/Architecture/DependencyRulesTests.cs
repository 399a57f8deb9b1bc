using System.Reflection;
using Xunit;

namespace Platform.UnitTests.Architecture;

/// <summary>
/// The layering, checked on the compiled assemblies: the domain knows no Azure SDK, Durable Task or Functions assembly;
/// orchestrations know no Functions assembly; the Functions app holds triggers and wrappers, not job execution.
/// </summary>
public sealed class DependencyRulesTests
{
    private static readonly Assembly Domain = Assembly.Load("Platform.Domain");
    private static readonly Assembly Orchestrations = Assembly.Load("Platform.Orchestrations");
    private static readonly Assembly Functions = Assembly.Load("Platform.Functions");

    [Fact]
    public void Domain_References_NoAzureDurableTaskOrFunctionsAssembly()
    {
        var forbidden = ReferencesMatching(Domain, name =>
            name.StartsWith("Azure.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Azure.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.DurableTask", StringComparison.Ordinal)
            || name.Contains("Functions", StringComparison.Ordinal)
            || name.StartsWith("DuckDB", StringComparison.Ordinal));

        Assert.True(forbidden.Count == 0, $"Platform.Domain references {string.Join(", ", forbidden)}");
    }

    [Fact]
    public void Domain_References_NoOtherLayerOfThePlatform()
    {
        var forbidden = ReferencesMatching(Domain, name => name.StartsWith("Platform.", StringComparison.Ordinal));

        Assert.True(forbidden.Count == 0, $"Platform.Domain references {string.Join(", ", forbidden)}");
    }

    [Fact]
    public void Orchestrations_Reference_NoFunctionsOrHostAssembly()
    {
        var forbidden = ReferencesMatching(Orchestrations, name =>
            name.Contains("Functions", StringComparison.Ordinal)
            || name.StartsWith("Platform.LocalHost", StringComparison.Ordinal)
            || name == "Platform.Adapters");

        Assert.True(forbidden.Count == 0, $"Platform.Orchestrations references {string.Join(", ", forbidden)}");
    }

    [Fact]
    public void Functions_DeclaresNo_JobRunner()
    {
        var runners = Functions.GetTypes()
            .Where(type => !type.IsNested && type.Name.EndsWith("Runner", StringComparison.Ordinal))
            .Select(type => type.FullName)
            .ToList();

        Assert.True(runners.Count == 0, $"Job execution belongs in the domain; the functions app declares {string.Join(", ", runners)}");
    }

    [Fact]
    public void Functions_NoType_HoldsAJobStore()
    {
        // A trigger hands the message to the domain's job executor; reading and writing job records (claim, abandon,
        // requeue, fail) is the job's state machine and lives next to the job types.
        var holders = Functions.GetTypes()
            .SelectMany(type => DependenciesOf(type).Where(IsJobStore).Select(store => $"{type.FullName} → {store.Name}"))
            .Distinct()
            .ToList();

        Assert.True(holders.Count == 0, $"Functions types that hold a job store:\n{string.Join('\n', holders)}");
    }

    [Fact]
    public void IsJobStore_DomainJobStoreInterfaces_Recognised()
    {
        var stores = Domain.GetTypes().Where(IsJobStore).Select(type => type.Name).ToList();

        Assert.Contains(stores, name => name.Contains("Sandbox", StringComparison.Ordinal));
        Assert.Contains(stores, name => name.Contains("Masking", StringComparison.Ordinal));
    }

    [Fact]
    public void PlatformClasses_ConstructorDependencies_AtMostEight()
    {
        // One use case per class: a class that needs more than eight collaborators is doing more than one job.
        // Records and option/value types are not services; a record's positional constructor is its shape.
        var crowded = new[] { Domain, Orchestrations, Functions, Assembly.Load("Platform.Adapters") }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false } && !IsRecord(type) && !type.Name.Contains('<'))
            .Select(type => (type, count: type.GetConstructors().Select(c => c.GetParameters().Length).DefaultIfEmpty(0).Max()))
            .Where(entry => entry.count > MaxConstructorDependencies)
            .Select(entry => $"{entry.type.FullName} ({entry.count})")
            .Order()
            .ToList();

        Assert.True(crowded.Count == 0, $"Classes with more than {MaxConstructorDependencies} constructor dependencies:\n{string.Join('\n', crowded)}");
    }

    private const int MaxConstructorDependencies = 8;

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    private static List<string> ReferencesMatching(Assembly assembly, Func<string, bool> forbidden) =>
        [.. assembly.GetReferencedAssemblies().Select(reference => reference.Name ?? "").Where(forbidden).Order()];

    private static bool IsJobStore(Type type) =>
        type.IsInterface && type.Assembly == Domain && type.Name.StartsWith('I') && type.Name.EndsWith("JobStore", StringComparison.Ordinal);

    private static IEnumerable<Type> DependenciesOf(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetConstructors(all).SelectMany(constructor => constructor.GetParameters()).Select(parameter => parameter.ParameterType)
            .Concat(type.GetFields(all).Select(field => field.FieldType))
            .Concat(type.GetProperties(all).Select(property => property.PropertyType))
            .SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type) : [type];
}
