using Platform.Domain.Audit;
using Platform.Domain.Errors;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Domain.Workflows;

namespace Platform.Domain.Approvals;

/// <summary>The answer to a use of a link: the slot and the decision now on record.</summary>
public sealed record ApprovalDecisionOutcome(ApprovalSlot Slot, ApprovalDecision Decision);

/// <summary>
/// Decisions through signed links (docs/api.md#signed-links). A slot is settled once: the first use of any of its links writes the
/// claim row (a conditional insert), raises the orchestration's event and is audited; every later use, and every
/// refused link, is audited and answered 403/409/410. GET never decides.
/// </summary>
public sealed class ApprovalService(IApprovalStore store, ApprovalLinkSigner signer, IAuditTrail audit, IClock clock, IEnumerable<IApprovalSubjectSource> subjects)
{
    public const string DecisionEventName = nameof(ApprovalDecidedEvent);
    public const string UsedCode = "approval.link_used";
    public const string ClosedCode = "approval.link_closed";
    public const string InvalidDecisionCode = "approval.invalid";
    public const int MinScore = 1;
    public const int MaxScore = 5;
    public const int MaxCommentLength = 4000;

    /// <summary>Stores the slot (once) and signs a new link to it, valid until <paramref name="expiresAt"/>.</summary>
    public async Task<SignedApprovalLink> IssueAsync(ApprovalSlot slot, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await store.AddSlotAsync(slot, cancellationToken);
        var link = await signer.SignAsync(slot.InstanceId, slot.Slot, slot.Reviewer.Key, expiresAt, cancellationToken);
        await audit.RecordAsync(Caller.System, "approval.link_issued", TargetOf(slot.InstanceId, slot.Slot),
            new { slot.Reviewer, link.Claims.ExpiresAt, link.Claims.Nonce, link.KeyId }, cancellationToken);
        return link;
    }

    /// <summary>What the page behind a link shows; it changes nothing.</summary>
    public async Task<ApprovalPageModel> OpenAsync(string? token, CancellationToken cancellationToken = default)
    {
        var link = await signer.VerifyAsync(token, cancellationToken);
        var slot = await SlotOfAsync(link, cancellationToken);
        var claim = await store.GetClaimAsync(slot.InstanceId, slot.Slot, cancellationToken);
        var subject = await SubjectOf(slot).DescribeAsync(slot, cancellationToken);
        return new ApprovalPageModel(slot, subject, claim?.State ?? ApprovalSlotState.Open, claim, link.Claims.ExpiresAt);
    }

    /// <summary>Records the decision of a link's reviewer and raises the orchestration's event, exactly once per slot.</summary>
    public async Task<ApprovalDecisionOutcome> DecideAsync(string? token, ApprovalDecisionInput input, IWorkflowGateway workflows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(workflows);
        ParsedApprovalLink link;
        ApprovalSlot slot;
        try
        {
            link = await signer.VerifyAsync(token, cancellationToken);
            slot = await SlotOfAsync(link, cancellationToken);
        }
        catch (DomainException refused)
        {
            await audit.RecordAsync(Caller.Anonymous, "approval.refused", "approvals",
                new { refused.Code, Token = ApprovalLinkCodec.Fingerprint(token) }, cancellationToken);
            throw;
        }

        var holder = HolderOf(slot, link);
        var target = TargetOf(slot.InstanceId, slot.Slot);
        try
        {
            if (await store.GetClaimAsync(slot.InstanceId, slot.Slot, cancellationToken) is { } earlier)
            {
                throw Settled(earlier);
            }

            var subject = await SubjectOf(slot).DescribeAsync(slot, cancellationToken);
            var decision = Validate(input, subject.Criteria, clock.UtcNow);
            var claim = new ApprovalClaim(slot.InstanceId, slot.Slot, ApprovalSlotState.Decided, decision, link.Claims.Nonce, null, decision.DecidedAt);
            if (!await store.TryClaimAsync(claim, cancellationToken))
            {
                var winner = await store.GetClaimAsync(slot.InstanceId, slot.Slot, cancellationToken);
                throw winner is null ? new DomainException(FailureKind.Conflict, UsedCode, "The link was used at the same moment by another request.") : Settled(winner);
            }

            if (!await workflows.RaiseEventAsync(slot.InstanceId, DecisionEventName, new ApprovalDecidedEvent(slot.Slot, slot.Reviewer.Key, decision), cancellationToken))
            {
                throw new DomainException(FailureKind.Gone, ClosedCode, "The review this link belongs to has already ended; the decision was not counted.");
            }

            await audit.RecordAsync(holder, "approval.decided", target, new { decision.Kind, decision.Scores, decision.Comment, link.Claims.Nonce, link.KeyId }, cancellationToken);
            return new ApprovalDecisionOutcome(slot, decision);
        }
        catch (DomainException refused)
        {
            await audit.RecordAsync(holder, "approval.refused", target, new { refused.Code, link.Claims.Nonce }, cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// Closes the slots of a round that has ended, so their links stop working (410). Returns the slots that turned
    /// out to be decided already (a decision that raced the end of the round), with their decisions.
    /// </summary>
    public async Task<IReadOnlyList<ApprovalClaim>> CloseAsync(string instanceId, IEnumerable<string> slots, string reason, CancellationToken cancellationToken = default)
    {
        var decided = new List<ApprovalClaim>();
        foreach (var slot in slots)
        {
            var closing = new ApprovalClaim(instanceId, slot, ApprovalSlotState.Closed, null, null, reason, clock.UtcNow);
            if (await store.TryClaimAsync(closing, cancellationToken))
            {
                await audit.RecordAsync(Caller.System, "approval.closed", TargetOf(instanceId, slot), new { reason }, cancellationToken);
            }
            else if (await store.GetClaimAsync(instanceId, slot, cancellationToken) is { State: ApprovalSlotState.Decided } claim)
            {
                decided.Add(claim);
            }
        }

        return decided;
    }

    /// <summary>The decision recorded for a slot, if any (lets a lifecycle recover a decision whose event was lost).</summary>
    public async Task<ApprovalDecision?> FindDecisionAsync(string instanceId, string slot, CancellationToken cancellationToken = default)
        => (await store.GetClaimAsync(instanceId, slot, cancellationToken)) is { State: ApprovalSlotState.Decided, Decision: { } decision } ? decision : null;

    /// <summary>
    /// Checks a reviewer's input against the subject's criteria: a decision is required; scores are whole numbers
    /// 1–5 for known criteria, all of them when approving; a rejection or a request for changes says why.
    /// </summary>
    public static ApprovalDecision Validate(ApprovalDecisionInput input, IReadOnlyList<ApprovalCriterion> criteria, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var scores = input.Scores ?? new Dictionary<string, int>();
        var known = criteria.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        if (input.Decision is null)
        {
            errors["decision"] = ["Choose approve, reject or changes."];
        }

        foreach (var (key, value) in scores)
        {
            if (!known.Contains(key))
            {
                errors[$"scores.{key}"] = [$"Not a criterion of this review; the criteria are: {string.Join(", ", known)}."];
            }
            else if (value is < MinScore or > MaxScore)
            {
                errors[$"scores.{key}"] = [$"A score is a whole number from {MinScore} to {MaxScore}."];
            }
        }

        if (input.Decision == ApprovalDecisionKind.Approve)
        {
            foreach (var missing in criteria.Where(c => !scores.ContainsKey(c.Key)))
            {
                errors[$"scores.{missing.Key}"] = [$"Score '{missing.Label}' before approving."];
            }
        }

        var comment = input.Comment?.Trim();
        if (input.Decision is ApprovalDecisionKind.Reject or ApprovalDecisionKind.Changes && string.IsNullOrEmpty(comment))
        {
            errors["comment"] = ["Say why the scenario is rejected or what must change."];
        }
        else if (comment?.Length > MaxCommentLength)
        {
            errors["comment"] = [$"At most {MaxCommentLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, InvalidDecisionCode, "The decision has invalid fields.", errors);
        }

        var ordered = criteria.Where(c => scores.ContainsKey(c.Key)).ToDictionary(c => c.Key, c => scores[c.Key], StringComparer.Ordinal);
        return new ApprovalDecision(input.Decision!.Value, ordered, string.IsNullOrEmpty(comment) ? null : comment, now);
    }

    public static string TargetOf(string instanceId, string slot) => $"approvals/{instanceId}/{slot}";

    private async Task<ApprovalSlot> SlotOfAsync(ParsedApprovalLink link, CancellationToken cancellationToken)
    {
        var slot = await store.GetSlotAsync(link.Claims.InstanceId, link.Claims.Slot, cancellationToken);
        // A genuine signature over a slot that does not exist, or for another reviewer, means a key was misused.
        if (slot is null || slot.Reviewer.Key != link.Claims.Reviewer)
        {
            throw new DomainException(FailureKind.Forbidden, ApprovalLinkSigner.InvalidCode, "The link does not name a decision slot of this platform.");
        }

        return slot;
    }

    private IApprovalSubjectSource SubjectOf(ApprovalSlot slot)
        => subjects.FirstOrDefault(s => s.SubjectKind == slot.SubjectKind)
           ?? throw new InvalidOperationException($"No approval subject source is registered for kind '{slot.SubjectKind}'.");

    private static DomainException Settled(ApprovalClaim claim) => claim.State == ApprovalSlotState.Closed
        ? new DomainException(FailureKind.Gone, ClosedCode, "The review this link belongs to has ended (it was decided, superseded by a resubmission, or cancelled); the link no longer works.")
        : new DomainException(FailureKind.Conflict, UsedCode, $"This decision was already made on {claim.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}; a link decides once.");

    private static Caller HolderOf(ApprovalSlot slot, ParsedApprovalLink link)
        => new($"link:{link.Claims.Nonce}", slot.ReviewerRole, slot.Reviewer.Kind == "org" ? slot.Reviewer.Value : "");
}
