using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Platform.Domain.Calendar;
using Platform.Domain.Errors;

namespace Platform.Adapters.Calendar;

/// <summary>
/// The authority's calendars in Azure Table storage (M4.3): one entity per year (partition <c>calendar</c>, row
/// key the four-digit year) holding the year's JSON document. Writes are optimistic: the entity's ETag is the
/// version callers pass back as If-Match. Years not stored fall back to the shipped official schedules.
/// </summary>
public sealed class TableCalendarStore : ICalendarStore
{
    /// <summary>The widest span <see cref="LoadAsync"/> reads at once.</summary>
    public const int MaxYearsPerLoad = 100;

    internal const string CalendarPartitionKey = "calendar";
    internal const string JsonProperty = "Json";
    internal const string JsonChunksProperty = "JsonChunks";
    internal const string YearProperty = "Year";

    // A string property holds at most 32 K UTF-16 characters; a year with long names for all 366 days can exceed that.
    private const int JsonChunkLength = 16_000;

    private readonly TableClient _table;
    private readonly Lock _tableSync = new();
    private Task? _tableReady;

    public TableCalendarStore(TableServiceClient tableService, IOptions<CalendarOptions> options)
    {
        ArgumentNullException.ThrowIfNull(tableService);
        ArgumentNullException.ThrowIfNull(options);
        _table = tableService.GetTableClient(options.Value.TableName);
    }

    public async Task<CalendarYearEntry?> GetAsync(int year, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var stored = await _table.GetEntityIfExistsAsync<TableEntity>(CalendarPartitionKey, RowKeyOf(year), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stored.HasValue && stored.Value is { } entity)
        {
            return new CalendarYearEntry(ToCalendarYear(entity, year), CalendarYearOrigin.Stored, entity.ETag.ToString());
        }

        return ShippedCalendars.Get(year) is { } shipped
            ? new CalendarYearEntry(shipped, CalendarYearOrigin.Shipped, null)
            : null;
    }

    public async Task<string> PutAsync(int year, WorkingDayCalendarYear calendar, string? ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (calendar.Year != year)
        {
            throw new ArgumentException($"The calendar is for {calendar.Year}, not {year}.", nameof(calendar));
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(calendar);
        Response response;
        if (ifMatch is null)
        {
            // Create-only: of two concurrent creators one gets 409 EntityAlreadyExists.
            response = await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Replace, not merge: a shorter document must not leave old JSON chunks behind.
            response = await _table.UpdateEntityAsync(entity, new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        return response.Headers.ETag?.ToString()
            ?? throw new InvalidOperationException("Table storage returned no ETag for the calendar write.");
    }

    public async Task<WorkingDayCalendar> LoadAsync(int firstYear, int lastYear, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstYear, WorkingDayCalendarYear.MinYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lastYear, WorkingDayCalendarYear.MaxYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstYear, lastYear);
        if (lastYear - firstYear + 1 > MaxYearsPerLoad)
        {
            throw new ArgumentOutOfRangeException(nameof(lastYear), $"At most {MaxYearsPerLoad} years are loaded at once.");
        }

        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var years = new Dictionary<int, WorkingDayCalendarYear>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {CalendarPartitionKey} and RowKey ge {RowKeyOf(firstYear)} and RowKey le {RowKeyOf(lastYear)}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var year = int.Parse(entity.RowKey, NumberStyles.None, CultureInfo.InvariantCulture);
            years[year] = ToCalendarYear(entity, year);
        }

        for (var year = firstYear; year <= lastYear; year++)
        {
            if (!years.ContainsKey(year) && ShippedCalendars.Get(year) is { } shipped)
            {
                years[year] = shipped;
            }
        }

        return new WorkingDayCalendar(years.Values);
    }

    internal static string RowKeyOf(int year) => year.ToString("D4", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(WorkingDayCalendarYear calendar)
    {
        var json = CalendarJson.Serialize(calendar);
        var entity = new TableEntity(CalendarPartitionKey, RowKeyOf(calendar.Year))
        {
            [YearProperty] = calendar.Year,
        };

        var chunks = 0;
        for (var start = 0; start < json.Length || chunks == 0; start += JsonChunkLength)
        {
            entity[ChunkProperty(chunks)] = json.Substring(start, Math.Min(JsonChunkLength, json.Length - start));
            chunks++;
        }

        entity[JsonChunksProperty] = chunks;
        return entity;
    }

    private static WorkingDayCalendarYear ToCalendarYear(TableEntity entity, int year)
    {
        try
        {
            var chunks = entity.GetInt32(JsonChunksProperty) ?? 1;
            var json = new StringBuilder();
            for (var i = 0; i < chunks; i++)
            {
                json.Append(entity.GetString(ChunkProperty(i))
                    ?? throw new FormatException($"Chunk {i} of {chunks} is missing."));
            }

            return CalendarJson.Deserialize(json.ToString()).ToCalendarYear(year);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or DomainException or InvalidOperationException)
        {
            throw new InvalidOperationException($"The stored calendar for {year} (table {entity.PartitionKey}/{entity.RowKey}) cannot be read: {ex.Message}", ex);
        }
    }

    private static string ChunkProperty(int index) => index == 0 ? JsonProperty : JsonProperty + index.ToString(CultureInfo.InvariantCulture);

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        lock (_tableSync)
        {
            if (_tableReady is null || _tableReady.IsFaulted || _tableReady.IsCanceled)
            {
                // Shared by every caller, so one caller's cancellation must not fail the others.
                _tableReady = _table.CreateIfNotExistsAsync(CancellationToken.None);
            }

            return _tableReady.WaitAsync(cancellationToken);
        }
    }
}
