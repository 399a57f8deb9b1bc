using Platform.Domain.Calendar;
using Xunit;
using static Platform.UnitTests.Calendar.CalendarTestData;

namespace Platform.UnitTests.Calendar;

public sealed class ReviewReminderTests
{
    [Fact]
    public void Compute_OneWorkingDayBeforeDueAfterHoliday_IsTheDayBeforeAtNineCst()
    {
        // Due Fri 2025-10-10: the working day before is Thu 10-09; 09:00 CST is 01:00 UTC.
        var reminder = ReviewReminder.Compute(Date(2025, 10, 10), 1, Shipped);

        Assert.Equal(Date(2025, 10, 9), reminder.RemindOn);
        Assert.Equal(new DateTimeOffset(2025, 10, 9, 1, 0, 0, TimeSpan.Zero), reminder.RemindAtUtc);
        Assert.Empty(reminder.FallbackYears);
    }

    [Fact]
    public void Compute_TwoWorkingDaysBeforeDue_SkipsTheWholeHoliday()
    {
        // Before Fri 10-10: Thu 10-09 (1), then 10-08..10-01 off, Tue 09-30 (2).
        var reminder = ReviewReminder.Compute(Date(2025, 10, 10), 2, Shipped);

        Assert.Equal(Date(2025, 9, 30), reminder.RemindOn);
    }

    [Fact]
    public void Compute_ZeroWorkingDaysBefore_IsTheDueDateAtTheChosenTime()
    {
        var reminder = ReviewReminder.Compute(Date(2026, 3, 9), 0, Shipped, new TimeOnly(14, 30));

        Assert.Equal(Date(2026, 3, 9), reminder.RemindOn);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 6, 30, 0, TimeSpan.Zero), reminder.RemindAtUtc);
    }

    [Fact]
    public void Compute_YearWithoutCalendar_ReportsFallback()
    {
        var reminder = ReviewReminder.Compute(Date(2030, 1, 8), 1, Shipped);

        Assert.Equal(Date(2030, 1, 7), reminder.RemindOn);
        Assert.Equal([2030], reminder.FallbackYears);
    }

    [Fact]
    public void ForDeadline_ReminderAfterSubmission_ReturnsIt()
    {
        var deadline = ReviewDeadline.Compute(AtCst(2025, 9, 26, 10), 5, Shipped);

        var reminder = ReviewReminder.ForDeadline(deadline, 1, Shipped);

        Assert.NotNull(reminder);
        Assert.Equal(Date(2025, 10, 9), reminder.RemindOn);
    }

    [Fact]
    public void ForDeadline_ReminderNotAfterSubmission_ReturnsNull()
    {
        // Five working days before the due date is day 0 itself, 09:00 CST — before the 10:00 submission.
        var deadline = ReviewDeadline.Compute(AtCst(2026, 3, 2, 10), 5, Shipped);

        Assert.Null(ReviewReminder.ForDeadline(deadline, 5, Shipped));
    }

    [Fact]
    public void Compute_NegativeWorkingDays_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReviewReminder.Compute(Date(2026, 3, 9), -1, Shipped));
    }
}
