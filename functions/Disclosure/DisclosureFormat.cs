using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.Functions.Http;

namespace Platform.Functions.Disclosure;

/// <summary>How a disclosure route answers: JSON by default, CSV with <c>?format=csv</c> or Accept: text/csv.</summary>
public static class DisclosureFormat
{
    /// <summary>True for CSV; 400 <c>request.invalid_query</c> for a format other than json or csv.</summary>
    public static bool WantsCsv(HttpRequest request)
    {
        var format = QueryValues.OptionalChoice(request.Query, "format", "json", "csv");
        return format == "csv" || (format is null && request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>A CSV download: UTF-8 with a byte order mark (so spreadsheets read Chinese right) and a file name.</summary>
public sealed class CsvFileResult(string content, string fileName) : IActionResult
{
    public string Content { get; } = content;

    public string FileName { get; } = fileName;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(Content)).ToArray();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{FileName}\"";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.HttpContext.RequestAborted);
    }
}
