using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Platform.Functions.Auth;
using Platform.Functions.Http;

namespace Platform.Functions.OpenApi;

/// <summary>One HTTP function as found by reflection: the source of truth for the OpenAPI document and its coverage test.</summary>
public sealed record HttpFunctionDescriptor(string FunctionName, string Path, IReadOnlyList<string> Methods, MethodInfo Method, bool AllowsAnonymous);

/// <summary>
/// Builds the OpenAPI 3.1 document (GET /api/openapi.json) by reflection over the functions assembly: every
/// <c>[Function]</c> with an <c>[HttpTrigger]</c> parameter becomes an operation, described further by the attributes in
/// this namespace. Schemas come from System.Text.Json's exporter with the platform's own JSON options, so the document
/// describes exactly what goes over the wire.
/// </summary>
public static partial class OpenApiDocumentGenerator
{
    public const string RoutePrefix = "/api";
    public const string OpenApiVersion = "3.1.0";
    public const string BearerScheme = "bearer";

    private static readonly string[] AllMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static IReadOnlyList<HttpFunctionDescriptor> DescribeHttpFunctions(Assembly assembly)
    {
        var functions = new List<HttpFunctionDescriptor>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                var trigger = method.GetParameters().Select(parameter => parameter.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(found => found is not null);
                if (function is null || trigger is null)
                {
                    continue;
                }

                var route = (trigger.Route ?? function.Name).Trim('/');
                var methods = trigger.Methods is { Length: > 0 }
                    ? trigger.Methods.Select(verb => verb.ToLowerInvariant()).Distinct().ToArray()
                    : AllMethods;
                functions.Add(new HttpFunctionDescriptor(
                    function.Name,
                    RoutePrefix + "/" + route,
                    methods,
                    method,
                    method.GetCustomAttribute<AllowAnonymousAccessAttribute>() is not null));
            }
        }

        return functions.OrderBy(function => function.Path, StringComparer.Ordinal).ThenBy(function => function.FunctionName, StringComparer.Ordinal).ToArray();
    }

    public static JsonObject Generate(Assembly assembly, string title, string version)
    {
        var schemas = new SchemaRegistry();
        var paths = new JsonObject();

        foreach (var function in DescribeHttpFunctions(assembly))
        {
            var (pathTemplate, routeParameters) = ParseRoute(function.Path, function.Method);
            if (paths[pathTemplate] is not JsonObject pathItem)
            {
                pathItem = new JsonObject();
                paths[pathTemplate] = pathItem;
            }

            foreach (var verb in function.Methods)
            {
                if (pathItem.ContainsKey(verb))
                {
                    throw new InvalidOperationException($"Two HTTP functions answer {verb.ToUpperInvariant()} {pathTemplate}; the second is '{function.FunctionName}'.");
                }

                var operationId = function.Methods.Count == 1 ? function.FunctionName : function.FunctionName + char.ToUpperInvariant(verb[0]) + verb[1..];
                pathItem[verb] = Operation(function, operationId, routeParameters, schemas);
            }
        }

        var problemSchema = schemas.Reference(typeof(ApiProblemDetails));
        return new JsonObject
        {
            ["openapi"] = OpenApiVersion,
            ["info"] = new JsonObject
            {
                ["title"] = title,
                ["version"] = version,
                ["description"] = "Public data authorized-operation platform (湖北省公共数据资源授权运营实施办法). " +
                                  "Errors are RFC 9457 problem details with a stable `code`.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components,
                ["securitySchemes"] = new JsonObject
                {
                    [BearerScheme] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
                ["responses"] = new JsonObject
                {
                    ["Problem"] = new JsonObject
                    {
                        ["description"] = "RFC 9457 problem details.",
                        ["content"] = new JsonObject { [ApiProblemDetails.MediaType] = new JsonObject { ["schema"] = problemSchema } },
                    },
                },
            },
        };
    }

    private static JsonObject Operation(HttpFunctionDescriptor function, string operationId, JsonArray routeParameters, SchemaRegistry schemas)
    {
        var method = function.Method;
        var details = method.GetCustomAttribute<OpenApiOperationAttribute>();
        var firstSegment = function.Path[(RoutePrefix.Length + 1)..].Split('/')[0];
        var operation = new JsonObject
        {
            ["operationId"] = operationId,
            ["tags"] = new JsonArray((details?.Tags ?? [firstSegment]).Select(tag => (JsonNode?)JsonValue.Create(tag)).ToArray()),
        };
        if (details?.Summary is { } summary)
        {
            operation["summary"] = summary;
        }

        if (details?.Description is { } description)
        {
            operation["description"] = description;
        }

        var parameters = routeParameters.DeepClone().AsArray();
        foreach (var query in method.GetCustomAttributes<OpenApiQueryParameterAttribute>())
        {
            parameters.Add(Parameter(query.Name, "query", query.Required, schemas.Inline(query.ValueType), query.Description));
        }

        if (method.GetCustomAttribute<OpenApiPagingAttribute>() is not null)
        {
            parameters.Add(Parameter("pageSize", "query", false,
                new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = PageRequest.MaxPageSize, ["default"] = PageRequest.DefaultPageSize },
                "Items per page."));
            parameters.Add(Parameter("continuationToken", "query", false, new JsonObject { ["type"] = "string" },
                "Opaque token from the previous page's continuationToken."));
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        var bodies = method.GetCustomAttributes<OpenApiRequestBodyAttribute>().ToArray();
        if (bodies.Length > 0)
        {
            var content = new JsonObject();
            foreach (var body in bodies)
            {
                content[body.ContentType] = new JsonObject { ["schema"] = SchemaFor(body.BodyType, body.ContentType, schemas) };
            }

            operation["requestBody"] = new JsonObject { ["required"] = bodies.Any(body => body.Required), ["content"] = content };
        }

        var responses = new JsonObject();
        foreach (var response in method.GetCustomAttributes<OpenApiResponseAttribute>().OrderBy(response => response.StatusCode))
        {
            responses[response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Response(response, schemas);
        }

        if (!responses.Any(response => response.Key.StartsWith('2')))
        {
            responses["200"] = new JsonObject { ["description"] = "OK" };
        }

        if (!function.AllowsAnonymous)
        {
            operation["security"] = new JsonArray(new JsonObject { [BearerScheme] = new JsonArray() });
            responses.TryAdd("401", ProblemReference("Missing, invalid or expired bearer token (auth.*)."));
            responses.TryAdd("403", ProblemReference("The caller's role may not use this route (auth.forbidden_role)."));
        }

        responses["default"] = ProblemReference("Any other failure, as problem details with a stable code.");
        operation["responses"] = responses;
        return operation;
    }

    private static JsonObject Response(OpenApiResponseAttribute response, SchemaRegistry schemas)
    {
        var isProblem = response.BodyType == typeof(ApiProblemDetails);
        var node = new JsonObject { ["description"] = response.Description ?? DefaultDescription(response.StatusCode) };
        if (response.BodyType is { } bodyType)
        {
            var contentType = response.ContentType ?? (isProblem ? ApiProblemDetails.MediaType : "application/json");
            node["content"] = new JsonObject { [contentType] = new JsonObject { ["schema"] = SchemaFor(bodyType, contentType, schemas) } };
        }

        if (response.HasLocation || response.StatusCode is 201 or 202)
        {
            node["headers"] = new JsonObject
            {
                ["Location"] = new JsonObject
                {
                    ["description"] = response.StatusCode == 202 ? "Where to poll the work's status." : "The created resource.",
                    ["schema"] = new JsonObject { ["type"] = "string" },
                },
            };
        }

        return node;
    }

    private static JsonNode SchemaFor(Type type, string contentType, SchemaRegistry schemas)
    {
        var isJsonLike = contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                         || contentType.Equals(RequestBodyReader.FormMediaType, StringComparison.OrdinalIgnoreCase);
        if (!isJsonLike || type == typeof(Stream) || type == typeof(byte[]))
        {
            // Files and raw text (CSV, NDJSON, HTML) are described by their media type, not a JSON schema (OAS 3.1 §4.8.14).
            return new JsonObject { ["type"] = "string", ["contentMediaType"] = contentType };
        }

        return schemas.Reference(type);
    }

    private static JsonObject ProblemReference(string description)
        => new() { ["$ref"] = "#/components/responses/Problem", ["description"] = description };

    private static JsonObject Parameter(string name, string location, bool required, JsonNode schema, string? description)
    {
        var parameter = new JsonObject { ["name"] = name, ["in"] = location, ["required"] = required, ["schema"] = schema };
        if (description is not null)
        {
            parameter["description"] = description;
        }

        return parameter;
    }

    /// <summary>
    /// Turns a Functions route into an OpenAPI path: <c>{year:int}</c> becomes <c>{year}</c> typed integer, optional
    /// and catch-all markers are dropped (OpenAPI path parameters are always required).
    /// </summary>
    public static (string Path, JsonArray Parameters) ParseRoute(string route, MethodInfo? method = null)
    {
        var parameters = new JsonArray();
        var path = RouteParameterPattern().Replace(route, match =>
        {
            var name = match.Groups["name"].Value;
            var constraints = match.Groups["constraints"].Value;
            var schema = SchemaForConstraints(constraints)
                         ?? SchemaForMethodParameter(method, name)
                         ?? new JsonObject { ["type"] = "string" };
            parameters.Add(Parameter(name, "path", true, schema, null));
            return "{" + name + "}";
        });
        return (path, parameters);
    }

    private static JsonObject? SchemaForConstraints(string constraints)
    {
        foreach (var constraint in constraints.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var kind = constraint.Split('(')[0].ToLowerInvariant();
            switch (kind)
            {
                case "int":
                    return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
                case "long":
                    return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
                case "decimal" or "double" or "float":
                    return new JsonObject { ["type"] = "number" };
                case "bool":
                    return new JsonObject { ["type"] = "boolean" };
                case "guid":
                    return new JsonObject { ["type"] = "string", ["format"] = "uuid" };
                case "datetime":
                    return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
            }
        }

        return null;
    }

    private static JsonObject? SchemaForMethodParameter(MethodInfo? method, string name)
    {
        var parameterType = method?.GetParameters().FirstOrDefault(parameter => string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase))?.ParameterType;
        parameterType = parameterType is null ? null : Nullable.GetUnderlyingType(parameterType) ?? parameterType;
        return parameterType switch
        {
            null => null,
            _ when parameterType == typeof(int) => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
            _ when parameterType == typeof(long) => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
            _ when parameterType == typeof(bool) => new JsonObject { ["type"] = "boolean" },
            _ when parameterType == typeof(Guid) => new JsonObject { ["type"] = "string", ["format"] = "uuid" },
            _ => null,
        };
    }

    private static string DefaultDescription(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted; poll the Location.",
        204 => "No content",
        _ => $"HTTP {status}",
    };

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<constraints>(:[^{}?=]*)*)\??(=[^}]*)?\}")]
    private static partial Regex RouteParameterPattern();

    /// <summary>Component schemas by type, named after the type (generic arguments appended: <c>PageOfAuditEntry</c>).</summary>
    private sealed class SchemaRegistry
    {
        private readonly Dictionary<Type, string> names = [];

        public JsonObject Components { get; } = new();

        public JsonObject Reference(Type type)
        {
            if (!names.TryGetValue(type, out var name))
            {
                name = UniqueName(type);
                names[type] = name;
                var schema = Export(type);
                RebaseReferences(schema, $"#/components/schemas/{name}");
                Components[name] = schema;
            }

            return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
        }

        /// <summary>Simple values (query parameters) are written in place.</summary>
        public JsonNode Inline(Type type) => Export(type);

        private static JsonNode Export(Type type)
            => PlatformJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = DescribeWireFormats,
            });

        // The platform's own converters are opaque to the exporter; say what they write. The exporter skips the callback
        // for properties that carry a default value, so object schemas also patch their properties.
        private static JsonNode DescribeWireFormats(JsonSchemaExporterContext context, JsonNode schema)
        {
            if (WireSchema(context.TypeInfo.Type) is { } wire)
            {
                return wire;
            }

            if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && schema is JsonObject { } obj && obj["properties"] is JsonObject properties)
            {
                foreach (var property in context.TypeInfo.Properties)
                {
                    if (WireSchema(property.PropertyType) is { } propertyWire && properties[property.Name] is JsonObject current)
                    {
                        foreach (var keyword in new[] { "default", "description" })
                        {
                            if (current[keyword] is { } value)
                            {
                                propertyWire[keyword] = value.DeepClone();
                            }
                        }

                        properties[property.Name] = propertyWire;
                    }
                }
            }

            return schema;
        }

        private static JsonObject? WireSchema(Type type)
        {
            var underlying = Nullable.GetUnderlyingType(type);
            var nullable = underlying is not null;
            type = underlying ?? type;
            JsonNode TypeName() => nullable ? new JsonArray("string", "null") : "string";

            if (type.IsEnum)
            {
                var values = new JsonArray(WireEnumConverterFactory.WireNames(type).Select(value => (JsonNode?)JsonValue.Create(value)).ToArray());
                if (nullable)
                {
                    values.Add(null);
                }

                return new JsonObject { ["type"] = TypeName(), ["enum"] = values };
            }

            return type == typeof(DateTimeOffset) ? new JsonObject { ["type"] = TypeName(), ["format"] = "date-time" } : null;
        }

        private string UniqueName(Type type)
        {
            var baseName = TypeName(type);
            var name = baseName;
            for (var suffix = 2; names.ContainsValue(name); suffix++)
            {
                name = baseName + suffix;
            }

            return name;
        }

        private static string TypeName(Type type)
        {
            if (type.IsArray)
            {
                return "ArrayOf" + TypeName(type.GetElementType()!);
            }

            if (!type.IsGenericType)
            {
                return type.Name;
            }

            var plain = type.Name[..type.Name.IndexOf('`')];
            return plain + "Of" + string.Join("And", type.GetGenericArguments().Select(TypeName));
        }

        // The exporter points recursive references at its own root ("#/..."); inside components that root has a name.
        private static void RebaseReferences(JsonNode? node, string root)
        {
            switch (node)
            {
                case JsonObject obj:
                    if (obj["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && target.StartsWith('#')
                        && !target.StartsWith("#/components/", StringComparison.Ordinal))
                    {
                        obj["$ref"] = root + target[1..];
                    }

                    foreach (var property in obj.ToArray())
                    {
                        RebaseReferences(property.Value, root);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        RebaseReferences(item, root);
                    }

                    break;
            }
        }
    }
}
