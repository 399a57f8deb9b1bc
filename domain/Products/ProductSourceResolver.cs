using Platform.Domain.Agreements;
using Platform.Domain.Errors;
using Platform.Domain.Grants;
using Platform.Domain.Sandbox;
using Platform.Domain.Scenarios;
using Platform.Domain.Security;

namespace Platform.Domain.Products;

/// <summary>
/// The sources of an operator's product (M4.5): released full-mode sandbox outputs of the caller's own staff over grants
/// of the product's scenario, each named once, all inside the authorised scope (M3.3, M5.5.4).
/// </summary>
public sealed class ProductSourceResolver(ISandboxJobStore jobs, IGrantStore grants, AgreementScopeGuard scope)
{
    /// <summary>
    /// The jobs and their grants; throws 422 <c>product.invalid_source</c> with every problem so far in
    /// <paramref name="errors"/> (the draft's own problems included) when any is found.
    /// </summary>
    public async Task<List<(SandboxJob Job, Grant Grant)>> ResolveAsync(IReadOnlyList<string?> jobIds, Caller caller, Scenario scenario, Agreement agreement,
        Dictionary<string, string[]> errors, CancellationToken cancellationToken = default)
    {
        var sources = new List<(SandboxJob Job, Grant Grant)>();
        for (var i = 0; i < jobIds.Count; i++)
        {
            var job = string.IsNullOrWhiteSpace(jobIds[i]) || jobIds[i]!.Length > 64 ? null : (await jobs.GetAsync(jobIds[i]!.Trim(), cancellationToken))?.Value;
            var grant = job is null ? null : (await grants.GetAsync(job.GrantId, cancellationToken))?.Value;
            var problem = job is null || job.OrganizationId != caller.Organization ? "No sandbox job of your organisation's staff has this id."
                : job.Mode != SandboxMode.Full ? "Only full-mode outputs (over the authorized data library) can become products; sample outputs are for development."
                : job.Status != SandboxJobStatus.Released ? $"The job's output was not released (status {job.Status.ToString().ToLowerInvariant()})."
                : grant is null || grant.ScenarioId != scenario.Id ? "The job ran over a grant of another scenario."
                : sources.Any(s => s.Job.Id == job.Id) ? "Named twice."
                : null;
            if (problem is not null)
            {
                errors[$"sourceJobIds[{i}]"] = [problem];
            }
            else
            {
                sources.Add((job!, grant!));
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "product.invalid_source", "Some sandbox outputs named cannot be used for this product.", errors);
        }

        // M3.3, M5.5.4: a product is registered only from data inside the authorised scope.
        await scope.EnsureCoversAsync(agreement, sources.SelectMany((s, i) => s.Grant.Tables.Select(t => new ScopeItem($"sourceJobIds[{i}]", t.ResourceId, t.ProviderId))), cancellationToken);
        return sources;
    }
}
