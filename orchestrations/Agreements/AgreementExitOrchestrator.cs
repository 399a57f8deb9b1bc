using Microsoft.DurableTask;
using Platform.Domain.Agreements;
using Platform.Domain.Time;

namespace Platform.Orchestrations.Agreements;

public sealed record AgreementExitResult(string AgreementId, IReadOnlyList<string> GrantsCertified);

/// <summary>
/// The exit of an ended agreement (docs/lifecycles.md, M3.6), instance <c>agreement-exit-{agreementId}</c>: waits out the hold
/// with a durable timer (compressed like every lifecycle), then for each grant inventories its copies (SHA-256 read
/// before anything is deleted), deletes them and records the destruction certificate, and finally marks the exit done.
/// Every step is an idempotent activity, so a host killed between or inside steps finishes them on restart with each
/// certificate written once. Suspension of the operator does not stop it: nothing here asks about the operator.
/// </summary>
public sealed class AgreementExitOrchestrator : TaskOrchestrator<AgreementExitInput, AgreementExitResult>
{
    public override async Task<AgreementExitResult> RunAsync(TaskOrchestrationContext context, AgreementExitInput input)
    {
        var compression = new TimeCompression(input.TimeCompression);
        await context.CreateTimer(context.CurrentUtcDateTime + compression.Compress(TimeSpan.FromSeconds(input.HoldSeconds)), CancellationToken.None);

        var request = new AgreementExitRequest(input.AgreementId);
        var grantIds = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(ListAgreementExitGrantsActivity), request);
        var certified = new List<string>();
        foreach (var grantId in grantIds)
        {
            var blobs = await context.CallActivityAsync<IReadOnlyList<DestroyedBlob>>(nameof(InventoryGrantCopiesActivity), new AgreementExitGrantStep(input.AgreementId, grantId));
            await context.CallActivityAsync<bool>(nameof(DeleteGrantCopiesActivity), new AgreementExitDeletion(input.AgreementId, grantId, blobs));
            var step = $"{nameof(DeleteGrantCopiesActivity)}@{context.InstanceId}";
            await context.CallActivityAsync<DestructionCertificate>(nameof(CertifyGrantDestructionActivity), new AgreementExitCertification(input.AgreementId, grantId, blobs, step));
            certified.Add(grantId);
        }

        await context.CallActivityAsync<AgreementExit?>(nameof(CompleteAgreementExitActivity), request);
        return new AgreementExitResult(input.AgreementId, certified);
    }
}
