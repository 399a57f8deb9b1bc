using Platform.Domain.Errors;

namespace Platform.Domain.Catalog;

/// <summary>Validation of a resource's field list before it enters the catalogue or a masking job.</summary>
public static class FieldDefinitionRules
{
    public const int MaxFields = 500;
    public const int MaxNameLength = 128;

    public const string InvalidFieldsCode = "catalog.invalid_fields";
    public const string CoreFieldCode = "catalog.core_field";

    /// <summary>
    /// Per-field errors keyed by JSON path (<c>{path}[3].grade</c>); empty when the list is acceptable.
    /// Names must be non-blank, at most <see cref="MaxNameLength"/> characters without control characters,
    /// and unique ignoring case (CSV headers and JSON properties are matched ignoring case).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Validate(IReadOnlyList<FieldDefinition>? fields, string path = "fields")
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }

        if (fields is null || fields.Count == 0)
        {
            Add(path, "A resource needs at least one field.");
            return Freeze(errors);
        }

        if (fields.Count > MaxFields)
        {
            Add(path, $"A resource has at most {MaxFields} fields.");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            var at = $"{path}[{i}]";
            if (field is null)
            {
                Add(at, "A field is required.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(field.Name))
            {
                Add($"{at}.name", "A field name is required.");
            }
            else if (field.Name.Length > MaxNameLength)
            {
                Add($"{at}.name", $"A field name has at most {MaxNameLength} characters.");
            }
            else if (field.Name.Any(char.IsControl) || field.Name != field.Name.Trim())
            {
                Add($"{at}.name", "A field name has no control characters and no leading or trailing white space.");
            }
            else if (seen.TryGetValue(field.Name, out var first))
            {
                Add($"{at}.name", $"Field name '{field.Name}' repeats field {first} (names are compared ignoring case).");
            }
            else
            {
                seen[field.Name] = i;
            }

            if (!Enum.IsDefined(field.Type))
            {
                Add($"{at}.type", $"Expected one of: {string.Join(", ", FieldType.WireNames)}.");
            }

            if (!Enum.IsDefined(field.Classification))
            {
                Add($"{at}.classification", $"Expected one of: {string.Join(", ", FieldClassification.WireNames)}.");
            }

            if (field.IdentifierKind is { } kind && !Enum.IsDefined(kind))
            {
                Add($"{at}.identifierKind", $"Expected one of: {string.Join(", ", IdentifierKind.WireNames)}.");
            }

            if (!Enum.IsDefined(field.Grade))
            {
                Add($"{at}.grade", $"Expected one of: {string.Join(", ", FieldGrade.WireNames)}.");
            }
            else if (field.Grade == FieldGrade.Core)
            {
                // M4.1: core data (GB/T 43697-2024) cannot enter authorized operation.
                Add($"{at}.grade", $"Field '{field.Name}' is graded core; core data cannot enter authorized operation.");
            }
        }

        return Freeze(errors);
    }

    /// <summary>
    /// Throws a 422 <see cref="DomainException"/> carrying the errors of <see cref="Validate"/>; its code is
    /// <see cref="CoreFieldCode"/> when the only problem is a core field, else <see cref="InvalidFieldsCode"/>.
    /// </summary>
    public static void EnsureValid(IReadOnlyList<FieldDefinition>? fields, string path = "fields")
    {
        var errors = Validate(fields, path);
        if (errors.Count == 0)
        {
            return;
        }

        var onlyCore = fields is not null
            && errors.Keys.All(key => key.EndsWith(".grade", StringComparison.Ordinal))
            && fields.Any(field => field?.Grade == FieldGrade.Core);
        throw onlyCore
            ? new DomainException(FailureKind.Unprocessable, CoreFieldCode, "Core data cannot enter authorized operation (M4.1).", errors)
            : new DomainException(FailureKind.Unprocessable, InvalidFieldsCode, "The field definitions are invalid.", errors);
    }

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}
