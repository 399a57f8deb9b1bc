using Microsoft.DurableTask;
using Platform.Domain.DataRequests;
using Platform.Domain.Grants;

namespace Platform.Orchestrations.DataRequests;

public sealed record DataRequestSlotRequest(string DataRequestId, string Slot);

/// <summary>A review's deadline passed (<paramref name="Escalation"/> 1) or a further deadline period after it (2, 3, …).</summary>
public sealed record DataRequestEscalation(string DataRequestId, string Slot, int Escalation);

public sealed record DataRequestProvisioningFailure(string DataRequestId, string Slot, string Error);

/// <summary>Computes each provider's deadline on the working-day calendar (calendar I/O happens here, not in the orchestrator).</summary>
public sealed class ScheduleDataRequestReviewActivity(DataRequestReviewSchedule schedule) : TaskActivity<string, DataRequestReviewPlan>
{
    public override Task<DataRequestReviewPlan> RunAsync(TaskActivityContext context, string input) => schedule.ScheduleAsync(input);
}

/// <summary>Signs the provider's link and sends its review task through the outbox; repeating it sends nothing new.</summary>
public sealed class IssueDataRequestReviewTaskActivity(DataRequestReviewTasks tasks) : TaskActivity<DataRequestSlotRequest, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, DataRequestSlotRequest input)
    {
        await tasks.IssueReviewTaskAsync(input.DataRequestId, input.Slot);
        return input.Slot;
    }
}

/// <summary>Reminds a provider before its deadline; returns the request's status.</summary>
public sealed class RemindDataRequestReviewActivity(DataRequestReviewTasks tasks) : TaskActivity<DataRequestSlotRequest, DataRequestStatus>
{
    public override Task<DataRequestStatus> RunAsync(TaskActivityContext context, DataRequestSlotRequest input) => tasks.RemindAsync(input.DataRequestId, input.Slot);
}

/// <summary>Files the decision on record for a slot (link or authenticated route) as its event arrives.</summary>
public sealed class RecordDataRequestDecisionActivity(DataRequestDecisions decisions) : TaskActivity<DataRequestSlotRequest, DataRequestDecisionOutcome>
{
    public override Task<DataRequestDecisionOutcome> RunAsync(TaskActivityContext context, DataRequestSlotRequest input) => decisions.RecordDecisionAsync(input.DataRequestId, input.Slot);
}

/// <summary>Marks an open review overdue, tells the authority and reminds the provider; recovers a decision whose event was lost.</summary>
public sealed class EscalateDataRequestReviewActivity(DataRequestDecisions decisions) : TaskActivity<DataRequestEscalation, DataRequestEscalationOutcome>
{
    public override Task<DataRequestEscalationOutcome> RunAsync(TaskActivityContext context, DataRequestEscalation input)
        => decisions.EscalateAsync(input.DataRequestId, input.Slot, input.Escalation);
}

/// <summary>Copies the approved fields into the library, queues the masked samples and issues the grant; returns the grant id (null: nothing to provision).</summary>
public sealed class ProvisionDataRequestActivity(GrantProvisioning grants, DataRequestDecisions decisions) : TaskActivity<DataRequestSlotRequest, string?>
{
    public override async Task<string?> RunAsync(TaskActivityContext context, DataRequestSlotRequest input)
    {
        var grant = await grants.ProvisionAsync(input.DataRequestId, input.Slot);
        if (grant is not null)
        {
            await decisions.MarkProvisionedAsync(input.DataRequestId, input.Slot, null);
        }

        return grant?.Id;
    }
}

/// <summary>Records that provisioning gave up after its retries and tells the authority.</summary>
public sealed class ReportDataRequestProvisioningFailureActivity(DataRequestDecisions decisions) : TaskActivity<DataRequestProvisioningFailure, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, DataRequestProvisioningFailure input)
    {
        await decisions.MarkProvisionedAsync(input.DataRequestId, input.Slot, input.Error);
        return input.Slot;
    }
}

/// <summary>Tells the operator the result once every review is decided.</summary>
public sealed class CompleteDataRequestActivity(DataRequestDecisions decisions) : TaskActivity<string, DataRequestStatus>
{
    public override Task<DataRequestStatus> RunAsync(TaskActivityContext context, string input) => decisions.CompleteAsync(input);
}
