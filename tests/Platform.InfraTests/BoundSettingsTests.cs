using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Platform.Functions;

namespace Platform.InfraTests;

/// <summary>
/// Every setting the app reads while it starts (options bound and validated at start-up) must be configurable in
/// Azure: present in local.settings.sample.json and as an app setting (or Key Vault secret) in the template.
/// </summary>
public sealed class BoundSettingsTests
{
    [Fact]
    public async Task AddPlatform_EverySettingReadAtStartUp_IsInTheSampleAndTheTemplate()
    {
        var sample = ReadSample();
        var read = BoundSettingsRecorder.SettingsReadAtStartUp(sample, (services, configuration, environment) => services.AddPlatform(configuration, environment));
        var template = SettingsDriftChecker.ReadTemplate(await CompiledTemplate.JsonAsync());

        var missing = BoundSettingsRecorder.FindUnconfigurable(read, sample.Keys, template);

        Assert.Contains("Auth__Audience", read);
        Assert.Contains("Audit__TableName", read);
        Assert.True(missing.Count == 0, "Settings the app reads at start-up with no entry in the sample or the template: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task FindUnconfigurable_OptionBoundWithoutSampleOrTemplateEntry_IsReported()
    {
        var sample = ReadSample();
        var read = BoundSettingsRecorder.SettingsReadAtStartUp(sample, (services, configuration, _) =>
            services.AddOptions<FixtureOptions>().Bind(configuration.GetSection("Fixture")).ValidateOnStart());
        var template = SettingsDriftChecker.ReadTemplate(await CompiledTemplate.JsonAsync());

        var missing = BoundSettingsRecorder.FindUnconfigurable(read, sample.Keys, template);

        Assert.Equal(["Fixture__SmtpHost"], missing);
    }

    private static Dictionary<string, string?> ReadSample()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.InRepository("local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
    }

    public sealed class FixtureOptions
    {
        public const string SectionName = "Fixture";

        public string? SmtpHost { get; set; }
    }
}

/// <summary>Records which configuration keys the app asks for while its start-up validation binds every option.</summary>
public static class BoundSettingsRecorder
{
    public static IReadOnlySet<string> SettingsReadAtStartUp(
        IReadOnlyDictionary<string, string?> sampleValues,
        Action<IServiceCollection, IConfiguration, IHostEnvironment> registration)
    {
        var source = new RecordingSource(sampleValues.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value));
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        var environment = new HostingEnvironment { EnvironmentName = Environments.Development, ApplicationName = "Platform.Functions", ContentRootPath = AppContext.BaseDirectory };
        registration(services, configuration, environment);
        using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }

        // Options classes name their section (SectionName/Section); each settable property is a setting.
        var settings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sections = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var optionsType in services
                     .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
                     .Select(d => d.ServiceType.GetGenericArguments()[0])
                     .Distinct())
        {
            var section = (optionsType.GetField("SectionName") ?? optionsType.GetField("Section"))?.GetValue(null) as string;
            if (section is null)
            {
                continue;
            }

            sections.Add(section);
            foreach (var property in optionsType.GetProperties().Where(p => p.SetMethod?.IsPublic == true && IsSettingType(p.PropertyType)))
            {
                settings.Add($"{section}__{property.Name}");
            }
        }

        // Settings read directly (not through an options class), e.g. the storage connection.
        foreach (var key in source.Provider!.Requested)
        {
            if (!sections.Contains(key.Split(':')[0]))
            {
                settings.Add(key.Replace(":", "__", StringComparison.Ordinal));
            }
        }

        return settings;
    }

    private static bool IsSettingType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);
    }

    /// <summary>Settings read that neither the sample nor the template provides (identity-based storage keys are template-only by design).</summary>
    public static IReadOnlyList<string> FindUnconfigurable(IEnumerable<string> read, IEnumerable<string> sampleNames, TemplateConfiguration template)
    {
        var sample = sampleNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var inTemplate = template.AppSettingNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return read
            .Where(key => !key.StartsWith(SettingsDriftChecker.HostStorageSetting + "__", StringComparison.OrdinalIgnoreCase))
            .Where(key => !key.StartsWith(SettingsDriftChecker.SecretSettingPrefix, StringComparison.OrdinalIgnoreCase))
            .Where(key => !(sample.Contains(key) && (inTemplate.Contains(key) || SettingsDriftChecker.FindMissing([key], template).Count == 0)))
            .OrderBy(key => key, StringComparer.Ordinal)
            .ToList();
    }

    private sealed class RecordingSource(Dictionary<string, string?> values) : IConfigurationSource
    {
        public RecordingProvider? Provider { get; private set; }

        public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider = new RecordingProvider(values);
    }

    private sealed class RecordingProvider : ConfigurationProvider
    {
        public RecordingProvider(Dictionary<string, string?> values)
        {
            Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        }

        public HashSet<string> Requested { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override bool TryGet(string key, out string? value)
        {
            lock (Requested)
            {
                Requested.Add(key);
            }

            return base.TryGet(key, out value);
        }
    }
}
