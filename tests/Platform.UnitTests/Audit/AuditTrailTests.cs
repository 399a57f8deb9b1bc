using Moq;
using Platform.Domain.Audit;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Audit;

public sealed class AuditTrailTests
{
    [Fact]
    public async Task RecordAsync_AnyChange_AppendsOneRecordWithTheSameFields()
    {
        var log = new Mock<IAuditLog>();
        var actor = new Caller("bob", Roles.Operator, "op-1");
        var payload = new { Id = "s-1" };
        var stored = AuditChain.Next(AuditHead.Empty, new AuditRecord(actor, "scenario.created", "scenarios/s-1", payload), DateTimeOffset.UnixEpoch);
        log.Setup(l => l.AppendAsync(It.IsAny<AuditRecord>(), It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var entry = await new AuditTrail(log.Object).RecordAsync(actor, "scenario.created", "scenarios/s-1", payload);

        Assert.Same(stored, entry);
        log.Verify(l => l.AppendAsync(new AuditRecord(actor, "scenario.created", "scenarios/s-1", payload), It.IsAny<CancellationToken>()), Times.Once);
    }
}
