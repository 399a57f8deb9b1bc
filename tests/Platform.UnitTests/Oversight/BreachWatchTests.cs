using Moq;
using Platform.Domain.Agreements;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.Oversight;
using Platform.Domain.Time;
using Platform.Orchestrations.Oversight;
using Platform.UnitTests.Orchestration;
using Platform.UnitTests.Personnel;
using Xunit;
using static Platform.UnitTests.Oversight.OversightTestData;

namespace Platform.UnitTests.Oversight;

public sealed class BreachWatchTests
{
    private static readonly DateTime Anchor = new(2026, 11, 27, 4, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void DeadlineUtc_RectifyByDate_EndOfThatDayInChinaStandardTime()
    {
        Assert.Equal(new DateTime(2026, 12, 10, 16, 0, 0, DateTimeKind.Utc), BreachWatchRules.DeadlineUtc(new DateOnly(2026, 12, 10)));
    }

    [Fact]
    public void ReminderUtc_LongPeriod_ThreeDaysBeforeTheDeadline()
    {
        var deadline = Anchor.AddDays(30);

        Assert.Equal(deadline.AddDays(-3), BreachWatchRules.ReminderUtc(Anchor, deadline));
    }

    [Fact]
    public void ReminderUtc_ShortPeriod_HalfwayAndNeverBeforeTheAnchor()
    {
        Assert.Equal(Anchor.AddHours(10), BreachWatchRules.ReminderUtc(Anchor, Anchor.AddHours(20)));
        Assert.Equal(Anchor, BreachWatchRules.ReminderUtc(Anchor, Anchor.AddHours(-1)));
    }

    [Fact]
    public void StillOpen_RectifiedMissingOrAgreementEnded_False()
    {
        var breach = new Breach("brc-1", "超范围使用数据", new DateOnly(2026, 12, 10), Now, "authority-1");
        var agreement = SignedAgreement("agr-1", Now.AddYears(-1), new DateOnly(2025, 12, 1), new DateOnly(2028, 1, 1)) with { Breaches = [breach] };

        Assert.True(BreachWatchRules.StillOpen(agreement, "brc-1"));
        Assert.False(BreachWatchRules.StillOpen(agreement with { Breaches = [breach with { RectifiedAt = Now }] }, "brc-1"));
        Assert.False(BreachWatchRules.StillOpen(agreement, "brc-other"));
        Assert.False(BreachWatchRules.StillOpen(agreement with { Status = AgreementStatus.Terminated }, "brc-1"));
        Assert.False(BreachWatchRules.StillOpen(null, "brc-1"));
    }

    [Fact]
    public async Task Run_NotRectified_RemindsAtTheReminderThenEscalatesAtTheCompressedDeadline()
    {
        var context = new ScriptedOrchestrationContext<BreachRectifiedEvent>(BreachWatchService.RectifiedEventName);
        context.TimerFires();
        context.TimerFires();
        var calls = new List<string>();
        context.OnActivity<bool>(nameof(RemindBreachActivity), _ => { calls.Add("remind"); return true; });
        context.OnActivity<bool>(nameof(EscalateBreachActivity), _ => { calls.Add("escalate"); return true; });
        var input = new BreachWatchInput("agr-1", "brc-1", Anchor, Anchor.AddDays(7), Anchor.AddDays(10), 86400);

        var result = await context.RunAsync(c => new BreachWatchOrchestrator().RunAsync(c, input));

        Assert.Equal(BreachWatchOrchestrator.EscalatedOutcome, result.Outcome);
        Assert.Equal(["remind", "escalate"], calls);
        Assert.Equal([Anchor.AddSeconds(7), Anchor.AddSeconds(10)], context.TimerFireTimes);
    }

    [Fact]
    public async Task Run_RectifiedBeforeTheReminder_NeitherRemindsNorEscalatesAndCancelsTheTimer()
    {
        var context = new ScriptedOrchestrationContext<BreachRectifiedEvent>(BreachWatchService.RectifiedEventName);
        context.Raise(new BreachRectifiedEvent("agr-1", "brc-1"));
        context.NoMoreEvents();

        var result = await context.RunAsync(c => new BreachWatchOrchestrator().RunAsync(c, new BreachWatchInput("agr-1", "brc-1", Anchor, Anchor.AddDays(7), Anchor.AddDays(10), 1)));

        Assert.Equal(BreachWatchOrchestrator.RectifiedOutcome, result.Outcome);
        Assert.True(Assert.Single(context.TimerTokens).IsCancellationRequested);
    }

    [Fact]
    public async Task Run_RectifiedAfterTheReminder_EndsWithoutEscalation()
    {
        var context = new ScriptedOrchestrationContext<BreachRectifiedEvent>(BreachWatchService.RectifiedEventName);
        context.TimerFires();
        var later = context.RaiseLater();
        var escalated = false;
        context.OnActivity<bool>(nameof(RemindBreachActivity), _ => { later.SetResult(new BreachRectifiedEvent("agr-1", "brc-1")); return true; });
        context.OnActivity<bool>(nameof(EscalateBreachActivity), _ => escalated = true);

        var result = await context.RunAsync(c => new BreachWatchOrchestrator().RunAsync(c, new BreachWatchInput("agr-1", "brc-1", Anchor, Anchor.AddDays(7), Anchor.AddDays(10), 1)));

        Assert.Equal((BreachWatchOrchestrator.RectifiedOutcome, false), (result.Outcome, escalated));
    }

    [Fact]
    public async Task EscalateAsync_UnrectifiedAtTheDeadline_AuthorityToldOnceWithFixedIdAndAudited()
    {
        var breach = new Breach("brc-1", "超范围使用数据", new DateOnly(2026, 11, 27), Now, "authority-1");
        var agreement = SignedAgreement("agr-1", Now.AddYears(-1), new DateOnly(2025, 12, 1), new DateOnly(2028, 1, 1)) with { Breaches = [breach] };
        var agreements = new Mock<IAgreementStore>();
        agreements.Setup(a => a.GetAsync("agr-1", It.IsAny<CancellationToken>())).ReturnsAsync(new Versioned<Agreement>(agreement, "e"));
        var outbox = new Mock<INotificationOutbox>();
        var audit = new RecordingAuditTrail();
        var service = new BreachWatchService(agreements.Object, outbox.Object, audit, new FixedClock(Now), TimeCompression.None);

        var escalated = await service.EscalateAsync(new BreachWatchStep("agr-1", "brc-1"));

        Assert.True(escalated);
        outbox.Verify(o => o.SendAsync(It.Is<Notification>(n => n.Id == "brc-1-escalated" && n.Recipient == Recipient.Role("authority") && n.Target == "agreements/agr-1"), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains(audit.Records, e => e.Action == "agreement.breach_escalated");
    }
}
