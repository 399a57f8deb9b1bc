using System.Text.Json;

namespace Platform.Domain.Sandbox;

/// <summary>Helpers over the engine's JSON serialisation of a parsed statement (<c>json_serialize_sql</c>).</summary>
internal static class SqlAst
{
    /// <summary>Every JSON object in <paramref name="element"/>, itself included, depth first.</summary>
    public static IEnumerable<JsonElement> Objects(JsonElement element)
    {
        var stack = new Stack<JsonElement>();
        stack.Push(element);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            switch (current.ValueKind)
            {
                case JsonValueKind.Object:
                    yield return current;
                    foreach (var property in current.EnumerateObject())
                    {
                        if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        {
                            stack.Push(property.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in current.EnumerateArray())
                    {
                        if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        {
                            stack.Push(item);
                        }
                    }

                    break;
            }
        }
    }

    public static string? String(JsonElement node, string property) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static string? ExpressionClass(JsonElement node) => String(node, "class");

    /// <summary>A table reference (in <c>from_table</c>) has a <c>type</c> but no expression <c>class</c>.</summary>
    public static bool IsTableRef(JsonElement node, string type) =>
        node.ValueKind == JsonValueKind.Object && !node.TryGetProperty("class", out _) && String(node, "type") == type
        && node.TryGetProperty("table_name", out _);

    public static bool IsNullOrEmpty(JsonElement node, string property) =>
        !node.TryGetProperty(property, out var value)
        || value.ValueKind == JsonValueKind.Null
        || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0);

    public static IEnumerable<string> Strings(JsonElement node, string property)
    {
        if (node.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { } text)
                {
                    yield return text;
                }
            }
        }
    }
}
