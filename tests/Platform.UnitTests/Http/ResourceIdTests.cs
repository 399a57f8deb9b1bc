using FsCheck.Xunit;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed class ResourceIdTests
{
    [Theory]
    [InlineData("res-01jd8x3kq7m4r6t9v2w5y8z1ab", true)]
    [InlineData("org-provider-1", true)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("..\\x", false)]
    [InlineData("x#y", false)]
    [InlineData("x?y", false)]
    [InlineData("x\ny", false)]
    public void IsLookupKey_ValuesFromRequests_OnlyStorableKeysLookedUp(string id, bool expected)
        => Assert.Equal(expected, Platform.Domain.Common.ResourceId.IsLookupKey(id));

    [Fact]
    public void IsLookupKey_LongerThan128_NotLookedUp()
        => Assert.False(Platform.Domain.Common.ResourceId.IsLookupKey(new string('a', 129)));

    [Fact]
    public void New_ThenParse_ReturnsTheSameId()
    {
        var id = ResourceId.New("agr", DateTimeOffset.UtcNow);

        Assert.Equal(id, ResourceId.Parse(id, "agr"));
        Assert.Equal(4 + ResourceId.UlidLength, id.Length);
        Assert.Equal(id, id.ToLowerInvariant());
    }

    [Property]
    public bool New_AnyTime_ParsesBack(uint secondsSinceEpoch)
    {
        var id = ResourceId.New("org", DateTimeOffset.FromUnixTimeSeconds(secondsSinceEpoch));
        return ResourceId.TryParse(id, "org", out var parsed) && parsed == id;
    }

    [Fact]
    public void New_LaterTime_SortsAfterEarlierTime()
    {
        var earlier = ResourceId.New("res", new DateTimeOffset(2025, 10, 13, 0, 0, 0, TimeSpan.Zero));
        var later = ResourceId.New("res", new DateTimeOffset(2025, 10, 13, 0, 0, 1, TimeSpan.Zero));

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Fact]
    public void Parse_UpperCase_ReturnsCanonicalLowerCase()
    {
        var id = ResourceId.New("agr", DateTimeOffset.UtcNow);

        Assert.Equal(id, ResourceId.Parse(id.ToUpperInvariant(), "agr"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("agr-123")]
    [InlineData("org-01jd8x3kq7m4r6t9v2w5y8z1ab")]
    [InlineData("agr_01jd8x3kq7m4r6t9v2w5y8z1ab")]
    [InlineData("agr-01jd8x3kq7m4r6t9v2w5y8z1au")]
    [InlineData("agr-91jd8x3kq7m4r6t9v2w5y8z1ab")]
    [InlineData("agr-01jd8x3kq7m4r6t9v2w5y8z1ab'; drop")]
    public void Parse_WrongFormat_Is400InvalidId(string? value)
    {
        var failure = Assert.Throws<Platform.Domain.Errors.DomainException>(() => ResourceId.Parse(value, "agr"));

        Assert.Equal("request.invalid_id", failure.Code);
        Assert.True(failure.Errors!.ContainsKey("id"));
    }

    [Fact]
    public void IdGenerator_UsesItsClock()
    {
        var time = new SettableTimeProvider(new DateTimeOffset(2025, 10, 13, 0, 0, 0, TimeSpan.Zero));
        var generator = new IdGenerator(time);

        var first = generator.New("job");
        time.Now += TimeSpan.FromMilliseconds(1);
        var second = generator.New("job");

        Assert.Equal(first[..14], ResourceId.New("job", new DateTimeOffset(2025, 10, 13, 0, 0, 0, TimeSpan.Zero))[..14]);
        Assert.True(string.CompareOrdinal(first, second) < 0);
    }
}

internal sealed class SettableTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
