using Microsoft.DurableTask;
using Moq;
using Platform.Domain.Agreements;
using Platform.Orchestrations.Agreements;
using Xunit;

namespace Platform.UnitTests.Agreements;

/// <summary>The exit of an ended agreement (issue 15 item 4, docs/lifecycles.md, M3.6): hold, then destruction with one certificate per grant.</summary>
public sealed class AgreementExitTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Start = new(2026, 6, 1, 2, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Schedule_TerminatedAgreement_HoldRunsFromTheTermination()
    {
        var terminated = Terminated();

        var scheduled = AgreementExitRules.Schedule(terminated, TimeSpan.FromDays(30));

        Assert.Equal(("terminated", Now, Now.AddDays(30)), (scheduled.Exit!.Reason, scheduled.Exit.EndedAt, scheduled.Exit.HoldUntil));
        Assert.Null(scheduled.Exit.DestroyedAt);
        Assert.Same(scheduled, AgreementExitRules.Schedule(scheduled, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Schedule_ExpiredAgreement_HoldRunsFromTheEndOfTheLastDayCst()
    {
        var expired = AgreementRulesTests.NewAgreement() with { Status = AgreementStatus.Expired };

        var scheduled = AgreementExitRules.Schedule(expired, TimeSpan.FromDays(30));

        Assert.Equal(("expired", expired.ExpiresAtUtc.AddDays(30)), (scheduled.Exit!.Reason, scheduled.Exit.HoldUntil));
    }

    [Theory]
    [InlineData(AgreementStatus.Active)]
    [InlineData(AgreementStatus.Signed)]
    [InlineData(AgreementStatus.Expiring)]
    public void Schedule_AgreementNotEnded_ChangesNothing(AgreementStatus status)
    {
        var agreement = AgreementRulesTests.NewAgreement() with { Status = status };

        Assert.Same(agreement, AgreementExitRules.Schedule(agreement, TimeSpan.FromDays(30)));
    }

    [Fact]
    public void Certify_SameGrantTwice_OneCertificate()
    {
        var scheduled = AgreementExitRules.Schedule(Terminated(), TimeSpan.FromDays(30));
        var first = new DestructionCertificate("grt-1", [new DestroyedBlob("library-agr-1", "res-1.csv", 10, new string('a', 64))], Now, "step-1");

        var once = AgreementExitRules.Certify(scheduled, first);
        var twice = AgreementExitRules.Certify(once, first with { Step = "step-2", Blobs = [] });

        Assert.Same(once, twice);
        Assert.Equal(first, Assert.Single(once.Exit!.Certificates));
    }

    [Fact]
    public void MarkCertificateAudited_RecordedCertificate_MarkedOnceOthersUntouched()
    {
        var scheduled = AgreementExitRules.Schedule(Terminated(), TimeSpan.FromDays(30));
        var certified = AgreementExitRules.Certify(AgreementExitRules.Certify(scheduled, Certificate("grt-1")), Certificate("grt-2"));

        var marked = AgreementExitRules.MarkCertificateAudited(certified, "grt-1");

        // A replay of the certifying step finds the certificate recorded but not audited, audits it, then marks it.
        Assert.Equal([false, false], certified.Exit!.Certificates.Select(c => c.Audited));
        Assert.Equal([true, false], marked.Exit!.Certificates.Select(c => c.Audited));
        Assert.Same(marked, AgreementExitRules.MarkCertificateAudited(marked, "grt-1"));
        Assert.Same(marked, AgreementExitRules.MarkCertificateAudited(marked, "grt-unknown"));
    }

    private static DestructionCertificate Certificate(string grantId) =>
        new(grantId, [new DestroyedBlob("library-agr-1", $"{grantId}.csv", 10, new string('a', 64))], Now, "step-1");

    [Fact]
    public void Complete_Twice_KeepsTheFirstDestructionTime()
    {
        var scheduled = AgreementExitRules.Schedule(Terminated(), TimeSpan.FromDays(30));

        var done = AgreementExitRules.Complete(scheduled, Now.AddDays(31));

        Assert.Equal(Now.AddDays(31), done.Exit!.DestroyedAt);
        Assert.Same(done, AgreementExitRules.Complete(done, Now.AddDays(40)));
        var notScheduled = Terminated();
        Assert.Same(notScheduled, AgreementExitRules.Complete(notScheduled, Now));
    }

    [Fact]
    public async Task Run_TwoGrants_WaitsTheCompressedHoldThenInventoriesDeletesAndCertifiesEachInOrder()
    {
        var context = new Mock<TaskOrchestrationContext>(MockBehavior.Strict);
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(Start);
        context.SetupGet(c => c.InstanceId).Returns("agreement-exit-agr-1");
        var timers = new List<DateTime>();
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Callback((DateTime at, CancellationToken _) => timers.Add(at)).Returns(Task.CompletedTask);
        var calls = new List<string>();
        context.Setup(c => c.CallActivityAsync<IReadOnlyList<string>>(new TaskName(nameof(ListAgreementExitGrantsActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback(() => calls.Add("list")).ReturnsAsync(["grt-1", "grt-2"]);
        context.Setup(c => c.CallActivityAsync<IReadOnlyList<DestroyedBlob>>(new TaskName(nameof(InventoryGrantCopiesActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName _, object? input, TaskOptions? _) =>
            {
                var step = (AgreementExitGrantStep)input!;
                calls.Add($"inventory {step.GrantId}");
                return Task.FromResult<IReadOnlyList<DestroyedBlob>>([new DestroyedBlob("library-agr-1", $"{step.GrantId}.csv", 3, new string('b', 64))]);
            });
        context.Setup(c => c.CallActivityAsync<bool>(new TaskName(nameof(DeleteGrantCopiesActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? input, TaskOptions? _) => calls.Add($"delete {((AgreementExitDeletion)input!).Blobs[0].Name}")).ReturnsAsync(true);
        var certifications = new List<AgreementExitCertification>();
        context.Setup(c => c.CallActivityAsync<DestructionCertificate>(new TaskName(nameof(CertifyGrantDestructionActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? input, TaskOptions? _) =>
            {
                certifications.Add((AgreementExitCertification)input!);
                calls.Add($"certify {((AgreementExitCertification)input!).GrantId}");
            })
            .ReturnsAsync(new DestructionCertificate("grt", [], Now, "s"));
        context.Setup(c => c.CallActivityAsync<AgreementExit?>(new TaskName(nameof(CompleteAgreementExitActivity)), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback(() => calls.Add("complete")).ReturnsAsync((AgreementExit?)null);

        var result = await new AgreementExitOrchestrator().RunAsync(context.Object, new AgreementExitInput("agr-1", TimeSpan.FromDays(30).TotalSeconds, 86400));

        Assert.Equal([Start.AddSeconds(30)], timers);
        Assert.Equal(["list", "inventory grt-1", "delete grt-1.csv", "certify grt-1", "inventory grt-2", "delete grt-2.csv", "certify grt-2", "complete"], calls);
        Assert.Equal(["grt-1", "grt-2"], result.GrantsCertified);
        Assert.All(certifications, c => Assert.Equal("DeleteGrantCopiesActivity@agreement-exit-agr-1", c.Step));
        Assert.Equal("grt-2.csv", certifications[1].Blobs[0].Name);
    }

    private static Agreement Terminated() => AgreementRulesTests.NewAgreement() with
    {
        Status = AgreementStatus.Terminated,
        Termination = new AgreementTermination(TerminationGround.Other, "协商解除", Now, "authority-1"),
    };
}
