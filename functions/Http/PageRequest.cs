using Microsoft.AspNetCore.Http;
using Platform.Domain.Errors;

namespace Platform.Functions.Http;

/// <summary>
/// Paging of list routes: <c>pageSize</c> (1..200, default 50) and the opaque <c>continuationToken</c> the previous page
/// returned. The token is passed through untouched; only its size is checked here.
/// </summary>
public sealed record PageRequest(int PageSize, string? ContinuationToken)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxContinuationTokenLength = 4096;

    public static PageRequest FromQuery(IQueryCollection query)
    {
        var pageSize = DefaultPageSize;
        var sizeText = query["pageSize"].ToString();
        if (sizeText.Length > 0 && (!int.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pageSize)
                                    || pageSize is < 1 or > MaxPageSize))
        {
            throw Invalid("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}; got '{sizeText}'.");
        }

        var token = query["continuationToken"].ToString();
        if (token.Length > MaxContinuationTokenLength)
        {
            throw Invalid("continuationToken", "continuationToken is not one this service issued.");
        }

        return new PageRequest(pageSize, token.Length == 0 ? null : token);
    }

    private static DomainException Invalid(string field, string message)
        => new(FailureKind.BadRequest, "request.invalid_paging", message, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>One page of a list answer; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);
