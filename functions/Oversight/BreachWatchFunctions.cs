using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Platform.Domain.Oversight;
using Platform.Functions.Workflows;
using Platform.Orchestrations.Oversight;

namespace Platform.Functions.Oversight;

/// <summary>Thin Functions wrappers of the breach watch (M5.8) and its activities (class-based, in orchestrations/).</summary>
public sealed class BreachWatchFunctions(RemindBreachActivity remind, EscalateBreachActivity escalate)
{
    [Function(nameof(BreachWatchOrchestrator))]
    public Task<BreachWatchResult> Run([OrchestrationTrigger] TaskOrchestrationContext context, BreachWatchInput input)
        => new BreachWatchOrchestrator().RunAsync(context, input);

    [Function(nameof(RemindBreachActivity))]
    public Task<bool> Remind([ActivityTrigger] BreachWatchStep input)
        => remind.RunAsync(FunctionActivityContext.For(nameof(RemindBreachActivity)), input);

    [Function(nameof(EscalateBreachActivity))]
    public Task<bool> Escalate([ActivityTrigger] BreachWatchStep input)
        => escalate.RunAsync(FunctionActivityContext.For(nameof(EscalateBreachActivity)), input);
}
