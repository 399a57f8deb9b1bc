using Platform.Domain.Approvals;
using Platform.Domain.Notifications;
using Platform.Domain.Security;
using Platform.Domain.Time;
using static Platform.Domain.DataRequests.DataRequestContract;

namespace Platform.Domain.DataRequests;

/// <summary>
/// Workflow steps: a provider's review task, its reminder before the deadline and its notices after it, each with a
/// freshly signed link and the authenticated route, sent once through the outbox.
/// </summary>
public sealed class DataRequestReviewTasks(
    DataRequestRecords records,
    ApprovalService approvals,
    ApprovalLinkSettings links,
    INotificationOutbox outbox,
    IClock clock,
    TimeCompression compression)
{
    /// <summary>
    /// Signs a link for the provider's slot and sends the review task through the outbox. <paramref name="notice"/>
    /// <see cref="ReviewNotice.Request"/> is the task itself; later notices carry a fresh link.
    /// </summary>
    public async Task IssueReviewTaskAsync(string id, string slot, ReviewNotice notice = ReviewNotice.Request, int number = 0, CancellationToken cancellationToken = default)
    {
        var request = await records.RequireAsync(id, cancellationToken);
        var review = request.Review(slot) ?? throw new InvalidOperationException($"Data request {id} has no review '{slot}'.");
        if (!review.IsOpen || request.IsCancelled)
        {
            return;
        }

        var now = clock.UtcNow;
        var due = review.DueAt ?? now;
        var approvalSlot = new ApprovalSlot(request.InstanceId, slot, Recipient.Organization(review.ProviderId), Roles.Provider, SubjectKind, id, 1, request.SubmittedAt, due);
        var link = await approvals.IssueAsync(approvalSlot, now + compression.Compress(links.Lifetime), cancellationToken);
        var operatorName = await records.OrganizationNameAsync(request.OperatorId, cancellationToken);
        await outbox.SendAsync(DataRequestNotices.ReviewTask(request, review, notice, number, operatorName, link.Url, now), cancellationToken);
        if (notice == ReviewNotice.Reminder)
        {
            await records.ChangeAsync(id, (r, at) => DataRequestRules.MarkReminded(r, slot, at), cancellationToken);
        }
    }

    /// <summary>A reminder before the deadline; returns the request's status (cancelled stops the review).</summary>
    public async Task<DataRequestStatus> RemindAsync(string id, string slot, CancellationToken cancellationToken = default)
    {
        await IssueReviewTaskAsync(id, slot, ReviewNotice.Reminder, 0, cancellationToken);
        return (await records.RequireAsync(id, cancellationToken)).Status;
    }
}
