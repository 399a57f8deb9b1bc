namespace Platform.Domain.Audit;

/// <summary>
/// Walks the chain in sequence order and stops at the first entry that does not verify (M5.3: tamper-evident).
/// Feed entries one at a time with <see cref="Accept"/> so a long chain can be streamed, or call <see cref="Verify"/>.
/// </summary>
public sealed class AuditChainVerifier
{
    private AuditHead _last = AuditHead.Empty;
    private AuditVerification? _failure;

    /// <summary>Entries accepted so far, including the one that broke the chain, if any.</summary>
    public long EntriesChecked { get; private set; }

    /// <summary>The last entry that verified (sequence 0 and the genesis hash before the first one).</summary>
    public AuditHead Last => _last;

    public bool IsBroken => _failure is not null;

    /// <summary>Checks the next entry; returns false (and stays broken) from the first entry that does not verify.</summary>
    public bool Accept(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_failure is not null)
        {
            return false;
        }

        EntriesChecked++;
        var expected = _last.Sequence + 1;
        if (entry.Sequence > expected)
        {
            return Fail(expected, $"Sequence gap: entry {expected} is missing; the next stored entry is {entry.Sequence}.");
        }

        if (entry.Sequence < expected)
        {
            return Fail(entry.Sequence, $"Entry {entry.Sequence} is duplicated or out of order; entry {expected} was expected.");
        }

        if (!string.Equals(AuditChain.ComputeHash(entry), entry.Hash, StringComparison.Ordinal))
        {
            return Fail(entry.Sequence, $"Entry {entry.Sequence} does not match its hash: its content was changed after it was written.");
        }

        if (!string.Equals(entry.PreviousHash, _last.Hash, StringComparison.Ordinal))
        {
            return Fail(entry.Sequence, entry.Sequence == 1
                ? "Entry 1 does not start from the genesis hash."
                : $"Entry {entry.Sequence} does not link to entry {_last.Sequence}: its previous hash differs from that entry's hash.");
        }

        _last = AuditHead.Of(entry);
        return true;
    }

    /// <summary>Records a failure found outside the entries themselves (for example by the store's head record).</summary>
    public void Break(long sequence, string reason)
    {
        _failure ??= new AuditVerification(false, EntriesChecked, sequence, reason, null);
    }

    /// <summary>
    /// The outcome. When <paramref name="head"/> is given (what the store says the end of the chain is), the last
    /// verified entry must be exactly that head: a shorter chain was truncated, a longer one has foreign entries.
    /// </summary>
    public AuditVerification Complete(AuditHead? head = null)
    {
        if (_failure is not null)
        {
            return _failure with { HeadSequence = head?.Sequence };
        }

        if (head is not null)
        {
            if (head.Sequence > _last.Sequence)
            {
                return Failed(_last.Sequence + 1, head, $"The chain ends at entry {_last.Sequence} but its head records entry {head.Sequence}: entries were removed.");
            }

            if (head.Sequence < _last.Sequence)
            {
                return Failed(head.Sequence + 1, head, $"Entry {head.Sequence + 1} lies beyond the chain's head (entry {head.Sequence}): it was not appended through the log.");
            }

            if (!string.Equals(head.Hash, _last.Hash, StringComparison.Ordinal))
            {
                return Failed(_last.Sequence, head, $"Entry {_last.Sequence} does not match the hash recorded in the chain's head.");
            }
        }

        return new AuditVerification(true, EntriesChecked, null, null, head?.Sequence ?? _last.Sequence);
    }

    /// <summary>Verifies a whole ordered sequence of entries, optionally against the recorded head.</summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditHead? head = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var verifier = new AuditChainVerifier();
        foreach (var entry in entries)
        {
            if (!verifier.Accept(entry))
            {
                break;
            }
        }

        return verifier.Complete(head);
    }

    private bool Fail(long sequence, string reason)
    {
        _failure = new AuditVerification(false, EntriesChecked, sequence, reason, null);
        return false;
    }

    private AuditVerification Failed(long sequence, AuditHead head, string reason) =>
        new(false, EntriesChecked, sequence, reason, head.Sequence);
}
