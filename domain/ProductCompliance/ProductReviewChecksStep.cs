using Platform.Domain.Audit;
using Platform.Domain.Calendar;
using Platform.Domain.Products;
using Platform.Domain.Security;
using Platform.Domain.Time;

namespace Platform.Domain.ProductCompliance;

/// <summary>The first step of the product-compliance review (M4.5.1): automated checks and the plan of the round.</summary>
public sealed class ProductReviewChecksStep(IProductComplianceSubject subject, ICalendarStore calendars, IAuditTrail audit, IClock clock, ProductComplianceSettings settings)
{
    /// <summary>
    /// Activity: loads the facts, runs the automated checks, plans the round and records the checks on the product.
    /// A product that no longer exists is reported as withdrawn (there is nothing left to review).
    /// </summary>
    public async Task<ProductChecksResult> RunChecksAsync(ProductComplianceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var facts = await subject.LoadFactsAsync(request.ProductId, cancellationToken);
        if (facts is null)
        {
            return new ProductChecksResult(ProductStatus.Withdrawn, [], null);
        }

        var findings = ProductComplianceChecks.Run(facts, ChinaTime.Today(clock));
        var startedAt = new DateTimeOffset(DateTime.SpecifyKind(request.AnchorUtc, DateTimeKind.Utc));
        var year = ChinaTime.LegalDate(startedAt).Year;
        var calendar = await calendars.LoadAsync(year, year + 1, cancellationToken);
        var plan = ProductReviewPlanning.Plan(facts, request.Round, startedAt, settings, calendar);
        var status = await subject.RecordAutomatedChecksAsync(request.ProductId, plan.Track, findings, cancellationToken);
        await audit.RecordAsync(Caller.System, "product.compliance_checked", ProductRules.TargetOf(request.ProductId),
            new { request.Round, plan.Track, Findings = findings.Select(f => new { f.Rule, f.Code, f.Dataset, f.Field, f.Row }) }, cancellationToken);
        return new ProductChecksResult(status, findings, plan);
    }
}
