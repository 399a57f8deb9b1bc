namespace Platform.Functions.Auth;

/// <summary>
/// Marks an HTTP function that anyone may call without a token (docs/api.md#roles: health, catalogue, disclosure, published
/// products, signed-link approval pages). The OpenAPI document reads it; the function itself must also pass
/// <see cref="ApiAccess.Anonymous"/> to the pipeline.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AllowAnonymousAccessAttribute : Attribute;
