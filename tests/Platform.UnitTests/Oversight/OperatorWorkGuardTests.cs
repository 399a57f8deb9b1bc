using System.Reflection;
using Moq;
using Platform.Domain.DataRequests;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Oversight;
using Platform.Domain.Products;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Oversight;

public sealed class OperatorWorkGuardTests
{
    /// <summary>
    /// Every operator command that starts work, with the class that runs the suspension guard for it (M5.5). A new
    /// command that starts work belongs in this list.
    /// </summary>
    public static TheoryData<string, Type> Commands => new()
    {
        { "POST /api/scenarios (submit)", typeof(ScenarioService) },
        { "POST /api/scenarios/{id}/resubmission", typeof(ScenarioService) },
        { "POST /api/data-requests", typeof(DataRequestSubmission) },
        { "POST /api/sandbox/jobs (through its grant)", typeof(GrantService) },
        { "POST /api/masking/jobs (staff)", typeof(MaskingJobAccess) },
        { "POST /api/products (operator or developer)", typeof(ProductDrafting) },
        { "POST /api/products/{id}/resubmission", typeof(ProductCommands) },
        { "POST /api/products/{id}/calls", typeof(ProductCallService) },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Command_StartingWork_RunsTheOperatorAccessGuard(string command, Type runner)
    {
        var constructor = Assert.Single(runner.GetConstructors(BindingFlags.Public | BindingFlags.Instance));

        Assert.True(constructor.GetParameters().Any(p => p.ParameterType == typeof(IOperatorAccessGuard)), $"{command}: {runner.Name} does not take the suspension guard.");
    }

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Personnel)]
    public async Task EnsureMayStartWork_OperatorOrItsStaffWhileSuspended_Throws(string role)
    {
        var guard = new Mock<IOperatorAccessGuard>();
        guard.Setup(g => g.EnsureNotSuspendedAsync("org-op", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DomainException(FailureKind.Forbidden, "operator.suspended", "suspended"));

        var error = await Assert.ThrowsAsync<DomainException>(() => guard.Object.EnsureMayStartWorkAsync(new Caller("u", role, "org-op")));

        Assert.Equal("operator.suspended", error.Code);
    }

    [Theory]
    [InlineData(Roles.Provider)]
    [InlineData(Roles.Authority)]
    public async Task EnsureMayStartWork_ProviderOrAuthority_NotAsked(string role)
    {
        var guard = new Mock<IOperatorAccessGuard>(MockBehavior.Strict);

        await guard.Object.EnsureMayStartWorkAsync(new Caller("u", role, "org-x"));

        guard.VerifyNoOtherCalls();
    }
}
