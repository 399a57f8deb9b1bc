using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.LocalHost.Discovery;

namespace Platform.LocalHost.Http;

/// <summary>
/// Maps HTTP-triggered functions onto ASP.NET Core routing with the Functions route prefix, the trigger's methods and
/// its route template (parameters and constraints), and runs them as the ASP.NET Core integration of the isolated
/// worker does: HttpRequest in, IActionResult (or any object, written as JSON) out.
/// </summary>
public static class HttpTriggerEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, IEnumerable<FunctionDescriptor> functions, string routePrefix, ILogger logger)
    {
        foreach (var function in functions.Where(f => f.Kind == TriggerKind.Http))
        {
            var trigger = (HttpTriggerAttribute)function.Trigger;
            var route = trigger.Route ?? function.Name;
            var pattern = string.IsNullOrEmpty(routePrefix) ? route : $"{routePrefix.Trim('/')}/{route.TrimStart('/')}";
            var methods = trigger.Methods?.Select(m => m.ToUpperInvariant()).ToArray();
            if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
            {
                logger.LogWarning("Function {Function} uses AuthorizationLevel.{Level}: keys are not enforced locally, as with the Core Tools.", function.Name, trigger.AuthLevel);
            }

            RequestDelegate handler = context => InvokeAsync(function, context, logger);
            var builder = methods is { Length: > 0 }
                ? endpoints.MapMethods("/" + pattern, methods, handler)
                : endpoints.Map("/" + pattern, handler);
            builder.WithDisplayName(function.Name);
        }
    }

    private static async Task InvokeAsync(FunctionDescriptor function, HttpContext context, ILogger logger)
    {
        object? result;
        try
        {
            result = await FunctionInvoker.InvokeAsync(function, context.RequestServices, binding => Bind(binding, context));
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The Functions host answers an unhandled exception with a bare 500 and logs it; so do we.
            logger.LogError(e, "Function {Function} failed.", function.Name);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            return;
        }

        switch (result)
        {
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case null:
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                }

                break;
            default:
                await new ObjectResult(result).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
        }
    }

    private static object? Bind(ParameterBinding binding, HttpContext context)
    {
        var parameter = binding.Parameter;
        return binding.Source switch
        {
            ParameterSource.Trigger => context.Request,
            ParameterSource.CancellationToken => context.RequestAborted,
            ParameterSource.DurableClient => context.RequestServices.GetRequiredService<DurableTaskClient>(),
            ParameterSource.RouteValue => ConvertRouteValue(context.GetRouteValue(parameter.Name!), parameter.ParameterType, parameter),
            _ => throw new InvalidOperationException($"Parameter source {binding.Source} is not valid for an HTTP function."),
        };
    }

    private static object? ConvertRouteValue(object? value, Type type, System.Reflection.ParameterInfo parameter)
    {
        if (value is null)
        {
            return parameter.HasDefaultValue ? parameter.DefaultValue : (type.IsValueType ? Activator.CreateInstance(type) : null);
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        return TypeDescriptor.GetConverter(target).ConvertFrom(null, CultureInfo.InvariantCulture, value.ToString()!);
    }
}
