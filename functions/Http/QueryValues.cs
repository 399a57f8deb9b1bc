using Microsoft.AspNetCore.Http;
using Platform.Domain.Errors;

namespace Platform.Functions.Http;

/// <summary>Typed reading of query-string filters; a malformed value is 400 <c>request.invalid_query</c> naming the parameter.</summary>
public static class QueryValues
{
    public static string? OptionalText(IQueryCollection query, string name, int maxLength = 256)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return text.Length <= maxLength ? text : throw Invalid(name, $"{name} must be at most {maxLength} characters.");
    }

    /// <summary>An instant in ISO 8601 with 'Z' or an explicit offset, e.g. <c>2025-10-13T00:00:00Z</c>.</summary>
    public static DateTimeOffset? OptionalInstant(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return UtcDateTimeOffsetConverter.ParseInstant(text)
               ?? throw Invalid(name, $"{name} must be an ISO 8601 UTC time such as 2025-10-13T00:00:00Z; got '{text}'.");
    }

    /// <summary>One of <paramref name="allowed"/> (compared ordinally) or null when absent; anything else is 400 naming them.</summary>
    public static string? OptionalChoice(IQueryCollection query, string name, params string[] allowed)
    {
        var text = OptionalText(query, name);
        return text is null || allowed.Contains(text, StringComparer.Ordinal)
            ? text
            : throw Invalid(name, $"{name} must be {string.Join(" or ", allowed.Select(a => $"'{a}'"))}.");
    }

    /// <summary>400 <c>request.invalid_query</c> naming the parameter: the one shape every bad query value is answered with.</summary>
    public static DomainException Invalid(string name, string message)
        => new(FailureKind.BadRequest, "request.invalid_query", message, new Dictionary<string, string[]> { [name] = [message] });
}
