using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Security;

namespace Platform.Domain.Resources;

/// <summary>The catalogue rules of the Measures (M4.1) as pure functions over <see cref="Resource"/>.</summary>
public static class ResourceRules
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxShortTextLength = 100;
    public const int MaxCommentLength = 2000;
    public const int MaxDocumentRefLength = 200;

    /// <summary>
    /// Checks what a provider registers and returns the field definitions; throws 422 naming each bad field
    /// (<c>catalog.core_field</c> when the only problem is a field graded core).
    /// </summary>
    public static IReadOnlyList<FieldDefinition> ValidateNew(NewResource request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        RequireText(errors, "name", request.Name, MaxNameLength);
        RequireText(errors, "description", request.Description, MaxDescriptionLength);
        RequireText(errors, "domain", request.Domain, MaxShortTextLength);
        RequireText(errors, "updateFrequency", request.UpdateFrequency, MaxShortTextLength);

        List<FieldDefinition>? definitions = null;
        if (request.Fields is { } declared)
        {
            definitions = new List<FieldDefinition>(declared.Count);
            for (var i = 0; i < declared.Count; i++)
            {
                var field = declared[i];
                if (field is null)
                {
                    errors[$"fields[{i}]"] = ["A field is required."];
                    field = new NewResourceField(null, null, null, null, null, null);
                }

                // No default for these two: a forgotten classification must not silently become "public".
                if (field.Classification is null)
                {
                    errors[$"fields[{i}].classification"] = [$"Required: one of {string.Join(", ", FieldClassification.WireNames)}."];
                }

                if (field.Grade is null)
                {
                    errors[$"fields[{i}].grade"] = [$"Required: one of {string.Join(", ", FieldGrade.WireNames)}."];
                }

                definitions.Add(new FieldDefinition(
                    field.Name ?? "",
                    field.Type ?? FieldType.String,
                    field.Classification ?? FieldClassification.Public,
                    field.Grade ?? FieldGrade.General,
                    field.IdentifierKind,
                    field.QuasiIdentifier ?? false));
            }
        }

        if (errors.Count > 0)
        {
            foreach (var (key, messages) in FieldDefinitionRules.Validate(definitions))
            {
                errors.TryAdd(key, messages);
            }

            throw new DomainException(FailureKind.Unprocessable, "resource.invalid", "The resource has invalid fields.", errors);
        }

        // M4.1: fields graded core cannot enter authorized operation (catalog.core_field names each one).
        FieldDefinitionRules.EnsureValid(definitions);
        return definitions!;
    }

    /// <summary>Who may read a resource: the authority, its provider, and the original provider whose consent it needs.</summary>
    public static bool MayRead(Caller caller, Resource resource) => caller.Role switch
    {
        Roles.Authority => true,
        Roles.Provider => caller.Organization == resource.ProviderId || (resource.SharedFrom is not null && caller.Organization == resource.SharedFrom),
        _ => false,
    };

    public static bool IsOwner(Caller caller, Resource resource) => caller.Role == Roles.Provider && caller.Organization == resource.ProviderId;

    /// <summary>The uploaded file replaces any earlier one; only while the resource is a draft, so what was reviewed is what is published.</summary>
    public static Resource AttachData(Resource resource, ResourceData data)
    {
        EnsureAcceptsData(resource);
        return resource with { Data = data };
    }

    public static void EnsureAcceptsData(Resource resource) => EnsureDraft(resource, "Data can be uploaded only while the resource is a draft");

    /// <summary>M4.1: submission asks for the catalogue sample; it needs the data and a draft.</summary>
    public static Resource Submit(Resource resource, string sampleJobId, int sampleRows, long seed, DateTimeOffset now)
    {
        EnsureDraft(resource, "Only a draft can be submitted");
        if (resource.Data is null)
        {
            throw new DomainException(FailureKind.Conflict, "resource.no_data", "Upload the resource data (PUT /api/resources/{id}/data) before submitting it: the sample is built from it (M4.1).");
        }

        return resource with
        {
            Status = ResourceStatus.Submitted,
            SubmittedAt = now,
            Sample = new ResourceSample(sampleJobId, SampleStatus.Pending, sampleRows, seed, null, [], null, null, now, null),
            Review = null,
        };
    }

    /// <summary>
    /// Records how the sample job ended. A failed sample returns the resource to draft, so the provider can upload a
    /// readable file and submit again. Outcomes of a job that is no longer the resource's sample, or repeated ones,
    /// change nothing (the same instance is returned).
    /// </summary>
    public static Resource ApplySampleOutcome(Resource resource, SampleOutcome outcome, DateTimeOffset now)
    {
        if (resource.Sample is not { Status: SampleStatus.Pending } sample || sample.JobId != outcome.JobId || resource.Status != ResourceStatus.Submitted)
        {
            return resource;
        }

        if (outcome.Succeeded)
        {
            return resource with
            {
                Sample = sample with { Status = SampleStatus.Ready, RowsOut = outcome.RowsOut, SuspectedIdentifierFields = outcome.SuspectedIdentifierFields, CompletedAt = now },
            };
        }

        return resource with
        {
            Status = ResourceStatus.Draft,
            Sample = sample with { Status = SampleStatus.Failed, FailureCode = outcome.FailureCode, FailureReason = outcome.FailureReason, CompletedAt = now },
        };
    }

    /// <summary>The authority's catalogue review (M4.1): approval publishes and needs the sample and, for shared data, the original provider's consent.</summary>
    public static Resource Review(Resource resource, ReviewDecision decision, string? comment, DateTimeOffset now, string decidedBy)
    {
        comment = Clean(comment);
        if (comment?.Length > MaxCommentLength)
        {
            throw Invalid("comment", $"comment is at most {MaxCommentLength} characters.");
        }

        if (resource.Status != ResourceStatus.Submitted)
        {
            throw new DomainException(FailureKind.Conflict, "resource.not_submitted", $"Only a submitted resource can be reviewed; this one is {Wire(resource.Status)}.");
        }

        if (decision == ReviewDecision.Reject)
        {
            if (comment is null)
            {
                throw Invalid("comment", "A rejection needs a comment saying what is wrong.");
            }

            return resource with { Status = ResourceStatus.Rejected, Review = new ResourceReview(decision, comment, now, decidedBy) };
        }

        if (resource.Sample is not { Status: SampleStatus.Ready })
        {
            // M4.1: the catalogue entry includes sample data, so it cannot be published without one.
            throw new DomainException(FailureKind.Conflict, "resource.sample_not_ready",
                "The masked sample is not ready yet; approve once its masking job has succeeded (see the resource's sample.jobId).");
        }

        if (resource.SharedFrom is not null && resource.Consent?.Granted != true)
        {
            // M4.1: data obtained through government data sharing needs the original provider's consent.
            throw new DomainException(FailureKind.Conflict, "resource.consent_required",
                resource.Consent is null
                    ? $"The resource comes from '{resource.SharedFrom}' through data sharing; its consent is required before publication (M4.1)."
                    : $"'{resource.SharedFrom}' refused consent to publishing the resource (M4.1).");
        }

        return resource with { Status = ResourceStatus.Published, Review = new ResourceReview(decision, comment, now, decidedBy), PublishedAt = now };
    }

    /// <summary>M4.1: the original provider consents to (or refuses) the authorized operation of data it shared.</summary>
    public static Resource RecordConsent(Resource resource, Caller caller, ReviewDecision decision, string? comment, string? documentRef, DateTimeOffset now)
    {
        comment = Clean(comment);
        documentRef = Clean(documentRef);
        var errors = new Dictionary<string, string[]>();
        if (comment?.Length > MaxCommentLength)
        {
            errors["comment"] = [$"comment is at most {MaxCommentLength} characters."];
        }

        if (documentRef?.Length > MaxDocumentRefLength)
        {
            errors["documentRef"] = [$"documentRef is at most {MaxDocumentRefLength} characters."];
        }

        if (errors.Count > 0)
        {
            throw new DomainException(FailureKind.Unprocessable, "resource.invalid", "The consent has invalid fields.", errors);
        }

        if (resource.SharedFrom is null || caller.Role != Roles.Provider || caller.Organization != resource.SharedFrom)
        {
            throw new DomainException(FailureKind.Forbidden, "resource.not_original_provider",
                resource.SharedFrom is null
                    ? "This resource was not obtained through data sharing, so no consent is needed."
                    : $"Only the original provider '{resource.SharedFrom}' can consent to this resource.");
        }

        if (resource.Status is ResourceStatus.Published or ResourceStatus.Rejected)
        {
            throw new DomainException(FailureKind.Conflict, "resource.already_decided", $"The resource is already {Wire(resource.Status)}; consent can no longer change.");
        }

        return resource with { Consent = new ResourceConsent(decision, comment, documentRef, caller.Organization, now, caller.Subject) };
    }

    public static string Wire(ResourceStatus status) => status.ToString().ToLowerInvariant();

    public static DomainException NotFound(string id) => new(FailureKind.NotFound, "resource.not_found", $"Resource '{id}' does not exist.");

    public static DomainException Invalid(string field, string message)
        => new(FailureKind.Unprocessable, "resource.invalid", message, new Dictionary<string, string[]> { [field] = [message] });

    private static void EnsureDraft(Resource resource, string what)
    {
        if (resource.Status != ResourceStatus.Draft)
        {
            throw new DomainException(FailureKind.Conflict, "resource.not_draft", $"{what}; this resource is {Wire(resource.Status)}.");
        }
    }

    private static void RequireText(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > maxLength)
        {
            errors[field] = [$"{field} is required and at most {maxLength} characters."];
        }
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>What a provider registers (M4.1); every member may be missing from a request and is checked here.</summary>
public sealed record NewResource(
    string? Name,
    string? Description,
    string? Domain,
    string? UpdateFrequency,
    IReadOnlyList<NewResourceField?>? Fields,
    string? SharedFrom);

/// <summary>One declared field; <see cref="Type"/> defaults to string, the rest must be given except the identifier kind.</summary>
public sealed record NewResourceField(
    string? Name,
    FieldType? Type,
    FieldClassification? Classification,
    FieldGrade? Grade,
    IdentifierKind? IdentifierKind,
    bool? QuasiIdentifier);

/// <summary>How a catalogue sample job ended, as the resource records it.</summary>
public sealed record SampleOutcome(
    string JobId,
    bool Succeeded,
    long? RowsOut,
    IReadOnlyList<string> SuspectedIdentifierFields,
    string? FailureCode,
    string? FailureReason);
