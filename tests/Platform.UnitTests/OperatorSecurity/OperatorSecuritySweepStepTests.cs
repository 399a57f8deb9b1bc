using Moq;
using Platform.Domain.Audit;
using Platform.Domain.Notifications;
using Platform.Domain.OperatorSecurity;
using Platform.Domain.Personnel;
using Platform.UnitTests.Personnel;
using Xunit;
using static Platform.UnitTests.Oversight.OversightTestData;

namespace Platform.UnitTests.OperatorSecurity;

public sealed class OperatorSecuritySweepStepTests
{
    [Fact]
    public async Task SweepAsync_OverdueTwiceThenAfterTheGrace_OperatorToldOnceThenAuthorityOnce()
    {
        var signedAt = Now.AddYears(-2);
        var agreements = AgreementStore(SignedAgreement("agr-1", signedAt, Platform.Domain.Time.ChinaTime.LegalDate(signedAt), Platform.Domain.Time.ChinaTime.LegalDate(signedAt).AddYears(4))).Object;
        var store = new InMemoryOperatorSecurityStore();
        var personnel = new Mock<IPersonnelStore>();
        personnel.Setup(p => p.QueryAsync("org-op-1", It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(((IReadOnlyList<StaffMember>)[new StaffMember("stf-1", "org-op-1", "李四", "h", "m", true, FilingState.Filed, null, null, signedAt, "op")], (string?)null));
        var outbox = new Mock<INotificationOutbox>();
        var sent = new List<Notification>();
        outbox.Setup(o => o.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>())).Callback((Notification n, CancellationToken _) => sent.Add(n)).Returns(Task.CompletedTask);
        var service = new OperatorSecurityService(store, personnel.Object, agreements, Mock.Of<IAuditTrail>(), new FixedClock(Now), SecurityDutyPeriods.Default);
        var step = new OperatorSecuritySweepStep(agreements, store, service, outbox.Object, SecurityDutyPeriods.Default, new SecurityEscalationGrace(TimeSpan.FromDays(7)));

        var first = await step.SweepAsync(Now);
        var again = await step.SweepAsync(Now.AddDays(1));
        var escalated = await step.SweepAsync(Now.AddDays(7));
        var afterwards = await step.SweepAsync(Now.AddDays(8));

        Assert.Equal((5, 0, 5, 0), (first, again, escalated, afterwards));
        Assert.Equal(5, sent.Count(n => n.Recipient == Recipient.Organization("org-op-1") && n.Id.EndsWith("-overdue", StringComparison.Ordinal)));
        Assert.Equal(5, sent.Count(n => n.Recipient == Recipient.Role("authority") && n.Id.EndsWith("-escalated", StringComparison.Ordinal)));
        Assert.Contains(sent, n => n.Subject.Contains("数据安全教育培训", StringComparison.Ordinal) && n.Target == "operators/org-op-1/security");
        Assert.Equal(10, sent.Count);
    }

    [Fact]
    public async Task SweepAsync_TerminatedAgreementOnly_NothingFlagged()
    {
        var signedAt = Now.AddYears(-2);
        var terminated = SignedAgreement("agr-1", signedAt, new DateOnly(2024, 12, 1), new DateOnly(2028, 1, 1), termination: new Platform.Domain.Agreements.AgreementTermination(Platform.Domain.Agreements.TerminationGround.Other, "协商", Now, "a"));
        var agreements = AgreementStore(terminated).Object;
        var store = new InMemoryOperatorSecurityStore();
        var outbox = new Mock<INotificationOutbox>();
        var service = new OperatorSecurityService(store, Mock.Of<IPersonnelStore>(), agreements, Mock.Of<IAuditTrail>(), new FixedClock(Now), SecurityDutyPeriods.Default);
        var step = new OperatorSecuritySweepStep(agreements, store, service, outbox.Object, SecurityDutyPeriods.Default, new SecurityEscalationGrace(TimeSpan.Zero));

        Assert.Equal(0, await step.SweepAsync(Now));
        outbox.Verify(o => o.SendAsync(It.IsAny<Notification>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}

/// <summary>The Table store's contract in memory: flags are conditional inserts, escalation is set once.</summary>
public sealed class InMemoryOperatorSecurityStore : IOperatorSecurityStore
{
    private readonly Dictionary<string, (SecurityProfile Profile, string ETag)> _profiles = [];
    private readonly List<TrainingSession> _trainings = [];
    private readonly Dictionary<string, (SecurityAssessment Value, string ETag)> _assessments = [];
    private readonly Dictionary<(string, string), SecurityDutyFlag> _flags = [];
    private int _version;

    public Task<Versioned<SecurityProfile>?> GetProfileAsync(string operatorId, CancellationToken cancellationToken = default)
        => Task.FromResult(_profiles.TryGetValue(operatorId, out var p) ? new Versioned<SecurityProfile>(p.Profile, p.ETag) : null);

    public Task<string> SaveProfileAsync(SecurityProfile profile, string? ifMatch, CancellationToken cancellationToken = default)
    {
        var etag = $"e{++_version}";
        _profiles[profile.OperatorId] = (profile, etag);
        return Task.FromResult(etag);
    }

    public Task AddTrainingAsync(TrainingSession session, CancellationToken cancellationToken = default)
    {
        _trainings.Add(session);
        return Task.CompletedTask;
    }

    public Task<(IReadOnlyList<TrainingSession> Items, string? ContinuationToken)> ListTrainingsAsync(string operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult(((IReadOnlyList<TrainingSession>)_trainings.Where(t => t.OperatorId == operatorId).OrderByDescending(t => t.HeldOn).Take(pageSize).ToList(), (string?)null));

    public Task<IReadOnlyList<TrainingSession>> ListTrainingsSinceAsync(string operatorId, DateOnly from, CancellationToken cancellationToken = default)
        => Task.FromResult((IReadOnlyList<TrainingSession>)_trainings.Where(t => t.OperatorId == operatorId && t.HeldOn >= from).ToList());

    public Task<string> AddAssessmentAsync(SecurityAssessment assessment, CancellationToken cancellationToken = default)
    {
        var etag = $"e{++_version}";
        _assessments[assessment.Id] = (assessment, etag);
        return Task.FromResult(etag);
    }

    public Task<Versioned<SecurityAssessment>?> GetAssessmentAsync(string operatorId, string assessmentId, CancellationToken cancellationToken = default)
        => Task.FromResult(_assessments.TryGetValue(assessmentId, out var a) && a.Value.OperatorId == operatorId ? new Versioned<SecurityAssessment>(a.Value, a.ETag) : null);

    public Task<string> ReplaceAssessmentAsync(SecurityAssessment assessment, string ifMatch, CancellationToken cancellationToken = default)
        => AddAssessmentAsync(assessment, cancellationToken);

    public Task<(IReadOnlyList<SecurityAssessment> Items, string? ContinuationToken)> ListAssessmentsAsync(string operatorId, int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        => Task.FromResult((ListAll(operatorId).Take(pageSize).ToList() as IReadOnlyList<SecurityAssessment>, (string?)null));

    public Task<IReadOnlyList<SecurityAssessment>> ListAllAssessmentsAsync(string operatorId, CancellationToken cancellationToken = default)
        => Task.FromResult((IReadOnlyList<SecurityAssessment>)ListAll(operatorId).ToList());

    public Task<IReadOnlyList<SecurityDutyFlag>> ListFlagsAsync(string operatorId, CancellationToken cancellationToken = default)
        => Task.FromResult((IReadOnlyList<SecurityDutyFlag>)_flags.Values.Where(f => f.OperatorId == operatorId).ToList());

    public Task<bool> TryAddFlagAsync(SecurityDutyFlag flag, CancellationToken cancellationToken = default)
        => Task.FromResult(_flags.TryAdd((flag.OperatorId, flag.ItemKey), flag));

    public Task<bool> TryMarkEscalatedAsync(string operatorId, string itemKey, DateTimeOffset escalatedAt, CancellationToken cancellationToken = default)
    {
        if (!_flags.TryGetValue((operatorId, itemKey), out var flag) || flag.EscalatedAt is not null)
        {
            return Task.FromResult(false);
        }

        _flags[(operatorId, itemKey)] = flag with { EscalatedAt = escalatedAt };
        return Task.FromResult(true);
    }

    private IEnumerable<SecurityAssessment> ListAll(string operatorId) => _assessments.Values.Select(a => a.Value).Where(a => a.OperatorId == operatorId).OrderByDescending(a => a.ConductedOn);
}
