using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Adapters.Quality;
using Platform.Domain.Contribution;
using Platform.Domain.Oversight;
using Platform.Domain.Quality;
using Platform.Orchestrations.Quality;

namespace Platform.Functions.Quality;

/// <summary>
/// Settings section <c>Quality</c>. <c>Quality:CorrectionWorkingDays</c>: working days a provider has to verify and
/// correct a quality ticket (M4.7.1; default 5, from 1 to 60), counted like the data-request review (17:00 CST cut-off).
/// </summary>
public sealed class QualityOptions
{
    public const string SectionName = "Quality";
    public const int MaxCorrectionWorkingDays = 60;

    public int CorrectionWorkingDays { get; set; } = QualitySettings.DefaultCorrectionWorkingDays;
}

public sealed class QualityOptionsValidator : IValidateOptions<QualityOptions>
{
    public ValidateOptionsResult Validate(string? name, QualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.CorrectionWorkingDays is >= 1 and <= QualityOptions.MaxCorrectionWorkingDays
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Quality:CorrectionWorkingDays '{options.CorrectionWorkingDays}' must be a whole number of working days from 1 to {QualityOptions.MaxCorrectionWorkingDays}.");
    }
}

/// <summary>
/// Settings section <c>Contribution</c>: the weights of the contribution score's components (M4.7.2,
/// <c>domain/Contribution/README.md</c>). Each must be a finite number ≥ 0 and together more than 0.
/// </summary>
public sealed class ContributionOptions
{
    public const string SectionName = "Contribution";

    public double DataQualityWeight { get; set; } = ContributionWeights.Default.DataQuality;

    public double ReviewTimelinessWeight { get; set; } = ContributionWeights.Default.ReviewTimeliness;

    public double UsageWeight { get; set; } = ContributionWeights.Default.Usage;

    public ContributionWeights ToWeights() => new(DataQualityWeight, ReviewTimelinessWeight, UsageWeight);
}

public sealed class ContributionOptionsValidator : IValidateOptions<ContributionOptions>
{
    public ValidateOptionsResult Validate(string? name, ContributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (setting, value) in new[]
                 {
                     ("Contribution:DataQualityWeight", options.DataQualityWeight),
                     ("Contribution:ReviewTimelinessWeight", options.ReviewTimelinessWeight),
                     ("Contribution:UsageWeight", options.UsageWeight),
                 })
        {
            if (!double.IsFinite(value) || value < 0)
            {
                failures.Add($"{setting} '{value}' must be a number of at least 0.");
            }
        }

        if (failures.Count == 0 && options.DataQualityWeight + options.ReviewTimelinessWeight + options.UsageWeight <= 0)
        {
            failures.Add("Contribution:DataQualityWeight, Contribution:ReviewTimelinessWeight and Contribution:UsageWeight must not all be 0.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class QualityServiceCollectionExtensions
{
    /// <summary>
    /// Quality tickets (M4.7.1) and the contribution score (M4.7.2): options validated at start-up, the table store, the
    /// services, the deadline sweep step and the orchestration's activity.
    /// </summary>
    public static IServiceCollection AddQuality(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QualityOptions>().Bind(configuration.GetSection(QualityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QualityOptions>, QualityOptionsValidator>());
        services.AddOptions<ContributionOptions>().Bind(configuration.GetSection(ContributionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContributionOptions>, ContributionOptionsValidator>());
        services.TryAddSingleton(provider => new QualitySettings(provider.GetRequiredService<IOptions<QualityOptions>>().Value.CorrectionWorkingDays));
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<ContributionOptions>>().Value.ToWeights());
        services.TryAddSingleton<IQualityIssueStore, TableQualityIssueStore>();
        services.TryAddSingleton<QualityIssueService>();
        services.TryAddSingleton<ContributionService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeadlineSweepStep, QualityIssueDeadlineSweepStep>());
        services.TryAddTransient<EscalateQualityIssueActivity>();
        return services;
    }
}
