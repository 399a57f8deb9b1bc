using System.Reflection;
using System.Text.Json.Serialization;

namespace Platform.Domain.Catalog;

/// <summary>
/// The wire names of an enum, read once from its <see cref="JsonStringEnumMemberNameAttribute"/>s so that
/// System.Text.Json and the explicit Parse/ToWire helpers can never disagree.
/// </summary>
public static class WireNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly TEnum[] Values = Enum.GetValues<TEnum>();

    private static readonly string[] Names = Values.Select(NameOf).ToArray();

    /// <summary>Every wire name, in declaration order (for error messages and documentation).</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Names);

    public static string ToWire(TEnum value)
    {
        var index = Array.IndexOf(Values, value);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(TEnum).Name} has no member {value}.");
        }

        return Names[index];
    }

    /// <summary>Exact, case-sensitive match, as System.Text.Json does for these names.</summary>
    public static bool TryParse(string? wire, out TEnum value)
    {
        if (wire is not null)
        {
            for (var i = 0; i < Names.Length; i++)
            {
                if (string.Equals(Names[i], wire, StringComparison.Ordinal))
                {
                    value = Values[i];
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    public static TEnum Parse(string wire) =>
        TryParse(wire, out var value)
            ? value
            : throw new FormatException($"'{wire}' is not a {typeof(TEnum).Name}; expected one of: {string.Join(", ", Names)}.");

    private static string NameOf(TEnum value)
    {
        var member = typeof(TEnum).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)!;
        return member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{value} has no wire name.");
    }
}

/// <summary>
/// Serialises an enum by its wire names only: integers are refused on input so that a client cannot send
/// <c>"classification": 2</c> and bypass the vocabulary.
/// </summary>
public sealed class WireEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public WireEnumConverter()
        : base(namingPolicy: null, allowIntegerValues: false)
    {
    }
}
