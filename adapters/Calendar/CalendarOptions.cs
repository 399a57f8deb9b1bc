using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Platform.Adapters.Calendar;

/// <summary>Settings section <c>Calendar</c>.</summary>
public sealed class CalendarOptions
{
    public const string SectionName = "Calendar";

    /// <summary><c>Calendar:TableName</c>: the Azure table holding one row per year the authority maintains.</summary>
    public string TableName { get; set; } = "calendars";
}

public sealed partial class CalendarOptionsValidator : IValidateOptions<CalendarOptions>
{
    public ValidateOptionsResult Validate(string? name, CalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.TableName) || !TableNamePattern().IsMatch(options.TableName)
            ? ValidateOptionsResult.Fail($"Calendar:TableName '{options.TableName}' is not a valid Azure table name (a letter, then 2 to 62 letters or digits).")
            : ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
