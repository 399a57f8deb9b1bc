using Microsoft.DurableTask;
using Platform.Domain.Agreements;
using Platform.Domain.Workflows;

namespace Platform.Orchestrations.Agreements;

public sealed record AgreementExitRequest(string AgreementId);

/// <summary>
/// Records the hold of an ended agreement and starts its exit orchestration (idempotent start by instance id). Its
/// Functions wrapper hands in the durable client, which is why it takes the gateway rather than deriving from TaskActivity.
/// </summary>
public sealed class BeginAgreementExitActivity(AgreementExitService exits)
{
    public Task<AgreementExit?> RunAsync(AgreementExitRequest input, IWorkflowGateway workflows)
    {
        ArgumentNullException.ThrowIfNull(input);
        return exits.BeginAsync(input.AgreementId, workflows);
    }
}

/// <summary>The grants of the agreement whose copies the exit destroys.</summary>
public sealed class ListAgreementExitGrantsActivity(AgreementExitService exits) : TaskActivity<AgreementExitRequest, IReadOnlyList<string>>
{
    public override Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, AgreementExitRequest input)
        => exits.ListGrantIdsAsync(input.AgreementId);
}

/// <summary>Lists and hashes what one grant left in storage; reads only, so a rerun after a crash gives the same answer until deletion.</summary>
public sealed class InventoryGrantCopiesActivity(AgreementExitService exits) : TaskActivity<AgreementExitGrantStep, IReadOnlyList<DestroyedBlob>>
{
    public override Task<IReadOnlyList<DestroyedBlob>> RunAsync(TaskActivityContext context, AgreementExitGrantStep input)
        => exits.InventoryAsync(input);
}

/// <summary>Deletes the inventoried copies of one grant; blobs already gone are skipped, so it is safe to repeat.</summary>
public sealed class DeleteGrantCopiesActivity(AgreementExitService exits) : TaskActivity<AgreementExitDeletion, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, AgreementExitDeletion input)
    {
        await exits.DeleteAsync(input);
        return true;
    }
}

/// <summary>Records the destruction certificate of one grant once (keyed by agreement and grant).</summary>
public sealed class CertifyGrantDestructionActivity(AgreementExitService exits) : TaskActivity<AgreementExitCertification, DestructionCertificate>
{
    public override Task<DestructionCertificate> RunAsync(TaskActivityContext context, AgreementExitCertification input)
        => exits.CertifyAsync(input);
}

/// <summary>Marks the exit done (destroyed at) once.</summary>
public sealed class CompleteAgreementExitActivity(AgreementExitService exits) : TaskActivity<AgreementExitRequest, AgreementExit?>
{
    public override Task<AgreementExit?> RunAsync(TaskActivityContext context, AgreementExitRequest input)
        => exits.CompleteAsync(input.AgreementId);
}
