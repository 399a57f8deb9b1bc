namespace Platform.Domain.Sandbox;

/// <summary>
/// What happens to a released result before it is stored (issue 14 items 5 and 7): it is refused when a cell differs from an
/// earlier released cell of the grant by fewer than k subjects, and otherwise fingerprinted for its grant and job.
/// </summary>
public sealed class SandboxReleaseGuard(ResultFingerprintKeys keys, ISandboxCellFingerprintStore cells, SandboxJobOptions options)
{
    /// <summary>
    /// Issue 14 item 5 (M5.1): a <c>full</c> result with a cell 1..k−1 subjects away from a cell of an earlier released result of the
    /// same grant is withheld (rule <see cref="OutputRules.DifferencingAcrossResults"/>, how many cells, never which); a result
    /// that passes leaves its cells' fingerprints for the next one.
    /// </summary>
    public async Task<SandboxResult> CheckDifferencingAsync(SandboxJob job, SandboxResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Released || job.Mode != SandboxMode.Full || result.ReleasedCells.Count == 0)
        {
            return result;
        }

        var key = await keys.ForGrantAsync(job.GrantId, cancellationToken);
        var current = CellFingerprints.Of(key, result.ReleasedCells);
        var earlier = await cells.ListAsync(job.GrantId, current.Select(cell => cell.Key).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        var conflicts = CellFingerprints.Conflicts(current, earlier, options.MinRecordsPerRow);
        if (conflicts == 0)
        {
            // A repeated analysis leaves the same fingerprints: only new ones are written.
            var known = earlier.ToHashSet();
            var fresh = current.Where(cell => !known.Contains(cell)).ToList();
            if (fresh.Count > 0)
            {
                await cells.AddAsync(job.GrantId, fresh, cancellationToken);
            }

            return result;
        }

        var reason = $"{conflicts} cell(s) differ from a cell of an earlier released result of this grant by fewer than {options.MinRecordsPerRow} subjects: together they would single out a few people.";
        var checks = result.Checks is { } outcome
            ? outcome with { Passed = false, Rules = [.. outcome.Rules, new OutputRuleResult(OutputRules.DifferencingAcrossResults, OutputRuleStatus.Failed, [reason])] }
            : new OutputCheckOutcome(false, options.MinRecordsPerRow, 0, 0, [new OutputRuleResult(OutputRules.DifferencingAcrossResults, OutputRuleStatus.Failed, [reason])]);
        return SandboxResult.Unreleased(result.Mode, SandboxStatus.Withheld, SandboxCodes.OutputWithheld,
                $"The result is withheld inside the platform: {reason}", result.Elapsed, result.LoadElapsed, result.LoadNotes, checks)
            with { CheckElapsed = result.CheckElapsed, UsedFields = result.UsedFields };
    }

    /// <summary>
    /// Issue 14 item 7: marks the released file for its grant and job — rows the statement left unordered are put in a keyed
    /// per-job order (the hash is then that of the file as stored) — and fingerprints the bytes with the grant's key.
    /// </summary>
    public async Task<(SandboxResult Result, ResultFingerprint Fingerprint)> FingerprintAsync(SandboxJob job, SandboxResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(result);
        var key = await keys.ForGrantAsync(job.GrantId, cancellationToken);
        var reordered = !result.Ordered && result.Rows.Count > 1;
        if (reordered)
        {
            var rows = ResultFingerprints.Permute(key, job.Id, result.Rows);
            result = result with { Rows = rows, ResultHash = ResultCsv.Hash(result.Columns, rows) };
        }

        return (result, ResultFingerprints.Compute(key, ResultCsv.ToBytes(result.Columns, result.Rows), reordered));
    }
}
