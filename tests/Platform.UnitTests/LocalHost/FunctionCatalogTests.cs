using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Platform.Functions;
using Platform.LocalHost.Discovery;
using Platform.LocalHost.Timers;
using Xunit;

namespace Platform.UnitTests.LocalHost;

public sealed class FunctionCatalogTests
{
    private static readonly Dictionary<string, TriggerKind> MetadataTriggerKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["httpTrigger"] = TriggerKind.Http,
        ["queueTrigger"] = TriggerKind.Queue,
        ["timerTrigger"] = TriggerKind.Timer,
        ["orchestrationTrigger"] = TriggerKind.Orchestration,
        ["activityTrigger"] = TriggerKind.Activity,
    };

    [Fact]
    public void Discover_PlatformFunctionsAssembly_BindsEveryFunctionOfFunctionsMetadata()
    {
        var assembly = typeof(PlatformServiceCollectionExtensions).Assembly;
        var metadataPath = Path.Combine(Path.GetDirectoryName(assembly.Location)!, "functions.metadata");
        Assert.True(File.Exists(metadataPath), $"functions.metadata not found next to {assembly.Location}");
        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var expected = metadata.RootElement.EnumerateArray()
            .Select(f => (
                Name: f.GetProperty("name").GetString()!,
                Trigger: f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).Single(t => t.EndsWith("Trigger", StringComparison.Ordinal))))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        var bound = FunctionCatalog.Discover(assembly);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(e => e.Name), bound.Select(b => b.Name));
        foreach (var (name, trigger) in expected)
        {
            Assert.True(MetadataTriggerKinds.TryGetValue(trigger, out var kind), $"functions.metadata lists trigger {trigger} for {name}, which the local host does not know");
            Assert.Equal(kind, bound.Single(b => b.Name == name).Kind);
        }
    }

    [Fact]
    public void Discover_PlatformFunctionsAssembly_HttpRoutesMatchFunctionsMetadata()
    {
        var assembly = typeof(PlatformServiceCollectionExtensions).Assembly;
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(assembly.Location)!, "functions.metadata")));
        var routes = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .Select(b => (Name: f.GetProperty("name").GetString()!, Route: b.TryGetProperty("route", out var r) ? r.GetString() : null)))
            .ToDictionary(x => x.Name, x => x.Route);

        foreach (var function in FunctionCatalog.Discover(assembly).Where(f => f.Kind == TriggerKind.Http))
        {
            Assert.Equal(routes[function.Name], ((HttpTriggerAttribute)function.Trigger).Route);
        }
    }

    [Fact]
    public void Discover_UnsupportedTrigger_FailsNamingTheFunction()
    {
        var error = Assert.Throws<FunctionBindingException>(() => FunctionCatalog.Discover([typeof(BlobTriggered)]));

        Assert.Contains("OnBlob", error.Message, StringComparison.Ordinal);
        Assert.Contains("BlobTriggerAttribute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_OutputBinding_FailsNamingTheFunction()
    {
        var error = Assert.Throws<FunctionBindingException>(() => FunctionCatalog.Discover([typeof(WithOutputBinding)]));

        Assert.Contains("Forward", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_ParameterNobodyBinds_FailsNamingTheParameter()
    {
        var error = Assert.Throws<FunctionBindingException>(() => FunctionCatalog.Discover([typeof(WithUnboundParameter)]));

        Assert.Contains("'mystery'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_TwoTriggers_Fails()
    {
        Assert.Throws<FunctionBindingException>(() => FunctionCatalog.Discover([typeof(WithTwoTriggers)]));
    }

    [Fact]
    public void Discover_DuplicateNames_Fails()
    {
        var error = Assert.Throws<FunctionBindingException>(() => FunctionCatalog.Discover([typeof(DuplicateA), typeof(DuplicateB)]));

        Assert.Contains("Same", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_RouteParameters_AreBoundFromTheRouteTemplate()
    {
        var function = Assert.Single(FunctionCatalog.Discover([typeof(WithRoute)]));

        Assert.Equal(
            [ParameterSource.Trigger, ParameterSource.RouteValue, ParameterSource.RouteValue, ParameterSource.CancellationToken],
            function.Parameters.Select(p => p.Source).ToArray());
    }

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-27T10:02:03Z", "2026-11-27T10:05:00Z")]
    [InlineData("0 0 16 * * *", "2026-11-27T16:00:00Z", "2026-11-28T16:00:00Z")]
    [InlineData("*/2 * * * * *", "2026-11-27T10:00:01Z", "2026-11-27T10:00:02Z")]
    [InlineData("00:10:00", "2026-11-27T10:00:00Z", "2026-11-27T10:10:00Z")]
    public void TimerSchedules_SixFieldCronOrInterval_NextOccurrenceInUtc(string expression, string now, string expected)
    {
        var schedule = TimerSchedules.Parse(expression, "Test");

        var next = schedule.NextAfter(DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal));

        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal), next);
        Assert.Equal(DateTimeKind.Utc, next.Kind);
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("every minute")]
    [InlineData("-00:01:00")]
    public void TimerSchedules_NotSixFieldsNorInterval_FailsLoudly(string expression)
    {
        var error = Assert.Throws<FunctionBindingException>(() => TimerSchedules.Parse(expression, "Nightly"));

        Assert.Contains("Nightly", error.Message, StringComparison.Ordinal);
    }

    public sealed class BlobTriggered
    {
        [Function("OnBlob")]
        public void Run([BlobTrigger("samples/{name}")] string content)
        {
        }
    }

    public sealed class WithOutputBinding
    {
        [Function("Forward")]
        [QueueOutput("elsewhere")]
        public string Run([QueueTrigger("incoming")] string message) => message;
    }

    public sealed class WithUnboundParameter
    {
        [Function("Mystery")]
        public void Run([QueueTrigger("incoming")] string message, Guid mystery)
        {
        }
    }

    public sealed class WithTwoTriggers
    {
        [Function("Twice")]
        public void Run([QueueTrigger("a")] string a, [QueueTrigger("b")] string b)
        {
        }
    }

    public sealed class DuplicateA
    {
        [Function("Same")]
        public void Run([QueueTrigger("a")] string a)
        {
        }
    }

    public sealed class DuplicateB
    {
        [Function("Same")]
        public void Run([QueueTrigger("b")] string b)
        {
        }
    }

    public sealed class WithRoute
    {
        [Function("Routed")]
        public void Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things/{year:int}/{name?}")] HttpRequest request, int year, string? name, CancellationToken cancellationToken)
        {
        }
    }
}
