namespace Platform.Functions.OpenApi;

/// <summary>Summary, description and tags of an HTTP function in the OpenAPI document (tags default to the first route segment).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpenApiOperationAttribute : Attribute
{
    public string? Summary { get; set; }

    public string? Description { get; set; }

    public string[]? Tags { get; set; }
}

/// <summary>The body a function reads; repeat the attribute for each accepted media type (e.g. JSON and an HTML form).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiRequestBodyAttribute(Type bodyType) : Attribute
{
    public Type BodyType { get; } = bodyType;

    public string ContentType { get; set; } = "application/json";

    public bool Required { get; set; } = true;

    public string? Description { get; set; }
}

/// <summary>A response a function gives. Problem answers (4xx/5xx) take <c>typeof(ApiProblemDetails)</c> and are written as application/problem+json.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiResponseAttribute(int statusCode, Type? bodyType = null) : Attribute
{
    public int StatusCode { get; } = statusCode;

    public Type? BodyType { get; } = bodyType;

    public string? ContentType { get; set; }

    public string? Description { get; set; }

    /// <summary>Set on 201/202 answers that carry a <c>Location</c> header.</summary>
    public bool HasLocation { get; set; }
}

/// <summary>A query-string parameter (route parameters are taken from the route template).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiQueryParameterAttribute(string name, Type valueType) : Attribute
{
    public string Name { get; } = name;

    public Type ValueType { get; } = valueType;

    public bool Required { get; set; }

    public string? Description { get; set; }
}

/// <summary>Documents the platform's paging parameters <c>pageSize</c> and <c>continuationToken</c>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpenApiPagingAttribute : Attribute;
