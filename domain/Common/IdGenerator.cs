namespace Platform.Domain.Common;

/// <summary>Mints record ids (see <see cref="ResourceId"/>); a service so tests can pin the time.</summary>
public sealed class IdGenerator(TimeProvider timeProvider)
{
    public string New(string prefix) => ResourceId.New(prefix, timeProvider.GetUtcNow());
}
