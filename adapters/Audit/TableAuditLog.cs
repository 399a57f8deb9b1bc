using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Time;

namespace Platform.Adapters.Audit;

/// <summary>
/// The audit chain in Azure Table storage (M5.3: append-only, tamper-evident). One partition holds a head row
/// (last sequence, hash and time) and one row per entry keyed by its zero-padded sequence. Every append commits the
/// head's conditional update (If-Match) and the new entry rows in one entity-group transaction, so two writers can
/// never both extend the same head: the loser gets 412/409, re-reads the head and tries again. Within one process,
/// concurrent appends are combined into a single transaction to keep the partition's single writer busy with real work.
/// </summary>
public sealed class TableAuditLog : IAuditLog
{
    public const int MaxPageSize = 200;
    public const int MaxActionLength = 256;
    public const int MaxTargetLength = 1024;

    internal const string ChainPartitionKey = "chain";
    internal const string HeadRowKey = "head";

    // An entity-group transaction holds at most 100 operations; one of them is the head's update.
    private const int MaxEntriesPerTransaction = 99;
    private const int VerifyReadPageSize = 1000;
    private static readonly TimeSpan RetryBaseDelay = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(1);
    private static readonly string LastRowKey = RowKeyOf(long.MaxValue);
    private const string ContinuationTokenPrefix = "after:";

    private readonly TableClient _table;
    private readonly IClock _clock;
    private readonly AuditOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<PendingAppend> _pending = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _tableSync = new();
    private Task? _tableReady;

    // What this process last wrote; only read or written while holding _writer. Null means "read it from the table".
    private StoredHead? _cachedHead;

    public TableAuditLog(TableServiceClient tableService, IOptions<AuditOptions> options, IClock clock, ILogger<TableAuditLog>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tableService);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _options = options.Value;
        _table = tableService.GetTableClient(_options.TableName);
        _clock = clock;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Action);
        ArgumentNullException.ThrowIfNull(record.Target);
        if (record.Action.Length > MaxActionLength)
        {
            throw new ArgumentException($"An audit action is at most {MaxActionLength} characters.", nameof(record));
        }

        if (record.Target.Length > MaxTargetLength)
        {
            throw new ArgumentException($"An audit target is at most {MaxTargetLength} characters.", nameof(record));
        }

        // Hashed here, in the caller's context, so a payload that cannot be serialised fails only its own append.
        var pending = new PendingAppend(record, AuditChain.HashPayload(record.Payload));
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        _pending.Enqueue(pending);

        try
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (pending.TryCancel(cancellationToken))
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Another writer already took this entry into its transaction: its outcome is this append's outcome.
            return await pending.Completion.ConfigureAwait(false);
        }

        try
        {
            // Whoever holds the writer commits everything queued, its own entry included, up to a transaction's size.
            while (!pending.Completion.IsCompleted)
            {
                var batch = ClaimQueued();
                if (batch.Count == 0)
                {
                    break;
                }

                await CommitAsync(batch).ConfigureAwait(false);
            }
        }
        finally
        {
            _writer.Release();
        }

        return await pending.Completion.ConfigureAwait(false);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidateQuery(query);
        var after = DecodeContinuationToken(query.ContinuationToken);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);

        var filter = BuildFilter(query, after);
        var items = new List<AuditEntry>(query.PageSize + 1);

        // One more than asked tells whether another page exists without handing out a token to an empty page.
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(query.PageSize + 1, VerifyReadPageSize), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            items.Add(ToEntry(entity));
            if (items.Count > query.PageSize)
            {
                break;
            }
        }

        if (items.Count <= query.PageSize)
        {
            return new AuditPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new AuditPage(items, EncodeContinuationToken(items[^1].Sequence));
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);

        // The head is read first: every entry up to it was committed together with it, so all of them must be there.
        var headBefore = (await ReadHeadAsync(cancellationToken).ConfigureAwait(false)).Head;
        var verifier = new AuditChainVerifier();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ChainPartitionKey} and RowKey le {LastRowKey}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: VerifyReadPageSize, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entry = ToEntry(entity);
            if (!verifier.Accept(entry))
            {
                return verifier.Complete(headBefore);
            }

            if (entry.Sequence == headBefore.Sequence && !string.Equals(entry.Hash, headBefore.Hash, StringComparison.Ordinal))
            {
                verifier.Break(entry.Sequence, $"Entry {entry.Sequence} does not match the hash recorded in the chain's head.");
                return verifier.Complete(headBefore);
            }
        }

        if (verifier.Last.Sequence <= headBefore.Sequence)
        {
            return verifier.Complete(headBefore);
        }

        // Entries past the first head were either appended while we read (the head has moved on to cover them)
        // or written around the log (the head never reached them).
        var headAfter = (await ReadHeadAsync(cancellationToken).ConfigureAwait(false)).Head;
        if (headAfter.Sequence <= verifier.Last.Sequence)
        {
            return verifier.Complete(headAfter);
        }

        // The head has moved past what we read: everything read verified, and the rest arrived after we finished.
        return verifier.Complete();
    }

    /// <summary>The row key of an entry: its sequence, zero-padded so that key order is sequence order.</summary>
    public static string RowKeyOf(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private List<PendingAppend> ClaimQueued()
    {
        var batch = new List<PendingAppend>(MaxEntriesPerTransaction);
        while (batch.Count < MaxEntriesPerTransaction && _pending.TryDequeue(out var next))
        {
            if (next.TryClaim())
            {
                batch.Add(next);
            }
        }

        return batch;
    }

    private async Task CommitAsync(List<PendingAppend> batch)
    {
        // The entries' callers are many; none of their tokens may abandon the others' entries half-way.
        var cancellationToken = CancellationToken.None;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var head = _cachedHead ?? await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
                var entries = Chain(head, batch);
                var last = entries[^1];
                var newHead = new TableEntity(ChainPartitionKey, HeadRowKey)
                {
                    ["Sequence"] = last.Sequence,
                    ["Hash"] = last.Hash,
                    ["Time"] = AuditChain.FormatTime(last.Time),
                };

                var actions = new List<TableTransactionAction>(entries.Count + 1)
                {
                    head.ETag is { } etag
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, etag)
                        : new TableTransactionAction(TableTransactionActionType.Add, newHead),
                };
                actions.AddRange(entries.Select(entry => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(entry))));

                var response = await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                var headETag = response.Value.Count > 0 ? response.Value[0].Headers.ETag : null;
                _cachedHead = headETag is { } written ? new StoredHead(AuditHead.Of(last), last.Time, written) : null;

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Complete(entries[i]);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another process extended the chain since we read its head.
                _cachedHead = null;
                if (attempt >= _options.MaxAppendAttempts)
                {
                    _logger.LogWarning("Audit append gave up after {Attempts} attempts: the chain's head kept moving.", attempt);
                    Fail(batch, new DomainException(
                        FailureKind.Unavailable,
                        "audit.unavailable",
                        "The audit log is busy; the change was not recorded. Try again."));
                    return;
                }

                _logger.LogDebug("Audit append lost the race for the chain's head (attempt {Attempt}); retrying.", attempt);
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _cachedHead = null;
                Fail(batch, ex);
                return;
            }
        }
    }

    private List<AuditEntry> Chain(StoredHead head, List<PendingAppend> batch)
    {
        // Times never run backwards along the chain, even when another process's clock is a little ahead.
        var now = _clock.UtcNow;
        var time = now > head.LastTime ? now : head.LastTime;
        var previous = head.Head;
        var entries = new List<AuditEntry>(batch.Count);
        foreach (var pending in batch)
        {
            var record = pending.Record;
            var entry = AuditChain.Next(previous, record.Actor, record.Action, record.Target, pending.PayloadHash, time);
            entries.Add(entry);
            previous = AuditHead.Of(entry);
        }

        return entries;
    }

    private static void Fail(List<PendingAppend> batch, Exception exception)
    {
        foreach (var pending in batch)
        {
            pending.Fail(exception);
        }
    }

    private static TimeSpan Backoff(int attempt)
    {
        var exponential = RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 10));
        var capped = Math.Min(exponential, RetryMaxDelay.TotalMilliseconds);
        // Jitter so that writers that collided do not collide again in lock-step.
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble()));
    }

    private async Task<StoredHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(ChainPartitionKey, HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value is null)
        {
            return new StoredHead(AuditHead.Empty, DateTimeOffset.MinValue, null);
        }

        var entity = response.Value;
        var head = new AuditHead(entity.GetInt64("Sequence") ?? 0, entity.GetString("Hash") ?? "");
        return new StoredHead(head, ParseTime(entity.GetString("Time")) ?? DateTimeOffset.MinValue, entity.ETag);
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var ready = _tableReady;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return ready;
        }

        lock (_tableSync)
        {
            if (_tableReady is null || _tableReady.IsFaulted || _tableReady.IsCanceled)
            {
                _tableReady = _table.CreateIfNotExistsAsync(CancellationToken.None);
            }

            return _tableReady.WaitAsync(cancellationToken);
        }
    }

    private static void ValidateQuery(AuditQuery query)
    {
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            throw new DomainException(
                FailureKind.BadRequest,
                "audit.invalid_page_size",
                $"pageSize must be between 1 and {MaxPageSize}.",
                new Dictionary<string, string[]> { ["pageSize"] = [$"Must be between 1 and {MaxPageSize}."] });
        }

        if (query.From is { } from && query.To is { } to && from > to)
        {
            throw new DomainException(
                FailureKind.BadRequest,
                "audit.invalid_time_range",
                "from must not be later than to.",
                new Dictionary<string, string[]> { ["to"] = ["Must not be earlier than from."] });
        }
    }

    private static string BuildFilter(AuditQuery query, long after)
    {
        var clauses = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey eq {ChainPartitionKey}"),
            TableClient.CreateQueryFilter($"RowKey gt {RowKeyOf(after)}"),
            TableClient.CreateQueryFilter($"RowKey le {LastRowKey}"),
        };
        AddEquals(clauses, "Actor", query.Actor);
        AddEquals(clauses, "Action", query.Action);
        AddEquals(clauses, "Target", query.Target);
        AddEquals(clauses, "Organization", query.Organization);

        // Times are stored as fixed-width UTC round-trip strings, so string order is time order.
        if (query.From is { } from)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Time ge {AuditChain.FormatTime(from)}"));
        }

        if (query.To is { } to)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Time lt {AuditChain.FormatTime(to)}"));
        }

        return string.Join(" and ", clauses);
    }

    private static void AddEquals(List<string> clauses, string property, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            clauses.Add($"{property} eq {TableClient.CreateQueryFilter($"{value}")}");
        }
    }

    private static string EncodeContinuationToken(long lastSequence) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ContinuationTokenPrefix + lastSequence.ToString(CultureInfo.InvariantCulture)));

    private static long DecodeContinuationToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.StartsWith(ContinuationTokenPrefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(ContinuationTokenPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                return after;
            }
        }
        catch (FormatException)
        {
            // Falls through to the same answer as any other token we did not issue.
        }

        throw new DomainException(
            FailureKind.BadRequest,
            "audit.invalid_continuation_token",
            "The continuation token is not one this audit log issued.",
            new Dictionary<string, string[]> { ["continuationToken"] = ["Not a valid continuation token."] });
    }

    private static TableEntity ToEntity(AuditEntry entry) => new(ChainPartitionKey, RowKeyOf(entry.Sequence))
    {
        ["Time"] = AuditChain.FormatTime(entry.Time),
        ["Actor"] = entry.Actor,
        ["Role"] = entry.Role,
        ["Organization"] = entry.Organization,
        ["Action"] = entry.Action,
        ["Target"] = entry.Target,
        ["PayloadHash"] = entry.PayloadHash,
        ["PreviousHash"] = entry.PreviousHash,
        ["Hash"] = entry.Hash,
    };

    // Reads leniently: a damaged row must reach the verifier as a mismatch, not crash the read.
    private static AuditEntry ToEntry(TableEntity entity) => new(
        long.TryParse(entity.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : -1,
        ParseTime(entity.GetString("Time")) ?? DateTimeOffset.MinValue,
        entity.GetString("Actor") ?? "",
        entity.GetString("Role") ?? "",
        entity.GetString("Organization") ?? "",
        entity.GetString("Action") ?? "",
        entity.GetString("Target") ?? "",
        entity.GetString("PayloadHash") ?? "",
        entity.GetString("PreviousHash") ?? "",
        entity.GetString("Hash") ?? "");

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time.ToUniversalTime() : null;

    private sealed record StoredHead(AuditHead Head, DateTimeOffset LastTime, ETag? ETag);

    private sealed class PendingAppend(AuditRecord record, string payloadHash)
    {
        private const int Queued = 0;
        private const int Claimed = 1;
        private const int Cancelled = 2;
        private readonly TaskCompletionSource<AuditEntry> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state = Queued;

        public AuditRecord Record { get; } = record;

        public string PayloadHash { get; } = payloadHash;

        public Task<AuditEntry> Completion => _completion.Task;

        /// <summary>A writer takes the entry into a transaction; fails when its caller gave up first.</summary>
        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

        /// <summary>The caller gives up; fails when a writer already took the entry (it may be written).</summary>
        public bool TryCancel(CancellationToken cancellationToken)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) != Queued)
            {
                return false;
            }

            _completion.TrySetCanceled(cancellationToken);
            return true;
        }

        public void Complete(AuditEntry entry) => _completion.TrySetResult(entry);

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
