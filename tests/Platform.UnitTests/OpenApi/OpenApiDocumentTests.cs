using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Platform.Functions.Auth;
using Platform.Functions.Health;
using Platform.Functions.OpenApi;
using Platform.UnitTests.Http;
using Xunit;

namespace Platform.UnitTests.OpenApi;

public sealed partial class OpenApiDocumentTests
{
    private static readonly Assembly FunctionsAssembly = typeof(HealthFunction).Assembly;

    private static readonly JsonObject Document =
        JsonNode.Parse(new OpenApiDocumentProvider().Json)!.AsObject();

    public static TheoryData<string, string, string, bool> HttpFunctions()
    {
        var data = new TheoryData<string, string, string, bool>();
        var methods = FunctionsAssembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly));
        foreach (var method in methods)
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            var trigger = method.GetParameters().Select(parameter => parameter.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(found => found is not null);
            if (function is null || trigger is null)
            {
                continue;
            }

            var path = "/api/" + ConstraintPattern().Replace((trigger.Route ?? function.Name).Trim('/'), "{${name}}");
            foreach (var verb in trigger.Methods ?? [])
            {
                data.Add(function.Name, path, verb.ToLowerInvariant(), method.GetCustomAttribute<AllowAnonymousAccessAttribute>() is not null);
            }
        }

        return data;
    }

    [Fact]
    public void HttpFunctions_AreFoundInTheFunctionsAssembly()
    {
        var names = HttpFunctions().Select(row => (string)row[0]).ToHashSet();

        Assert.Contains("Health", names);
        Assert.Contains("OpenApiDocument", names);
        Assert.Contains("QueryAudit", names);
        Assert.Contains("VerifyAudit", names);
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Document_EveryHttpFunction_AppearsWithItsMethodAndSecurity(string functionName, string path, string verb, bool anonymous)
    {
        var operation = Document["paths"]?[path]?[verb];

        Assert.NotNull(operation);
        Assert.StartsWith(functionName, operation["operationId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(operation["responses"]?["default"]);
        if (anonymous)
        {
            Assert.Null(operation["security"]);
        }
        else
        {
            Assert.NotNull(operation["security"]![0]!["bearer"]);
            Assert.NotNull(operation["responses"]!["401"]);
        }
    }

    [Fact]
    public void Document_Header_IsOpenApi31WithBearerScheme()
    {
        Assert.StartsWith("3.1", Document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("bearer", Document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public void Document_ProblemDetailsSchema_HasTheRfc9457MembersAndCode()
    {
        var properties = Document["components"]!["schemas"]!["ApiProblemDetails"]!["properties"]!.AsObject();

        foreach (var member in new[] { "type", "title", "status", "detail", "code", "errors", "traceId" })
        {
            Assert.True(properties.ContainsKey(member), member);
        }
    }

    [Fact]
    public void Document_AuditQuery_DocumentsFiltersAndPaging()
    {
        var names = Document["paths"]!["/api/audit"]!["get"]!["parameters"]!.AsArray().Select(parameter => parameter!["name"]!.GetValue<string>()).ToArray();

        Assert.Equal(["actor", "action", "target", "org", "from", "to", "pageSize", "continuationToken"], names);
    }

    [Fact]
    public void Document_ResponseSchemas_AreReferencedComponents()
    {
        var schema = Document["paths"]!["/api/audit/verification"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal("#/components/schemas/AuditVerification", schema["$ref"]!.GetValue<string>());
        Assert.NotNull(Document["components"]!["schemas"]!["AuditVerification"]!["properties"]!["entriesChecked"]);
    }

    [Fact]
    public void Document_Serialised_KeepsChineseUnescaped()
    {
        var json = new OpenApiDocumentProvider().Json;

        Assert.Contains("湖北省公共数据资源授权运营实施办法", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRoute_IntConstraint_BecomesPlainParameterTypedInteger()
    {
        var (path, parameters) = OpenApiDocumentGenerator.ParseRoute("/api/calendar/{year:int}/days/{day?}");

        Assert.Equal("/api/calendar/{year}/days/{day}", path);
        Assert.Equal("integer", parameters[0]!["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("string", parameters[1]!["schema"]!["type"]!.GetValue<string>());
        Assert.All(parameters, parameter => Assert.True(parameter!["required"]!.GetValue<bool>()));
    }

    [Fact]
    public void Generate_EnumSchema_ListsWireNames()
    {
        var document = OpenApiDocumentGenerator.Generate(typeof(EnumSampleFunction).Assembly, "t", "1");

        var schema = document["components"]!["schemas"]!["AgreementDraft"]!["properties"]!["selectionMethod"]!;
        Assert.Equal(["public-tender", "invited-tender", "negotiation", "single-source"],
            schema["enum"]!.AsArray().Select(value => value!.GetValue<string>()).ToArray());
        var signedAt = document["components"]!["schemas"]!["AgreementDraft"]!["properties"]!["signedAt"]!;
        Assert.Equal("date-time", signedAt["format"]!.GetValue<string>());
    }

    [Fact]
    public void Generate_TestFunctions_DescribeBodyAndCreatedLocation()
    {
        var document = OpenApiDocumentGenerator.Generate(typeof(EnumSampleFunction).Assembly, "t", "1");
        var post = document["paths"]!["/api/samples/{id}"]!["post"]!;

        Assert.Equal("#/components/schemas/AgreementDraft", post["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(post["requestBody"]!["content"]!["application/x-www-form-urlencoded"]);
        Assert.NotNull(post["responses"]!["201"]!["headers"]!["Location"]);
        Assert.Equal(JsonValueKind.String, JsonSerializer.SerializeToElement(post["operationId"]).ValueKind);
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex ConstraintPattern();
}

/// <summary>A function declared in the test assembly so the generator's attribute handling is tested on known input.</summary>
public sealed class EnumSampleFunction
{
    [Function("CreateSample")]
    [OpenApiRequestBody(typeof(AgreementDraft))]
    [OpenApiRequestBody(typeof(AgreementDraft), ContentType = "application/x-www-form-urlencoded")]
    [OpenApiResponse(201, typeof(AgreementDraft))]
    public static Task Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "samples/{id}")] Microsoft.AspNetCore.Http.HttpRequest request, string id)
        => Task.CompletedTask;
}
