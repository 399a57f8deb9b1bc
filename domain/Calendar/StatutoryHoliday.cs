namespace Platform.Domain.Calendar;

/// <summary>
/// One day off under the State Council's annual holiday notice (放假调休 days included, weekends too when the notice
/// lists them). <paramref name="Name"/> is the Chinese name as the notice gives it; <paramref name="NameEn"/> is optional.
/// </summary>
public sealed record StatutoryHoliday(DateOnly Date, string Name, string? NameEn = null);
