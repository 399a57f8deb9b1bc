using System.Text.Json;

namespace Platform.Domain.Products;

/// <summary>
/// Wire names of the enums products use (kebab case, as the HTTP layer writes them: <c>in-review</c>, <c>public-good</c>);
/// also the values of the filter columns in storage.
/// </summary>
public static class ProductWire
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum
        => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static IReadOnlyList<string> All<TEnum>()
        where TEnum : struct, Enum
        => Enum.GetValues<TEnum>().Select(Of).ToList();

    public static bool TryParse<TEnum>(string? wire, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Of(candidate), wire, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
