using Microsoft.DurableTask;
using Platform.Domain.Agreements;

namespace Platform.Orchestrations.Agreements;

public sealed record AgreementMilestoneReached(string AgreementId, AgreementMilestoneKind Kind);

public sealed record RevokeAgreementRequest(string AgreementId, string Reason);

/// <summary>Records a reached milestone (status, overdue flag, reminders) and notifies; idempotent under redelivery.</summary>
public sealed class RecordAgreementMilestoneActivity(AgreementService agreements) : TaskActivity<AgreementMilestoneReached, AgreementStatus>
{
    public override Task<AgreementStatus> RunAsync(TaskActivityContext context, AgreementMilestoneReached input)
        => agreements.RecordMilestoneAsync(input.AgreementId, input.Kind);
}

/// <summary>Runs the revocation steps of an ended agreement; repeating it changes nothing.</summary>
public sealed class RevokeAgreementActivity(AgreementService agreements) : TaskActivity<RevokeAgreementRequest, AgreementRevocation>
{
    public override Task<AgreementRevocation> RunAsync(TaskActivityContext context, RevokeAgreementRequest input)
        => agreements.RevokeAsync(input.AgreementId, input.Reason);
}
