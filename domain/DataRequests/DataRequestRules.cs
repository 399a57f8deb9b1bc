using Platform.Domain.Approvals;
using Platform.Domain.Calendar;
using Platform.Domain.Errors;
using Platform.Domain.Scenarios;

namespace Platform.Domain.DataRequests;

/// <summary>One checked item of a request: a resource and the fields asked for (trimmed, in the order given).</summary>
public sealed record RequestedItem(string ResourceId, IReadOnlyList<string> Fields);

/// <summary>The rules of the Measures for data requests (M4.3), as pure functions.</summary>
public static class DataRequestRules
{
    public const string InvalidCode = "data_request.invalid";
    public const string ExceedsScenarioCode = "data_request.exceeds_scenario";
    public const string ReviewInvalidCode = "data_request.review_invalid";
    public const int MaxItems = 50;
    public const int MaxFieldsPerItem = 200;
    public const int MaxPurposeLength = 4000;
    public const int MaxCommentLength = 4000;

    public static string SlotOf(string providerId) => $"provider-{providerId}";

    /// <summary>Checks the shape of a draft; returns the items and purpose trimmed, or throws 422 <c>data_request.invalid</c> naming each bad field.</summary>
    public static (IReadOnlyList<RequestedItem> Items, string Purpose) Validate(DataRequestDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, string[]>();
        var purpose = draft.Purpose?.Trim() ?? "";
        if (purpose.Length == 0)
        {
            errors["purpose"] = ["Say what the data is for (M4.3)."];
        }
        else if (purpose.Length > MaxPurposeLength)
        {
            errors["purpose"] = [$"At most {MaxPurposeLength} characters."];
        }

        var items = new List<RequestedItem>();
        if (draft.Items is not { Count: > 0 })
        {
            errors["items"] = ["Name at least one resource and its fields."];
        }
        else if (draft.Items.Count > MaxItems)
        {
            errors["items"] = [$"At most {MaxItems} items."];
        }
        else
        {
            for (var i = 0; i < draft.Items.Count; i++)
            {
                var item = draft.Items[i];
                var resourceId = item?.ResourceId?.Trim() ?? "";
                if (resourceId.Length == 0)
                {
                    errors[$"items[{i}].resourceId"] = ["Required."];
                }
                else if (items.Any(existing => existing.ResourceId == resourceId))
                {
                    errors[$"items[{i}].resourceId"] = [$"Resource '{resourceId}' is named twice; list all its fields in one item."];
                }

                var fields = (item?.Fields ?? []).Select(f => f?.Trim() ?? "").ToList();
                if (fields.Count == 0)
                {
                    errors[$"items[{i}].fields"] = ["Name at least one field."];
                }
                else if (fields.Count > MaxFieldsPerItem)
                {
                    errors[$"items[{i}].fields"] = [$"At most {MaxFieldsPerItem} fields."];
                }
                else if (fields.Any(f => f.Length == 0))
                {
                    errors[$"items[{i}].fields"] = ["Field names must not be empty."];
                }
                else if (fields.Distinct(StringComparer.OrdinalIgnoreCase).Count() != fields.Count)
                {
                    errors[$"items[{i}].fields"] = ["A field is named twice."];
                }

                items.Add(new RequestedItem(resourceId, fields));
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, InvalidCode, "The data request has invalid fields.", errors);
        }

        return (items, purpose);
    }

    /// <summary>
    /// M4.3 data minimisation: a request may ask only for resources and fields the scenario was approved for. Throws
    /// 422 <c>data_request.exceeds_scenario</c> naming <c>items[i].resourceId</c> or <c>items[i].fields</c> and the fields beyond it.
    /// </summary>
    public static void EnsureWithinScenario(IReadOnlyList<RequestedItem> items, IReadOnlyList<DataNeed> approvedNeeds)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(approvedNeeds);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < items.Count; i++)
        {
            var need = approvedNeeds.FirstOrDefault(n => n.ResourceId == items[i].ResourceId);
            if (need is null)
            {
                errors[$"items[{i}].resourceId"] = [$"The scenario was not approved for resource '{items[i].ResourceId}'."];
                continue;
            }

            var approved = need.Fields.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var beyond = items[i].Fields.Where(f => !approved.Contains(f)).ToList();
            if (beyond.Count > 0)
            {
                errors[$"items[{i}].fields"] = [$"Not approved for this resource by the scenario: {string.Join(", ", beyond)}. Approved: {string.Join(", ", need.Fields)}."];
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, ExceedsScenarioCode,
                "The request asks for data beyond what the scenario was approved for (M4.3 data minimisation).", errors);
        }
    }

    /// <summary>The request's status from its items (see <see cref="DataRequestStatus"/>).</summary>
    public static DataRequestStatus Aggregate(IReadOnlyList<DataRequestItem> items, bool cancelled = false)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (cancelled)
        {
            return DataRequestStatus.Cancelled;
        }

        var approved = items.Count(i => i.Status == DataRequestItemStatus.Approved);
        if (items.Count > 0 && approved == items.Count)
        {
            return DataRequestStatus.Approved;
        }

        if (approved > 0)
        {
            return DataRequestStatus.PartiallyApproved;
        }

        return items.Count > 0 && items.All(i => i.Status == DataRequestItemStatus.Rejected) ? DataRequestStatus.Rejected : DataRequestStatus.Pending;
    }

    /// <summary>
    /// Reads a provider's review: one <c>decision</c> for all its items, or an <c>items[]</c> entry per item (items left
    /// out take <c>decision</c>). A rejection says why. Throws 422 <c>data_request.review_invalid</c> naming each bad field.
    /// </summary>
    public static (IReadOnlyDictionary<string, ItemDecisionKind> Items, string? Comment) ResolveReview(ReviewDraft draft, IReadOnlyList<DataRequestItem> providerItems)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, string[]>();
        var decisions = new Dictionary<string, ItemDecisionKind>(StringComparer.Ordinal);
        var own = providerItems.Select(i => i.ResourceId).ToHashSet(StringComparer.Ordinal);
        var entries = draft.Items ?? [];
        for (var i = 0; i < entries.Count; i++)
        {
            var resourceId = entries[i]?.ResourceId?.Trim() ?? "";
            if (!own.Contains(resourceId))
            {
                errors[$"items[{i}].resourceId"] = [$"'{resourceId}' is not one of the resources this request asks of you: {string.Join(", ", own)}."];
            }
            else if (entries[i]!.Decision is not { } kind)
            {
                errors[$"items[{i}].decision"] = ["Choose approve or reject."];
            }
            else if (!decisions.TryAdd(resourceId, kind))
            {
                errors[$"items[{i}].resourceId"] = [$"Resource '{resourceId}' is decided twice."];
            }
        }

        foreach (var item in providerItems.Where(item => !decisions.ContainsKey(item.ResourceId)))
        {
            if (draft.Decision is { } overall)
            {
                decisions[item.ResourceId] = overall;
            }
            else if (!errors.ContainsKey("decision"))
            {
                errors["decision"] = ["Choose approve or reject (for every item not listed in items)."];
            }
        }

        var comment = draft.Comment?.Trim();
        if (comment?.Length > MaxCommentLength)
        {
            errors["comment"] = [$"At most {MaxCommentLength} characters."];
        }
        else if (decisions.Values.Any(d => d == ItemDecisionKind.Reject) && string.IsNullOrEmpty(comment))
        {
            // M4.3: a refusal is explained to the operator.
            errors["comment"] = ["Say why the data is refused."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, ReviewInvalidCode, "The review has invalid fields.", errors);
        }

        return (decisions, string.IsNullOrEmpty(comment) ? null : comment);
    }

    /// <summary>
    /// A decision through a signed link covers all of the provider's items. The page also offers "changes"; a data
    /// request is not revised in place, so it counts as a refusal and the operator may file a new request.
    /// </summary>
    public static IReadOnlyDictionary<string, ItemDecisionKind> ItemsOfLinkDecision(ApprovalDecisionKind kind, IEnumerable<DataRequestItem> providerItems)
        => providerItems.ToDictionary(i => i.ResourceId, _ => kind == ApprovalDecisionKind.Approve ? ItemDecisionKind.Approve : ItemDecisionKind.Reject, StringComparer.Ordinal);

    /// <summary>The kind recorded on the review slot for a set of item decisions: approve when anything is approved.</summary>
    public static ApprovalDecisionKind SlotKindOf(IReadOnlyDictionary<string, ItemDecisionKind> items)
        => items.Values.Any(d => d == ItemDecisionKind.Approve) ? ApprovalDecisionKind.Approve : ApprovalDecisionKind.Reject;

    /// <summary>Stores the computed deadline of a review; once set it stays, so a repeated step computes nothing new.</summary>
    public static DataRequest Schedule(DataRequest request, string slot, ReviewDeadlineResult deadline, ReminderResult? reminder, DateTimeOffset now)
    {
        var review = request.Review(slot) ?? throw new InvalidOperationException($"Data request {request.Id} has no review '{slot}'.");
        if (review.DueAt is not null)
        {
            return request;
        }

        var scheduled = review with
        {
            DueAt = deadline.DueAtUtc,
            DueLegalDate = deadline.DueLegalDate,
            CountingStartsOn = deadline.CountingStartsOn,
            CalendarFallbackYears = deadline.FallbackYears,
            RemindAt = reminder?.RemindAtUtc,
            Decision = review.Decision is { } decided ? decided with { Late = decided.DecidedAt > deadline.DueAtUtc } : null,
        };
        return Replace(request, scheduled, now);
    }

    /// <summary>
    /// Files a provider's decision on its items; a review already decided or closed is left as it is.
    /// <paramref name="legalDecidedAt"/> is the legal instant the decision stands for when lifecycle time is compressed
    /// (docs/lifecycles.md); by default the decision instant itself.
    /// </summary>
    public static DataRequest RecordDecision(DataRequest request, string slot, IReadOnlyDictionary<string, ItemDecisionKind> items, string? comment,
        DateTimeOffset decidedAt, string decidedBy, ReviewChannel channel, DateTimeOffset now, DateTimeOffset? legalDecidedAt = null)
    {
        var review = request.Review(slot) ?? throw new InvalidOperationException($"Data request {request.Id} has no review '{slot}'.");
        if (!review.IsOpen || request.IsCancelled)
        {
            return request;
        }

        // M4.7.2: a decision at or after the due moment, or once the review was marked overdue, is accepted and recorded as late.
        var late = review.Overdue || (review.DueAt is { } due && (legalDecidedAt ?? decidedAt) >= due);
        var decided = review with { Decision = new ProviderDecision(items, comment, decidedAt, decidedBy, channel, late) };
        var updatedItems = request.Items.Select(item => item.ProviderId == review.ProviderId && items.TryGetValue(item.ResourceId, out var kind)
            ? item with { Status = kind == ItemDecisionKind.Approve ? DataRequestItemStatus.Approved : DataRequestItemStatus.Rejected, Comment = comment }
            : item).ToList();
        var updated = Replace(request with { Items = updatedItems }, decided, now);
        return Complete(updated, now);
    }

    /// <summary>M4.3: an open review at its deadline is marked overdue (once); nothing is decided by it.</summary>
    public static DataRequest MarkOverdue(DataRequest request, string slot, DateTimeOffset now)
    {
        var review = request.Review(slot);
        if (review is null || !review.IsOpen || review.Overdue || request.IsCancelled)
        {
            return request;
        }

        return Replace(request, review with { Overdue = true, EscalatedAt = now }, now);
    }

    public static DataRequest MarkReminded(DataRequest request, string slot, DateTimeOffset now)
    {
        var review = request.Review(slot);
        return review is null || review.RemindedAt is not null ? request : Replace(request, review with { RemindedAt = now }, now);
    }

    public static DataRequest MarkProvisioned(DataRequest request, string slot, DateTimeOffset now, string? error = null)
    {
        var review = request.Review(slot);
        if (review is null || (error is null ? review.ProvisionedAt is not null : review.ProvisioningError == error))
        {
            return request;
        }

        return Replace(request, error is null ? review with { ProvisionedAt = now, ProvisioningError = null } : review with { ProvisioningError = error }, now);
    }

    /// <summary>M3.6: the agreement ended, so open reviews are closed and undecided items cancelled; decided ones stay.</summary>
    public static DataRequest Cancel(DataRequest request, string reason, DateTimeOffset now)
    {
        if (request.IsCancelled || request.CompletedAt is not null)
        {
            return request;
        }

        var items = request.Items.Select(i => i.Status == DataRequestItemStatus.Pending ? i with { Status = DataRequestItemStatus.Cancelled } : i).ToList();
        var reviews = request.Reviews.Select(r => r.IsOpen ? r with { Closed = true } : r).ToList();
        return request with
        {
            Items = items,
            Reviews = reviews,
            Status = DataRequestStatus.Cancelled,
            CancelledAt = now,
            CancelReason = reason,
            UpdatedAt = now,
        };
    }

    /// <summary>The timeliness record of a review as it now stands.</summary>
    public static ReviewTimeliness? TimelinessOf(DataRequest request, ProviderReview review)
        => review.DueAt is { } due && review.DueLegalDate is { } dueDate
            ? new ReviewTimeliness(review.ProviderId, request.Id, Time.ChinaTime.LegalDate(request.SubmittedAt).Year, request.SubmittedAt, due, dueDate,
                review.Decision?.DecidedAt, review.Overdue, review.Decision?.Late ?? false, review.Closed)
            : null;

    private static DataRequest Replace(DataRequest request, ProviderReview review, DateTimeOffset now)
        => request with
        {
            Reviews = request.Reviews.Select(r => r.Slot == review.Slot ? review : r).ToList(),
            Status = Aggregate(request.Items.ToList(), request.IsCancelled),
            UpdatedAt = now,
        };

    private static DataRequest Complete(DataRequest request, DateTimeOffset now)
    {
        var status = Aggregate(request.Items, request.IsCancelled);
        return request with
        {
            Status = status,
            CompletedAt = request.Reviews.All(r => !r.IsOpen) ? request.CompletedAt ?? now : null,
        };
    }
}
