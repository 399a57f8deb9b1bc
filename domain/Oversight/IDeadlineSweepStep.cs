namespace Platform.Domain.Oversight;

/// <summary>
/// One kind of deadline the daily sweep looks at (filings, quality tickets, evaluations...). Each feature plugs its
/// own step in; a step must be idempotent (the sweep may run twice for the same day) and report how many items it
/// flagged or escalated this time.
/// </summary>
public interface IDeadlineSweepStep
{
    string Name { get; }

    Task<int> SweepAsync(DateTimeOffset nowUtc, CancellationToken cancellationToken = default);
}
