namespace Platform.Domain.Time;

/// <summary>
/// Runs lifecycle durations N times faster so end-to-end runs can watch a 5-working-day review (M4.3) or an
/// agreement expiry (M3.6) pass (docs/lifecycles.md, <c>Platform:TimeCompression</c>). Legal dates stay as the Measures say;
/// only the moment a timer fires is brought forward.
/// </summary>
public sealed class TimeCompression
{
    public static readonly TimeCompression None = new(1);

    public TimeCompression(double factor)
    {
        if (double.IsNaN(factor) || double.IsInfinity(factor) || factor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The time compression factor must be a finite number of at least 1.");
        }

        Factor = factor;
    }

    /// <summary>How many times faster than real time lifecycles run; 1 means real time.</summary>
    public double Factor { get; }

    public bool IsCompressed => Factor > 1;

    /// <summary>The real time that a legal duration takes under compression.</summary>
    public TimeSpan Compress(TimeSpan legalDuration) =>
        IsCompressed ? legalDuration / Factor : legalDuration;

    /// <summary>
    /// When a timer that is legally due at <paramref name="legalDueUtc"/>, counted from <paramref name="anchorUtc"/>
    /// (the moment the lifecycle started waiting), actually fires: anchor + (due − anchor) / factor, never before the anchor.
    /// </summary>
    public DateTime TimerFireTime(DateTime anchorUtc, DateTime legalDueUtc)
    {
        var anchor = AsUtc(anchorUtc, nameof(anchorUtc));
        var due = AsUtc(legalDueUtc, nameof(legalDueUtc));
        if (due <= anchor)
        {
            return anchor;
        }

        return anchor + Compress(due - anchor);
    }

    /// <inheritdoc cref="TimerFireTime(DateTime, DateTime)"/>
    public DateTimeOffset TimerFireTime(DateTimeOffset anchor, DateTimeOffset legalDue) =>
        new(TimerFireTime(anchor.UtcDateTime, legalDue.UtcDateTime), TimeSpan.Zero);

    /// <summary>
    /// The inverse of <see cref="TimerFireTime(DateTime, DateTime)"/>: the legal instant that real instant
    /// <paramref name="actualUtc"/> stands for, counted from <paramref name="anchorUtc"/>.
    /// </summary>
    public DateTime LegalTime(DateTime anchorUtc, DateTime actualUtc)
    {
        var anchor = AsUtc(anchorUtc, nameof(anchorUtc));
        var actual = AsUtc(actualUtc, nameof(actualUtc));
        if (!IsCompressed || actual <= anchor)
        {
            return actual;
        }

        var legalTicks = (actual - anchor).Ticks * Factor;
        var maxTicks = (double)(DateTime.MaxValue.Ticks - anchor.Ticks);
        return legalTicks >= maxTicks ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : anchor.AddTicks((long)legalTicks);
    }

    public override string ToString() => $"x{Factor}";

    private static DateTime AsUtc(DateTime value, string parameterName) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        // Durable Task's CurrentUtcDateTime and values read back from storage can come back Unspecified yet are UTC.
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => throw new ArgumentException("Times must be in UTC.", parameterName),
    };
}
