using Microsoft.DurableTask;

namespace Platform.Functions.Workflows;

/// <summary>The activity context handed to class-based activities from their Functions wrappers (they key writes by business ids).</summary>
public sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;

    public static FunctionActivityContext For(string activityName) => new(new TaskName(activityName), "");
}
