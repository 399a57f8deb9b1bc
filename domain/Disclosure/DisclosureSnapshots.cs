using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Organizations;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.Disclosure;

/// <summary>
/// Settings of the yearly disclosure snapshot (section <c>Disclosure</c>): when the timer fires (six-field NCrontab in UTC,
/// read as <c>%Disclosure:SnapshotSchedule%</c>) and the blob container the snapshots are published in.
/// </summary>
public sealed class DisclosureSnapshotOptions
{
    public const string SectionName = "Disclosure";

    /// <summary>09:00 China Standard Time (01:00 UTC) on every day of March: the first run publishes, the rest find it published.</summary>
    public const string DefaultSchedule = "0 0 1 1-31 3 *";

    public string SnapshotSchedule { get; set; } = DefaultSchedule;

    public string SnapshotContainer { get; set; } = "disclosure-snapshots";

    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (!Oversight.TimerScheduleText.IsSixFieldCron(SnapshotSchedule))
        {
            failures.Add($"{SectionName}:{nameof(SnapshotSchedule)} must be a six-field NCrontab expression in UTC (second minute hour day month day-of-week), e.g. '{DefaultSchedule}'; it is '{SnapshotSchedule}'.");
        }

        if (!IsContainerName(SnapshotContainer))
        {
            failures.Add($"{SectionName}:{nameof(SnapshotContainer)} must be a blob container name (3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit); it is '{SnapshotContainer}'.");
        }

        return failures;
    }

    private static bool IsContainerName(string? name)
        => name is { Length: >= 3 and <= 63 }
           && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
           && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}

/// <summary>The public disclosure of one past year (M4.7.4), as published: every authorisation in force during the year and each such operator's disclosure.</summary>
public sealed record DisclosureSnapshot(
    int Year,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    DateTimeOffset PublishedAt,
    IReadOnlyList<AuthorizationDisclosure> Authorizations,
    IReadOnlyList<OperatorDisclosure> Operators);

/// <summary>Published snapshots as blobs <c>{year}/disclosure.json</c> and <c>{year}/disclosure.csv</c>, each written once.</summary>
public interface IDisclosureSnapshotStore
{
    /// <summary>Conditional create of the JSON; false when the year's snapshot already exists (it is never overwritten).</summary>
    Task<bool> TryCreateAsync(DisclosureSnapshot snapshot, CancellationToken cancellationToken = default);

    Task<DisclosureSnapshot?> GetAsync(int year, CancellationToken cancellationToken = default);

    /// <summary>Conditional create of the CSV; an existing one is left as it is.</summary>
    Task CreateCsvIfMissingAsync(int year, string csv, CancellationToken cancellationToken = default);

    Task<string?> GetCsvAsync(int year, CancellationToken cancellationToken = default);
}

/// <summary>
/// Yearly disclosure snapshots (M4.7.4: "yearly, by the end of March, for the previous year"). The year published is
/// the previous calendar year in China Standard Time at the moment the timer fires: a run at 09:00 CST on 1 March 2027
/// publishes 2026. The JSON is written first and is the record; the CSV is derived from the stored JSON, so a rerun
/// after a crash completes the CSV from the same content and never overwrites either.
/// </summary>
public sealed class DisclosureSnapshotService(
    DisclosureService disclosure,
    OperatorDisclosureService operators,
    IOrganizationStore organizations,
    IDisclosureSnapshotStore store,
    IAuditTrail audit,
    IClock clock)
{
    public const int EarliestYear = 2000;

    public static int YearFor(DateTimeOffset firedAtUtc) => ChinaTime.LegalDate(firedAtUtc).Year - 1;

    /// <summary>Publishes the previous year's snapshot if it is not published yet; returns it and whether this run published it.</summary>
    public async Task<(DisclosureSnapshot Snapshot, bool Published)> PublishPreviousYearAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.UtcNow;
        var year = YearFor(now);
        var snapshot = await store.GetAsync(year, cancellationToken);
        var published = false;
        if (snapshot is null)
        {
            var built = await BuildAsync(year, now, cancellationToken);
            published = await store.TryCreateAsync(built, cancellationToken);
            snapshot = published ? built : await store.GetAsync(year, cancellationToken) ?? built;
        }

        await store.CreateCsvIfMissingAsync(year, DisclosureCsv.ForSnapshot(snapshot), cancellationToken);
        if (published)
        {
            await audit.RecordAsync(Caller.System, "disclosure.snapshot_published", $"disclosure/snapshots/{year}",
                new { year, authorizations = snapshot.Authorizations.Count, operators = snapshot.Operators.Count }, cancellationToken);
        }

        return (snapshot, published);
    }

    public async Task<DisclosureSnapshot> GetAsync(int year, CancellationToken cancellationToken = default)
        => await store.GetAsync(year, cancellationToken) ?? throw NotPublished(year);

    /// <summary>The CSV as published; derived from the JSON if the CSV blob is not written yet.</summary>
    public async Task<string> GetCsvAsync(int year, CancellationToken cancellationToken = default)
        => await store.GetCsvAsync(year, cancellationToken) ?? DisclosureCsv.ForSnapshot(await GetAsync(year, cancellationToken));

    public async Task<DisclosureSnapshot> BuildAsync(int year, DateTimeOffset publishedAt, CancellationToken cancellationToken = default)
    {
        var period = new DisclosurePeriod(year);
        var authorizations = (await disclosure.AuthorizationsAsync(cancellationToken))
            .Where(a => a.StartsOn <= period.LastDay && a.EndsOn >= period.FirstDay)
            .ToList();
        var operatorDisclosures = new List<OperatorDisclosure>();
        foreach (var operatorId in authorizations.Select(a => a.OperatorId).Distinct().Order(StringComparer.Ordinal))
        {
            if ((await organizations.GetAsync(operatorId, cancellationToken))?.Value is { } organization)
            {
                operatorDisclosures.Add(await operators.BuildAsync(organization, period, cancellationToken));
            }
        }

        return new DisclosureSnapshot(year, period.FirstDay, period.LastDay, publishedAt, authorizations, operatorDisclosures);
    }

    private static DomainException NotPublished(int year)
        => new(FailureKind.NotFound, "disclosure.snapshot_not_found", $"The disclosure snapshot of {year} is not published (yet); snapshots of a year are published in March of the next year.");
}
