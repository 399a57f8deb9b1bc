using Platform.Domain.Catalog;
using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Resources;

public sealed class ResourceRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);

    private static Resource Draft(string? sharedFrom = null, bool withData = true) => new(
        "res-1", "org-provider", "居民登记", "说明", "民政", "每月",
        [new FieldDefinition("姓名", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Name, false)],
        sharedFrom, ResourceStatus.Draft, Now, "provider-user",
        Data: withData ? new ResourceData(DataFormat.Csv, InputEncoding.Auto, "text/csv", 10, "ab", "org-provider/res-1/x", Now, "provider-user") : null);

    private static Resource Submitted(string? sharedFrom = null) => ResourceRules.Submit(Draft(sharedFrom), "msk-1", 100, 7, Now);

    private static Resource WithReadySample(Resource resource)
        => ResourceRules.ApplySampleOutcome(resource, new SampleOutcome(resource.Sample!.JobId, true, 3, [], null, null), Now);

    private static NewResource Request(params NewResourceField?[] fields)
        => new("居民登记", "说明", "民政", "每月", fields, null);

    [Fact]
    public void ValidateNew_CoreGradedField_Is422CoreFieldNamingTheGrade()
    {
        var request = Request(
            new NewResourceField("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, false),
            new NewResourceField("基因序列", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.Core, null, false));

        var error = Assert.Throws<DomainException>(() => ResourceRules.ValidateNew(request));

        Assert.Equal((FailureKind.Unprocessable, FieldDefinitionRules.CoreFieldCode), (error.Kind, error.Code));
        Assert.Equal(["fields[1].grade"], error.Errors!.Keys);
        Assert.Contains("基因序列", error.Errors["fields[1].grade"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateNew_MissingClassificationAndGrade_AreNamedNotDefaulted()
    {
        var request = Request(new NewResourceField("手机号", null, null, null, IdentifierKind.Mobile, null));

        var error = Assert.Throws<DomainException>(() => ResourceRules.ValidateNew(request));

        Assert.Equal("resource.invalid", error.Code);
        Assert.Contains("fields[0].classification", error.Errors!.Keys);
        Assert.Contains("fields[0].grade", error.Errors.Keys);
    }

    [Fact]
    public void ValidateNew_BlankNameAndNoFields_NamesBoth()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.ValidateNew(new NewResource(" ", "说明", "民政", "每月", null, null)));

        Assert.Equal("resource.invalid", error.Code);
        Assert.Contains("name", error.Errors!.Keys);
        Assert.Contains("fields", error.Errors.Keys);
    }

    [Fact]
    public void ValidateNew_ValidRequest_ReturnsDefinitionsWithStringDefaultType()
    {
        var fields = ResourceRules.ValidateNew(Request(new NewResourceField("区县", null, FieldClassification.Public, FieldGrade.General, null, true)));

        var field = Assert.Single(fields);
        Assert.Equal(new FieldDefinition("区县", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true), field);
    }

    [Fact]
    public void Submit_WithoutData_Is409NoData()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.Submit(Draft(withData: false), "msk-1", 100, 7, Now));

        Assert.Equal((FailureKind.Conflict, "resource.no_data"), (error.Kind, error.Code));
    }

    [Fact]
    public void Submit_Draft_BecomesSubmittedWithPendingSample()
    {
        var submitted = Submitted();

        Assert.Equal(ResourceStatus.Submitted, submitted.Status);
        var sample = submitted.Sample!;
        Assert.Equal(("msk-1", SampleStatus.Pending, 100, 7L, Now), (sample.JobId, sample.Status, sample.RowsRequested, sample.Seed, sample.RequestedAt));
        Assert.Null(sample.RowsOut);
        Assert.Equal(Now, submitted.SubmittedAt);
    }

    [Fact]
    public void Submit_Twice_Is409NotDraft()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.Submit(Submitted(), "msk-2", 100, 7, Now));

        Assert.Equal("resource.not_draft", error.Code);
    }

    [Fact]
    public void AttachData_WhenSubmitted_Is409NotDraft()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.AttachData(Submitted(), Draft().Data!));

        Assert.Equal((FailureKind.Conflict, "resource.not_draft"), (error.Kind, error.Code));
    }

    [Fact]
    public void ApplySampleOutcome_Success_MarksSampleReadyWithSuspects()
    {
        var ready = ResourceRules.ApplySampleOutcome(Submitted(), new SampleOutcome("msk-1", true, 3, ["备注"], null, null), Now.AddMinutes(1));

        Assert.Equal(ResourceStatus.Submitted, ready.Status);
        Assert.Equal(SampleStatus.Ready, ready.Sample!.Status);
        Assert.Equal(3, ready.Sample.RowsOut);
        Assert.Equal(["备注"], ready.Sample.SuspectedIdentifierFields);
    }

    [Fact]
    public void ApplySampleOutcome_Failure_ReturnsToDraftWithReason()
    {
        var failed = ResourceRules.ApplySampleOutcome(Submitted(), new SampleOutcome("msk-1", false, null, [], MaskingFailureCodes.NotText, "binary"), Now);

        Assert.Equal(ResourceStatus.Draft, failed.Status);
        Assert.Equal((SampleStatus.Failed, MaskingFailureCodes.NotText, "binary"), (failed.Sample!.Status, failed.Sample.FailureCode, failed.Sample.FailureReason));
    }

    [Fact]
    public void ApplySampleOutcome_OtherJobOrRepeated_ChangesNothing()
    {
        var submitted = Submitted();
        var ready = WithReadySample(submitted);

        Assert.Same(submitted, ResourceRules.ApplySampleOutcome(submitted, new SampleOutcome("msk-other", true, 3, [], null, null), Now));
        Assert.Same(ready, ResourceRules.ApplySampleOutcome(ready, new SampleOutcome("msk-1", false, null, [], "x", "y"), Now));
    }

    [Fact]
    public void Review_ApproveBeforeSampleIsReady_Is409SampleNotReady()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.Review(Submitted(), ReviewDecision.Approve, null, Now, "authority-user"));

        Assert.Equal((FailureKind.Conflict, "resource.sample_not_ready"), (error.Kind, error.Code));
    }

    [Fact]
    public void Review_ApproveWithReadySample_Publishes()
    {
        var published = ResourceRules.Review(WithReadySample(Submitted()), ReviewDecision.Approve, "同意", Now, "authority-user");

        Assert.Equal(ResourceStatus.Published, published.Status);
        Assert.Equal(Now, published.PublishedAt);
        Assert.Equal(new ResourceReview(ReviewDecision.Approve, "同意", Now, "authority-user"), published.Review);
    }

    [Fact]
    public void Review_SharedDataWithoutConsent_Is409ConsentRequired()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.Review(WithReadySample(Submitted("org-original")), ReviewDecision.Approve, null, Now, "a"));

        Assert.Equal((FailureKind.Conflict, "resource.consent_required"), (error.Kind, error.Code));
    }

    [Fact]
    public void Review_SharedDataWithRefusedConsent_Is409ConsentRequired()
    {
        var original = new Caller("original-user", Roles.Provider, "org-original");
        var refused = ResourceRules.RecordConsent(WithReadySample(Submitted("org-original")), original, ReviewDecision.Reject, "不同意", null, Now);

        var error = Assert.Throws<DomainException>(() => ResourceRules.Review(refused, ReviewDecision.Approve, null, Now, "a"));

        Assert.Equal("resource.consent_required", error.Code);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_SharedDataWithConsent_Publishes()
    {
        var original = new Caller("original-user", Roles.Provider, "org-original");
        var consented = ResourceRules.RecordConsent(WithReadySample(Submitted("org-original")), original, ReviewDecision.Approve, null, "鄂数函〔2026〕3号", Now);

        Assert.Equal(ResourceStatus.Published, ResourceRules.Review(consented, ReviewDecision.Approve, null, Now, "a").Status);
    }

    [Fact]
    public void Review_RejectWithoutComment_Is422NamingComment()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.Review(Submitted(), ReviewDecision.Reject, "  ", Now, "a"));

        Assert.Equal(("resource.invalid", "comment"), (error.Code, Assert.Single(error.Errors!.Keys)));
    }

    [Fact]
    public void Review_RejectWithComment_IsRejectedEvenBeforeTheSample()
    {
        var rejected = ResourceRules.Review(Submitted(), ReviewDecision.Reject, "字段说明不全", Now, "a");

        Assert.Equal(ResourceStatus.Rejected, rejected.Status);
        Assert.Equal("字段说明不全", rejected.Review!.Comment);
    }

    [Fact]
    public void Review_Draft_Is409NotSubmitted()
    {
        var error = Assert.Throws<DomainException>(() => ResourceRules.Review(Draft(), ReviewDecision.Approve, null, Now, "a"));

        Assert.Equal("resource.not_submitted", error.Code);
    }

    [Theory]
    [InlineData("org-provider")]
    [InlineData("org-stranger")]
    public void RecordConsent_ByAnyoneButTheOriginalProvider_Is403(string organization)
    {
        var caller = new Caller("user", Roles.Provider, organization);

        var error = Assert.Throws<DomainException>(() => ResourceRules.RecordConsent(Draft("org-original"), caller, ReviewDecision.Approve, null, null, Now));

        Assert.Equal((FailureKind.Forbidden, "resource.not_original_provider"), (error.Kind, error.Code));
    }

    [Fact]
    public void RecordConsent_AfterPublication_Is409AlreadyDecided()
    {
        var original = new Caller("original-user", Roles.Provider, "org-original");
        var consented = ResourceRules.RecordConsent(WithReadySample(Submitted("org-original")), original, ReviewDecision.Approve, null, null, Now);
        var published = ResourceRules.Review(consented, ReviewDecision.Approve, null, Now, "a");

        var error = Assert.Throws<DomainException>(() => ResourceRules.RecordConsent(published, original, ReviewDecision.Reject, null, null, Now));

        Assert.Equal("resource.already_decided", error.Code);
    }

    [Theory]
    [InlineData(Roles.Authority, "org-authority", true)]
    [InlineData(Roles.Provider, "org-provider", true)]
    [InlineData(Roles.Provider, "org-original", true)]
    [InlineData(Roles.Provider, "org-other", false)]
    [InlineData(Roles.Operator, "org-provider", false)]
    [InlineData(Roles.Supervisor, "org-sup", false)]
    public void MayRead_OnlyAuthorityOwnerAndOriginalProvider(string role, string organization, bool expected)
    {
        Assert.Equal(expected, ResourceRules.MayRead(new Caller("u", role, organization), Draft("org-original")));
    }
}
