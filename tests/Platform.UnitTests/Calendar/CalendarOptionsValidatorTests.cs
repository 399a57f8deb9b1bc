using Platform.Adapters.Calendar;
using Xunit;

namespace Platform.UnitTests.Calendar;

public sealed class CalendarOptionsValidatorTests
{
    [Fact]
    public void Validate_Default_Succeeds()
    {
        Assert.True(new CalendarOptionsValidator().Validate(null, new CalendarOptions()).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1calendars")]
    [InlineData("cal-endars")]
    public void Validate_InvalidTableName_FailsNamingTheSetting(string tableName)
    {
        var result = new CalendarOptionsValidator().Validate(null, new CalendarOptions { TableName = tableName });

        Assert.True(result.Failed);
        Assert.Contains("Calendar:TableName", result.FailureMessage, StringComparison.Ordinal);
    }
}
