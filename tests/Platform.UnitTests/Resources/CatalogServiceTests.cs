using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Resources;
using Xunit;

namespace Platform.UnitTests.Resources;

public sealed class CatalogServiceTests
{
    private readonly InMemoryResourceStore _store = new();
    private readonly CatalogService _catalog;

    public CatalogServiceTests() => _catalog = new CatalogService(_store);

    private async Task AddAsync(string id, string name, ResourceStatus status = ResourceStatus.Published, string description = "说明")
        => await _store.AddAsync(new Resource(id, "org-provider", name, description, "民政", "每月",
            [new FieldDefinition("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, false)],
            null, status, DateTimeOffset.UnixEpoch, "u"));

    [Theory]
    [InlineData("居民", true)]
    [InlineData("服务登记", true)]
    [InlineData("ＧＩＳ", true)]
    [InlineData("gis", true)]
    [InlineData("企业", false)]
    public void Matches_SubstringOfNameIgnoringCaseAndFullWidth(string query, bool expected)
    {
        var resource = new Resource("res-1", "p", "武汉市居民服务登记 GIS 图层", "说明", "d", "f", [], null, ResourceStatus.Published, DateTimeOffset.UnixEpoch, "u");

        Assert.Equal(expected, CatalogSearch.Matches(resource, CatalogSearch.Normalize(query)!));
    }

    [Fact]
    public void Matches_Description_IsSearchedToo()
    {
        var resource = new Resource("res-1", "p", "名称", "包含社保缴费记录", "d", "f", [], null, ResourceStatus.Published, DateTimeOffset.UnixEpoch, "u");

        Assert.True(CatalogSearch.Matches(resource, "社保"));
    }

    [Fact]
    public async Task ListAsync_OnlyPublishedInIdOrder()
    {
        await AddAsync("res-3", "三");
        await AddAsync("res-1", "一");
        await AddAsync("res-2", "二", ResourceStatus.Submitted);

        var (items, next) = await _catalog.ListAsync(null, 10, null);

        Assert.Equal(["res-1", "res-3"], items.Select(r => r.Id));
        Assert.Null(next);
    }

    [Fact]
    public async Task ListAsync_SearchPagesExactlyThroughFilteredRows()
    {
        for (var i = 0; i < 30; i++)
        {
            await AddAsync($"res-{i:D2}", i % 3 == 0 ? $"人口数据{i}" : $"企业数据{i}");
        }

        var found = new List<string>();
        string? token = null;
        do
        {
            var (items, next) = await _catalog.ListAsync("人口", 4, token);
            found.AddRange(items.Select(r => r.Id));
            token = next;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 3 == 0).Select(i => $"res-{i:D2}"), found);
    }

    [Fact]
    public async Task GetAsync_Unpublished_Is404()
    {
        await AddAsync("res-1", "一", ResourceStatus.Submitted);

        var error = await Assert.ThrowsAsync<DomainException>(() => _catalog.GetAsync("res-1"));

        Assert.Equal((FailureKind.NotFound, "resource.not_found"), (error.Kind, error.Code));
    }
}
