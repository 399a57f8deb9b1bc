using Microsoft.AspNetCore.Http;
using Platform.Domain.Security;

namespace Platform.Functions.Auth;

/// <summary>Turns the request's credentials into a <see cref="Caller"/>; a seam so feature tests can fake who calls.</summary>
public interface ICallerAuthenticator
{
    /// <summary>
    /// The caller named by the bearer token, or <see cref="Caller.Anonymous"/> when no Authorization header is sent.
    /// An invalid token throws a 401 <see cref="Platform.Domain.Errors.DomainException"/>.
    /// </summary>
    Task<Caller> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken);
}
