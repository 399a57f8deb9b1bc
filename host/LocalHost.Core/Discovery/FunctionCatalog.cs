using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Platform.LocalHost.Discovery;

/// <summary>
/// Finds every <c>[Function]</c> method in a functions assembly and decides how each parameter is bound, the way the
/// Functions worker SDK does when it writes functions.metadata. Anything it cannot bind faithfully is an error.
/// </summary>
public static class FunctionCatalog
{
    private static readonly HashSet<string> QueueMetadataNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "dequeueCount", "insertionTime", "expirationTime", "nextVisibleTime", "popReceipt",
    };

    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly) => Discover(assembly.GetTypes());

    public static IReadOnlyList<FunctionDescriptor> Discover(IEnumerable<Type> types)
    {
        var functions = new List<FunctionDescriptor>();
        foreach (var type in types.Where(t => t.IsClass))
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(flags))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is not null)
                {
                    functions.Add(Describe(function.Name, method));
                }
            }
        }

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new FunctionBindingException($"Two functions are named '{duplicate.Key}': {string.Join(", ", duplicate)}.");
        }

        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    private static FunctionDescriptor Describe(string name, MethodInfo method)
    {
        if (method.GetCustomAttributes().OfType<OutputBindingAttribute>().Any()
            || method.ReturnParameter.GetCustomAttributes().OfType<OutputBindingAttribute>().Any()
            || HasOutputBindingProperties(FunctionInvoker.UnwrapResultType(method.ReturnType)))
        {
            throw new FunctionBindingException($"Function '{name}' declares an output binding; the local host does not support output bindings. Write through the SDK clients instead.");
        }

        var parameters = method.GetParameters();
        var triggers = parameters
            .Select(p => (Parameter: p, Trigger: p.GetCustomAttributes().OfType<TriggerBindingAttribute>().FirstOrDefault()))
            .Where(x => x.Trigger is not null)
            .ToList();
        if (triggers.Count != 1)
        {
            throw new FunctionBindingException($"Function '{name}' must have exactly one trigger parameter; it has {triggers.Count}.");
        }

        var (triggerParameter, trigger) = (triggers[0].Parameter, (Attribute)triggers[0].Trigger!);
        var kind = trigger switch
        {
            HttpTriggerAttribute => TriggerKind.Http,
            QueueTriggerAttribute => TriggerKind.Queue,
            TimerTriggerAttribute => TriggerKind.Timer,
            OrchestrationTriggerAttribute => TriggerKind.Orchestration,
            ActivityTriggerAttribute => TriggerKind.Activity,
            _ => throw new FunctionBindingException(
                $"Function '{name}' uses trigger {trigger.GetType().Name}, which the local host does not support. Supported: HttpTrigger, QueueTrigger, TimerTrigger, OrchestrationTrigger, ActivityTrigger."),
        };

        ValidateTriggerParameter(name, kind, triggerParameter);
        var routeParameters = kind == TriggerKind.Http ? RouteParameterNames(((HttpTriggerAttribute)trigger).Route ?? name) : [];
        var bindings = new List<ParameterBinding>();
        var orchestrationInputSeen = false;
        foreach (var parameter in parameters)
        {
            if (parameter == triggerParameter)
            {
                bindings.Add(new ParameterBinding(parameter, ParameterSource.Trigger));
                continue;
            }

            var otherBinding = parameter.GetCustomAttributes().OfType<BindingAttribute>().FirstOrDefault();
            if (otherBinding is DurableClientAttribute)
            {
                if (!typeof(DurableTaskClient).IsAssignableFrom(parameter.ParameterType))
                {
                    throw new FunctionBindingException($"Function '{name}': [DurableClient] parameter '{parameter.Name}' must be a DurableTaskClient.");
                }

                bindings.Add(new ParameterBinding(parameter, ParameterSource.DurableClient));
            }
            else if (otherBinding is not null)
            {
                throw new FunctionBindingException($"Function '{name}': binding {otherBinding.GetType().Name} on '{parameter.Name}' is not supported by the local host.");
            }
            else if (parameter.ParameterType == typeof(CancellationToken) && kind != TriggerKind.Orchestration)
            {
                bindings.Add(new ParameterBinding(parameter, ParameterSource.CancellationToken));
            }
            else if (kind == TriggerKind.Http && routeParameters.Contains(parameter.Name!))
            {
                bindings.Add(new ParameterBinding(parameter, ParameterSource.RouteValue));
            }
            else if (kind == TriggerKind.Queue && QueueMetadataNames.Contains(parameter.Name!))
            {
                bindings.Add(new ParameterBinding(parameter, ParameterSource.QueueMetadata));
            }
            else if (kind == TriggerKind.Orchestration && !orchestrationInputSeen)
            {
                // As in Durable Functions (isolated): the one otherwise unbound parameter is the orchestration input.
                orchestrationInputSeen = true;
                bindings.Add(new ParameterBinding(parameter, ParameterSource.OrchestrationInput));
            }
            else
            {
                throw new FunctionBindingException(
                    $"Function '{name}': parameter '{parameter.Name}' of type {parameter.ParameterType.Name} cannot be bound by the local host.");
            }
        }

        return new FunctionDescriptor(name, method, kind, trigger, triggerParameter, bindings);
    }

    private static void ValidateTriggerParameter(string name, TriggerKind kind, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var ok = kind switch
        {
            TriggerKind.Http => type == typeof(Microsoft.AspNetCore.Http.HttpRequest),
            TriggerKind.Timer => type == typeof(TimerInfo),
            TriggerKind.Orchestration => type == typeof(TaskOrchestrationContext),
            _ => true,
        };
        if (!ok)
        {
            throw new FunctionBindingException(
                $"Function '{name}': a {kind} trigger parameter of type {type.Name} is not supported by the local host (HTTP functions take HttpRequest, timers TimerInfo, orchestrators TaskOrchestrationContext).");
        }
    }

    /// <summary>Parameter names of a route template, without constraints, defaults, optional or catch-all markers.</summary>
    public static HashSet<string> RouteParameterNames(string route)
    {
        var template = Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(route);
        return new HashSet<string>(template.Parameters.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
    }

    private static bool HasOutputBindingProperties(Type? type)
        => type is not null
           && !type.IsPrimitive
           && type != typeof(string)
           && type.Assembly != typeof(object).Assembly
           && type.GetProperties().Any(p => p.GetCustomAttributes().OfType<OutputBindingAttribute>().Any());
}
