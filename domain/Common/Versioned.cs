namespace Platform.Domain.Common;

/// <summary>A stored record with the entity tag that guards its next update.</summary>
public sealed record Versioned<T>(T Value, string ETag);
