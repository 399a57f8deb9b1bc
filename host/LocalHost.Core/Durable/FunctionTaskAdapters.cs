using Microsoft.DurableTask;
using Platform.LocalHost.Discovery;

namespace Platform.LocalHost.Durable;

/// <summary>
/// An orchestrator function run by the Durable Task worker. Its input type is the function's input parameter (as
/// Durable Functions binds it), so <c>context.GetInput&lt;T&gt;()</c> inside the function sees the same type.
/// </summary>
internal sealed class FunctionOrchestrator(FunctionDescriptor function, IServiceProvider services) : ITaskOrchestrator
{
    public Type InputType => function.Parameters.FirstOrDefault(p => p.Source == ParameterSource.OrchestrationInput)?.Parameter.ParameterType ?? typeof(object);

    public Type OutputType => function.ResultType ?? typeof(object);

    public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        // Awaited on the orchestration's own context: the worker relies on continuations staying on it.
        return await FunctionInvoker.InvokeAsync(function, services, binding => binding.Source switch
        {
            ParameterSource.Trigger => context,
            ParameterSource.OrchestrationInput => input,
            _ => throw new InvalidOperationException($"Parameter source {binding.Source} is not valid for an orchestrator function."),
        });
    }
}

/// <summary>An activity function run by the Durable Task worker; its input type is the trigger parameter's type.</summary>
internal sealed class FunctionActivity(FunctionDescriptor function, IServiceProvider services) : ITaskActivity
{
    public Type InputType => function.TriggerParameter.ParameterType;

    public Type OutputType => function.ResultType ?? typeof(object);

    public Task<object?> RunAsync(TaskActivityContext context, object? input)
        => FunctionInvoker.InvokeAsync(function, services, binding => binding.Source switch
        {
            ParameterSource.Trigger => input,
            ParameterSource.CancellationToken => CancellationToken.None,
            ParameterSource.DurableClient => services.GetService(typeof(Microsoft.DurableTask.Client.DurableTaskClient)),
            _ => throw new InvalidOperationException($"Parameter source {binding.Source} is not valid for an activity function."),
        });
}
