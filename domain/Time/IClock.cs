namespace Platform.Domain.Time;

/// <summary>The platform's only source of "now" outside orchestrations (which use their own replay-safe time).</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}
