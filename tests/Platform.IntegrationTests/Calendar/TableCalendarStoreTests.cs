using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Platform.Adapters.Calendar;
using Platform.Domain.Calendar;
using Platform.IntegrationTests.Infrastructure;
using Xunit;

namespace Platform.IntegrationTests.Calendar;

[Collection(AzuriteCollection.Name)]
public sealed class TableCalendarStoreTests : IAsyncLifetime
{
    private readonly TableServiceClient _service = new(AzuriteFixture.ConnectionString);
    private readonly string _tableName = "calendars" + Guid.NewGuid().ToString("N")[..16];

    public TableCalendarStoreTests(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DeleteTableAsync(_tableName);

    [Fact]
    public async Task PutThenGet_ChineseNames_RoundTripWithETag()
    {
        var store = CreateStore();
        var calendar = Calendar2027(("2027-02-06", "春节", "Spring Festival"), ("2027-02-07", "春节", "Spring Festival"));

        var etag = await store.PutAsync(2027, calendar, ifMatch: null);
        var read = await store.GetAsync(2027);

        Assert.NotNull(read);
        Assert.Equal(CalendarYearOrigin.Stored, read.Origin);
        Assert.Equal(etag, read.ETag);
        Assert.Equal("春节", read.Calendar.HolidayOn(new DateOnly(2027, 2, 6))?.Name);
        Assert.Equal("《2027年节假日安排》测试通知", read.Calendar.Source);
        Assert.Equal(CalendarJson.Serialize(calendar), CalendarJson.Serialize(read.Calendar));
    }

    [Fact]
    public async Task Put_StaleETag_Fails412AndKeepsTheNewerVersion()
    {
        var store = CreateStore();
        var first = await store.PutAsync(2027, Calendar2027(("2027-01-01", "元旦", null)), ifMatch: null);
        var second = await store.PutAsync(2027, Calendar2027(("2027-01-01", "元旦", "New Year's Day")), ifMatch: first);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() =>
            store.PutAsync(2027, Calendar2027(("2027-10-01", "国庆节", null)), ifMatch: first));

        Assert.Equal(412, ex.Status);
        Assert.NotEqual(first, second);
        var read = await store.GetAsync(2027);
        Assert.Equal(second, read!.ETag);
        Assert.Equal("New Year's Day", read.Calendar.HolidayOn(new DateOnly(2027, 1, 1))?.NameEn);
    }

    [Fact]
    public async Task Put_CreateWhenAlreadyStored_Fails409()
    {
        var store = CreateStore();
        var other = CreateStore();
        await store.PutAsync(2027, Calendar2027(("2027-01-01", "元旦", null)), ifMatch: null);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() =>
            other.PutAsync(2027, Calendar2027(("2027-01-01", "元旦", null)), ifMatch: null));

        Assert.Equal(409, ex.Status);
    }

    [Fact]
    public async Task Put_ReplacingWithFewerHolidays_LeavesNoneOfTheOldOnes()
    {
        var store = CreateStore();
        var etag = await store.PutAsync(2027, Calendar2027(("2027-01-01", "元旦", null), ("2027-05-01", "劳动节", null)), ifMatch: null);

        await store.PutAsync(2027, Calendar2027(("2027-01-01", "元旦", null)), ifMatch: etag);

        var read = await store.GetAsync(2027);
        Assert.False(read!.Calendar.IsHoliday(new DateOnly(2027, 5, 1)));
        Assert.Single(read.Calendar.Holidays);
    }

    [Fact]
    public async Task Get_NothingStored_ReturnsShippedScheduleWithoutETag()
    {
        var store = CreateStore();

        var read = await store.GetAsync(2026);

        Assert.NotNull(read);
        Assert.Equal(CalendarYearOrigin.Shipped, read.Origin);
        Assert.Null(read.ETag);
        Assert.Equal("春节", read.Calendar.HolidayOn(new DateOnly(2026, 2, 17))?.Name);
    }

    [Fact]
    public async Task Get_NeitherStoredNorShipped_ReturnsNull()
    {
        Assert.Null(await CreateStore().GetAsync(2030));
    }

    [Fact]
    public async Task Get_StoredOverShippedYear_StoredWins()
    {
        var store = CreateStore();
        var calendar = new WorkingDayCalendarYear(2026, [new StatutoryHoliday(new DateOnly(2026, 3, 2), "测试假日")], [], "测试");

        await store.PutAsync(2026, calendar, ifMatch: null);

        var read = await store.GetAsync(2026);
        Assert.Equal(CalendarYearOrigin.Stored, read!.Origin);
        Assert.False(read.Calendar.IsHoliday(new DateOnly(2026, 2, 17)));
    }

    [Fact]
    public async Task LoadAsync_Range_CombinesStoredAndShippedAndFallsBackForTheRest()
    {
        var store = CreateStore();
        await store.PutAsync(2027, Calendar2027(("2027-01-01", "元旦", null)), ifMatch: null);

        var calendar = await store.LoadAsync(2025, 2030);

        Assert.Equal([2025, 2026, 2027], calendar.Years);
        Assert.False(calendar.IsWorkingDay(new DateOnly(2027, 1, 1)));
        var deadline = ReviewDeadline.Compute(new DateTimeOffset(2027, 12, 30, 10, 0, 0, TimeSpan.FromHours(8)), 5, calendar);
        Assert.Equal([2028], deadline.FallbackYears);
    }

    [Fact]
    public async Task PutThenGet_EveryDayOfLeapYearWithLongestNames_RoundTripsBeyondOnePropertysLimit()
    {
        // 366 holidays with 50-character Chinese and 100-character English names: far more than one 32 K-character
        // string property holds, so the document is split across properties.
        var store = CreateStore();
        var longName = string.Concat(Enumerable.Repeat("春", WorkingDayCalendarYear.MaxNameLength));
        var longEnglish = new string('x', WorkingDayCalendarYear.MaxEnglishNameLength);
        var calendar = new WorkingDayCalendarYear(
            2028,
            Enumerable.Range(0, 366).Select(i => new StatutoryHoliday(new DateOnly(2028, 1, 1).AddDays(i), longName, longEnglish)),
            [],
            "测试");
        Assert.True(CalendarJson.Serialize(calendar).Length > 32 * 1024);

        await store.PutAsync(2028, calendar, ifMatch: null);

        var read = await store.GetAsync(2028);
        Assert.Equal(CalendarJson.Serialize(calendar), CalendarJson.Serialize(read!.Calendar));
    }

    [Fact]
    public async Task Put_YearDiffersFromCalendar_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            CreateStore().PutAsync(2028, Calendar2027(("2027-01-01", "元旦", null)), ifMatch: null));
    }

    private TableCalendarStore CreateStore() =>
        new(_service, Options.Create(new CalendarOptions { TableName = _tableName }));

    private static WorkingDayCalendarYear Calendar2027(params (string Date, string Name, string? NameEn)[] holidays) =>
        new CalendarYearDocument(
            2027,
            holidays.Select(h => (HolidayDocument?)new HolidayDocument(h.Date, h.Name, h.NameEn)).ToList(),
            ["2027-02-20"],
            "《2027年节假日安排》测试通知").ToCalendarYear();
}
