using Platform.Domain.Errors;

namespace Platform.Domain.Portal;

/// <summary>One page of a portal list: its items, its 1-based number, how many pages there are and how many items in all.</summary>
public sealed record PortalPage<T>(IReadOnlyList<T> Items, int Number, int PageCount, int Total)
{
    public bool HasPrevious => Number > 1;

    public bool HasNext => Number < PageCount;
}

/// <summary>Pagination of every portal list by page number (<c>?page=2</c>), the same for every list.</summary>
public static class PortalPaging
{
    public const int PageSize = 20;
    public const int MaxPage = 10_000;
    public const string InvalidPageCode = "request.invalid_query";

    /// <summary>The 1-based page asked for; absent is 1; anything but a whole number from 1 to <see cref="MaxPage"/> is 400.</summary>
    public static int ParsePage(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 1;
        }

        return text.Length <= 5 && text.All(char.IsAsciiDigit) && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is var page and >= 1 and <= MaxPage
            ? page
            : throw new DomainException(FailureKind.BadRequest, InvalidPageCode, $"page must be a whole number from 1 to {MaxPage}; got '{text}'.",
                new Dictionary<string, string[]> { ["page"] = [$"A whole number from 1 to {MaxPage}."] });
    }

    /// <summary>
    /// The page <paramref name="number"/> of <paramref name="items"/>. There is always at least one page (an empty list
    /// has one empty page); a number past the last page gives an empty page that still knows the page count.
    /// </summary>
    public static PortalPage<T> Slice<T>(IReadOnlyList<T> items, int number, int pageSize = PageSize)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var pageCount = Math.Max(1, (items.Count + pageSize - 1) / pageSize);
        var slice = items.Skip((number - 1) * pageSize).Take(pageSize).ToList();
        return new PortalPage<T>(slice, number, pageCount, items.Count);
    }
}
