using Platform.Domain.Errors;

namespace Platform.Domain.Common;

/// <summary>
/// The read-change-replace loop of the services whose records several writers change at once (parallel decisions,
/// revocation steps, sweeps): a replace that loses the ETag race reads the record again and applies the change on top.
/// </summary>
public static class OptimisticChange
{
    /// <summary>How many times a change is tried before the last <see cref="FailureKind.PreconditionFailed"/> escapes.</summary>
    public const int MaxAttempts = 10;

    /// <summary>
    /// Reads the record, applies <paramref name="change"/> and replaces it under the read ETag, again on a lost race.
    /// A change that returns the same instance writes nothing and reports <c>Changed = false</c>; a missing record
    /// throws <paramref name="notFound"/>.
    /// </summary>
    public static async Task<(T Value, bool Changed)> ApplyAsync<T>(
        Func<CancellationToken, Task<Versioned<T>?>> read,
        Func<T, string, CancellationToken, Task<string>> replace,
        Func<T, T> change,
        Func<DomainException> notFound,
        CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await read(cancellationToken) ?? throw notFound();
            var updated = change(current.Value);
            if (ReferenceEquals(updated, current.Value))
            {
                return (current.Value, false);
            }

            try
            {
                await replace(updated, current.ETag, cancellationToken);
                return (updated, true);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed && attempt < MaxAttempts)
            {
                // Another writer won the race: read its version and apply this change again on top.
            }
        }
    }
}
