using Microsoft.Extensions.Options;
using Platform.Domain.Reports;

namespace Platform.Functions.Reports;

/// <summary>Validates section <c>Reports</c> (each problem names its setting).</summary>
public sealed class AnnualReportOptionsValidator : IValidateOptions<AnnualReportOptions>
{
    public ValidateOptionsResult Validate(string? name, AnnualReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
