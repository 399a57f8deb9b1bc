using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class PageRequestTests
{
    private static IQueryCollection Query(params (string Key, string Value)[] values)
        => new QueryCollection(values.ToDictionary(pair => pair.Key, pair => new StringValues(pair.Value)));

    [Fact]
    public void FromQuery_Nothing_DefaultsTo50()
    {
        Assert.Equal(new PageRequest(50, null), PageRequest.FromQuery(Query()));
    }

    [Fact]
    public void FromQuery_SizeAndToken_AreRead()
    {
        Assert.Equal(new PageRequest(200, "opaque"), PageRequest.FromQuery(Query(("pageSize", "200"), ("continuationToken", "opaque"))));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    public void FromQuery_BadSize_Is400InvalidPaging(string size)
    {
        var failure = Assert.Throws<Platform.Domain.Errors.DomainException>(() => PageRequest.FromQuery(Query(("pageSize", size))));

        Assert.Equal("request.invalid_paging", failure.Code);
    }
}
