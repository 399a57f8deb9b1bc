using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Platform.Domain.Agreements;
using Platform.Functions.Workflows;
using Platform.Orchestrations.Agreements;

namespace Platform.Functions.Agreements;

/// <summary>Thin Functions wrappers of the agreement-exit orchestrator and its activities (class-based, in orchestrations/).</summary>
public sealed class AgreementExitFunctions(
    ListAgreementExitGrantsActivity listGrants,
    InventoryGrantCopiesActivity inventory,
    DeleteGrantCopiesActivity delete,
    CertifyGrantDestructionActivity certify,
    CompleteAgreementExitActivity complete)
{
    [Function(nameof(AgreementExitOrchestrator))]
    public Task<AgreementExitResult> RunExit([OrchestrationTrigger] TaskOrchestrationContext context, AgreementExitInput input)
        => new AgreementExitOrchestrator().RunAsync(context, input);

    [Function(nameof(ListAgreementExitGrantsActivity))]
    public Task<IReadOnlyList<string>> ListGrants([ActivityTrigger] AgreementExitRequest input)
        => listGrants.RunAsync(FunctionActivityContext.For(nameof(ListAgreementExitGrantsActivity)), input);

    [Function(nameof(InventoryGrantCopiesActivity))]
    public Task<IReadOnlyList<DestroyedBlob>> Inventory([ActivityTrigger] AgreementExitGrantStep input)
        => inventory.RunAsync(FunctionActivityContext.For(nameof(InventoryGrantCopiesActivity)), input);

    [Function(nameof(DeleteGrantCopiesActivity))]
    public Task<bool> Delete([ActivityTrigger] AgreementExitDeletion input)
        => delete.RunAsync(FunctionActivityContext.For(nameof(DeleteGrantCopiesActivity)), input);

    [Function(nameof(CertifyGrantDestructionActivity))]
    public Task<DestructionCertificate> Certify([ActivityTrigger] AgreementExitCertification input)
        => certify.RunAsync(FunctionActivityContext.For(nameof(CertifyGrantDestructionActivity)), input);

    [Function(nameof(CompleteAgreementExitActivity))]
    public Task<AgreementExit?> Complete([ActivityTrigger] AgreementExitRequest input)
        => complete.RunAsync(FunctionActivityContext.For(nameof(CompleteAgreementExitActivity)), input);
}
