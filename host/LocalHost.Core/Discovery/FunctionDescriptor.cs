using System.Reflection;

namespace Platform.LocalHost.Discovery;

public enum TriggerKind
{
    Http,
    Queue,
    Timer,
    Orchestration,
    Activity,
}

/// <summary>One <c>[Function]</c> method and how the local host binds it, mirroring an entry of functions.metadata.</summary>
public sealed record FunctionDescriptor(
    string Name,
    MethodInfo Method,
    TriggerKind Kind,
    Attribute Trigger,
    ParameterInfo TriggerParameter,
    IReadOnlyList<ParameterBinding> Parameters)
{
    /// <summary>The type the function returns once awaited (null for void/Task).</summary>
    public Type? ResultType => FunctionInvoker.UnwrapResultType(Method.ReturnType);

    public override string ToString() => $"{Name} ({Kind}) {Method.DeclaringType?.FullName}.{Method.Name}";
}

public enum ParameterSource
{
    Trigger,
    DurableClient,
    CancellationToken,
    RouteValue,
    QueueMetadata,
    OrchestrationInput,
}

public sealed record ParameterBinding(ParameterInfo Parameter, ParameterSource Source);

/// <summary>A function the local host cannot bind faithfully: start-up stops instead of silently skipping it.</summary>
public sealed class FunctionBindingException(string message) : Exception(message);
