using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fixture.Functions;

public sealed class HttpFixtureFunctions
{
    [Function("Ping")]
    public IActionResult Ping([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fixture/ping")] HttpRequest request)
        => new OkObjectResult(new { pong = true, method = request.Method });

    [Function("GetItem")]
    public IActionResult GetItem([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fixture/items/{id:int}")] HttpRequest request, int id)
        => new OkObjectResult(new { id, kind = "integer" });

    [Function("GetNamedItem")]
    public IActionResult GetNamedItem([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fixture/named/{name:alpha}/{version?}")] HttpRequest request, string name, string? version)
        => new OkObjectResult(new { name, version = version ?? "latest" });

    [Function("EchoBody")]
    public async Task<IActionResult> EchoBody([HttpTrigger(AuthorizationLevel.Anonymous, "post", "put", Route = "fixture/echo")] HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        return new ContentResult { Content = body, ContentType = "text/plain; charset=utf-8", StatusCode = 200 };
    }

    [Function("Throws")]
    public IActionResult Throws([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fixture/throws")] HttpRequest request)
        => throw new InvalidOperationException("fixture failure with a secret stack");
}
