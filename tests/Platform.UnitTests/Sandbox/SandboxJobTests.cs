using Platform.Domain.Errors;
using Platform.Domain.Sandbox;
using Xunit;

namespace Platform.UnitTests.Sandbox;

public class SandboxJobTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 2, 0, 0, TimeSpan.Zero);

    private static SandboxJob Queued() => new("job-1", "grant-1", "org-1", "staff-1", SandboxMode.Full, "SELECT 1", SandboxJobStatus.Queued, Now);

    private static SandboxResult Result(SandboxStatus status, string? hash = null) =>
        new(SandboxMode.Full, status, status == SandboxStatus.Released ? null : SandboxCodes.OutputWithheld, null, [], [], false, null, hash, TimeSpan.Zero, TimeSpan.Zero, []);

    [Theory]
    [InlineData("sample", SandboxMode.Sample)]
    [InlineData("full", SandboxMode.Full)]
    public void ParseSubmission_ValidMode_Parsed(string mode, SandboxMode expected)
    {
        Assert.Equal(expected, SandboxJobRules.ParseSubmission(mode, "SELECT 1"));
    }

    [Fact]
    public void ParseSubmission_BadModeAndNoSql_BadRequestKeyedByField()
    {
        var error = Assert.Throws<DomainException>(() => SandboxJobRules.ParseSubmission("everything", " "));

        Assert.Equal(FailureKind.BadRequest, error.Kind);
        Assert.Equal(SandboxJobRules.InvalidJobCode, error.Code);
        Assert.Equal(["mode", "sql"], error.Errors!.Keys.Order());
    }

    [Fact]
    public void StartThenFinish_Released_KeepsHash()
    {
        var job = SandboxJobRules.Finish(SandboxJobRules.Start(Queued(), Now), Result(SandboxStatus.Released, "abc"), Now.AddSeconds(2));

        Assert.Equal(SandboxJobStatus.Released, job.Status);
        Assert.Equal("abc", job.ResultHash);
        Assert.Equal(Now.AddSeconds(2), job.FinishedAt);
    }

    [Fact]
    public void Finish_Withheld_NoHash()
    {
        var job = SandboxJobRules.Finish(SandboxJobRules.Start(Queued(), Now), Result(SandboxStatus.Withheld, "abc"), Now);

        Assert.Equal(SandboxJobStatus.Withheld, job.Status);
        Assert.Null(job.ResultHash);
        Assert.Equal(SandboxCodes.OutputWithheld, job.Code);
    }

    [Fact]
    public void Finish_QueuedJob_Conflict()
    {
        var error = Assert.Throws<DomainException>(() => SandboxJobRules.Finish(Queued(), Result(SandboxStatus.Released), Now));

        Assert.Equal(FailureKind.Conflict, error.Kind);
        Assert.Equal(SandboxJobRules.JobStateCode, error.Code);
    }

    [Fact]
    public void Cancel_RunningJob_Cancelled()
    {
        var job = SandboxJobRules.Cancel(SandboxJobRules.Start(Queued(), Now), "grant revoked", Now);

        Assert.Equal(SandboxJobStatus.Cancelled, job.Status);
        Assert.Equal("grant revoked", job.Detail);
    }

    [Fact]
    public void Cancel_FinishedJob_Unchanged()
    {
        var finished = SandboxJobRules.Finish(SandboxJobRules.Start(Queued(), Now), Result(SandboxStatus.Released, "abc"), Now);

        Assert.Same(finished, SandboxJobRules.Cancel(finished, "grant revoked", Now));
    }
}
