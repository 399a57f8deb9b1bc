using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Functions.Auth;
using Platform.Functions.Http;

namespace Platform.Functions.OpenApi;

/// <summary>The generated document, built once per process: the set of functions cannot change while it runs.</summary>
public sealed class OpenApiDocumentProvider
{
    public const string Title = "Public Data Authorized Operation Platform API";

    private readonly Lazy<string> document = new(() =>
    {
        var assembly = typeof(OpenApiDocumentProvider).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";
        return OpenApiDocumentGenerator.Generate(assembly, Title, version).ToJsonString(PlatformJson.Options);
    });

    public string Json => document.Value;
}

/// <summary>GET /api/openapi.json (docs/api.md), for anyone.</summary>
public sealed class OpenApiFunction(ApiHandler api, OpenApiDocumentProvider provider)
{
    [Function("OpenApiDocument")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "This OpenAPI document", Tags = ["platform"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(JsonElement), Description = "The OpenAPI 3.1 document.")]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, _ => ApiResults.RawJson(provider.Json));
}
