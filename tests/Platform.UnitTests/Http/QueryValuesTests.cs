using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Platform.Domain.Errors;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class QueryValuesTests
{
    private static IQueryCollection Query(params (string Key, string Value)[] values)
        => new QueryCollection(values.ToDictionary(pair => pair.Key, pair => new StringValues(pair.Value)));

    [Theory]
    [InlineData("json", "json")]
    [InlineData("csv", "csv")]
    public void OptionalChoice_AllowedValue_Returned(string given, string expected)
        => Assert.Equal(expected, QueryValues.OptionalChoice(Query(("format", given)), "format", "json", "csv"));

    [Fact]
    public void OptionalChoice_Absent_Null()
        => Assert.Null(QueryValues.OptionalChoice(Query(), "format", "json", "csv"));

    [Theory]
    [InlineData("CSV")]
    [InlineData("xml")]
    [InlineData("json ")]
    public void OptionalChoice_OtherValue_InvalidQueryNamingTheParameter(string given)
    {
        var failure = Assert.Throws<DomainException>(() => QueryValues.OptionalChoice(Query(("format", given)), "format", "json", "csv"));

        Assert.Equal((FailureKind.BadRequest, "request.invalid_query"), (failure.Kind, failure.Code));
        Assert.Contains("format", failure.Errors!.Keys);
        Assert.Contains("'json' or 'csv'", failure.Message, StringComparison.Ordinal);
    }
}
