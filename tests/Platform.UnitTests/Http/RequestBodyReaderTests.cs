using System.Text;
using System.Text.Json.Serialization;
using Platform.Functions.Http;
using Xunit;

namespace Platform.UnitTests.Http;

public enum SelectionMethod
{
    PublicTender,
    InvitedTender,
    Negotiation,
    [JsonStringEnumMemberName("single-source")]
    DirectAward,
}

public sealed record AgreementDraft(string Name, SelectionMethod SelectionMethod, int Years, DateTimeOffset? SignedAt = null, string? Note = null);

public sealed record DataNeed(string ResourceId, IReadOnlyList<string> Fields, SelectionMethod? Method = null);

public sealed record ScenarioDraft(string Title, IReadOnlyList<DataNeed> DataNeeds);

public sealed class PersonnelDraft
{
    public required string Name { get; init; }

    public required string IdNumber { get; init; }
}

public sealed class RequestBodyReaderTests
{
    private readonly RequestBodyReader reader = HttpTestKit.BodyReader();

    [Fact]
    public async Task ReadJson_ValidBody_ReadsKebabCaseEnumAndChinese()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"武汉市交通数据运营","selectionMethod":"public-tender","years":3}""", contentType: "application/json");

        var draft = await reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None);

        Assert.Equal(new AgreementDraft("武汉市交通数据运营", SelectionMethod.PublicTender, 3), draft);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("Application/JSON")]
    public async Task ReadJson_JsonWithUtf8Charset_Accepted(string contentType)
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"a","selectionMethod":"negotiation","years":1}""", contentType: contentType);

        var draft = await reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None);

        Assert.Equal(SelectionMethod.Negotiation, draft.SelectionMethod);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=gb2312")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task ReadJson_WrongMediaType_Is415(string contentType)
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"a"}""", contentType: contentType);

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.unsupported_media_type", failure.Code);
        Assert.Equal(Platform.Domain.Errors.FailureKind.UnsupportedMediaType, failure.Kind);
    }

    [Fact]
    public async Task ReadJson_OversizedBodyWithoutContentLength_Is413BeforeReadingItAll()
    {
        var payload = Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 50_000) + "\"}");
        var stream = new UnknownLengthStream(payload);
        var request = HttpTestKit.Request("POST", "/api/test", (byte[]?)null, "application/json");
        request.Body = stream;
        request.ContentLength = null;

        var failure = await HttpTestKit.FailsWith(() => HttpTestKit.BodyReader(maxBytes: 10_000).ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.too_large", failure.Code);
        Assert.Equal(Platform.Domain.Errors.FailureKind.PayloadTooLarge, failure.Kind);
        Assert.True(stream.BytesHandedOut < payload.Length, "the reader should stop once the limit is passed");
    }

    [Fact]
    public async Task ReadJson_ContentLengthOverLimit_Is413()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"a"}""", contentType: "application/json");
        request.ContentLength = 2_000_000;

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.too_large", failure.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n")]
    [InlineData("null")]
    public async Task ReadJson_EmptyBody_IsBodyRequired(string body)
    {
        var request = HttpTestKit.Request("POST", body: body, contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.body_required", failure.Code);
    }

    [Fact]
    public async Task ReadJson_NoBodyAndNoContentType_IsBodyRequired()
    {
        var request = HttpTestKit.Request("POST", body: "", contentType: null);

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.body_required", failure.Code);
    }

    [Fact]
    public async Task ReadJson_MalformedJson_Is400WithLineAndPosition()
    {
        var request = HttpTestKit.Request("POST", body: "{\n  \"name\": \"a\",\n  \"years\": 3,,\n}", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.malformed_json", failure.Code);
        Assert.Contains("line 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("position", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJson_UnknownEnumValue_NamesFieldAndAllowedValues()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"a","selectionMethod":"lottery","years":1}""", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.invalid_enum_value", failure.Code);
        Assert.Contains("selectionMethod", failure.Message, StringComparison.Ordinal);
        Assert.Contains("lottery", failure.Message, StringComparison.Ordinal);
        var fieldMessage = Assert.Single(failure.Errors!["selectionMethod"]);
        Assert.Contains("public-tender, invited-tender, negotiation, single-source", fieldMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJson_EnumAsNumber_IsInvalidEnumValue()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"a","selectionMethod":0,"years":1}""", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.invalid_enum_value", failure.Code);
        Assert.Contains("'0' is not an allowed value", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJson_AttributeNamedEnumMember_ReadsItsWireName()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"a","selectionMethod":"single-source","years":1}""", contentType: "application/json");

        var draft = await reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None);

        Assert.Equal(SelectionMethod.DirectAward, draft.SelectionMethod);
    }

    [Theory]
    [InlineData("""{"name":"a","selectionMethod":"negotiation","years":"three"}""", "years", "a number")]
    [InlineData("""{"name":42,"selectionMethod":"negotiation","years":3}""", "name", "a string")]
    [InlineData("""{"name":"a","selectionMethod":"negotiation","years":3,"signedAt":"yesterday"}""", "signedAt", "date-time")]
    [InlineData("""{"name":"a","selectionMethod":"negotiation","years":3,"signedAt":"2025-10-13T08:00:00"}""", "signedAt", "date-time")]
    public async Task ReadJson_TypeMismatch_NamesTheField(string body, string field, string expectation)
    {
        var request = HttpTestKit.Request("POST", body: body, contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.invalid_field", failure.Code);
        Assert.Contains(expectation, Assert.Single(failure.Errors![field]), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJson_NullForNonNullableField_IsInvalidField()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":null,"selectionMethod":"negotiation","years":3}""", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None));

        Assert.Equal("request.invalid_field", failure.Code);
        Assert.Contains("must not be null", Assert.Single(failure.Errors!["name"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJson_Utf8ByteOrderMark_IsIgnored()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"name":"数据","selectionMethod":"negotiation","years":2}""")).ToArray();
        var request = HttpTestKit.Request("POST", "/api/test", bytes, "application/json");

        var draft = await reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None);

        Assert.Equal("数据", draft.Name);
    }

    [Fact]
    public async Task ReadForm_UrlEncodedUtf8_ReadsChineseFields()
    {
        var request = HttpTestKit.Request("POST", body: "decision=approve&comment=" + Uri.EscapeDataString("同意，数据用途明确"), contentType: "application/x-www-form-urlencoded; charset=utf-8");

        var form = await reader.ReadFormAsync(request, CancellationToken.None);

        Assert.Equal("approve", form["decision"].ToString());
        Assert.Equal("同意，数据用途明确", form["comment"].ToString());
    }

    [Fact]
    public async Task ReadForm_JsonBody_Is415()
    {
        var request = HttpTestKit.Request("POST", body: "{}", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadFormAsync(request, CancellationToken.None));

        Assert.Equal("request.unsupported_media_type", failure.Code);
    }

    [Fact]
    public async Task ReadJson_NestedTypeMismatch_NamesTheNestedField()
    {
        var request = HttpTestKit.Request("POST", body: """{"title":"t","dataNeeds":[{"resourceId":"r","fields":["a"]},{"resourceId":"r","fields":"all"}]}""", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<ScenarioDraft>(request, CancellationToken.None));

        Assert.Equal("request.invalid_field", failure.Code);
        Assert.Contains("must be an array", Assert.Single(failure.Errors!["dataNeeds[1].fields"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJson_NestedUnknownEnum_NamesTheNestedField()
    {
        var request = HttpTestKit.Request("POST", body: """{"title":"t","dataNeeds":[{"resourceId":"r","fields":[],"method":"auction"}]}""", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<ScenarioDraft>(request, CancellationToken.None));

        Assert.Equal("request.invalid_enum_value", failure.Code);
        Assert.True(failure.Errors!.ContainsKey("dataNeeds[0].method"));
    }

    [Fact]
    public async Task ReadJson_MissingRequiredMembers_IsMissingFieldNamingThem()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"张三"}""", contentType: "application/json");

        var failure = await HttpTestKit.FailsWith(() => reader.ReadJsonAsync<PersonnelDraft>(request, CancellationToken.None));

        Assert.Equal("request.missing_field", failure.Code);
        Assert.Equal(["idNumber"], failure.Errors!.Keys);
    }

    [Fact]
    public async Task ReadJson_UnknownExtraFields_AreIgnored()
    {
        var request = HttpTestKit.Request("POST", body: """{"name":"a","selectionMethod":"negotiation","years":1,"futureField":{"x":1}}""", contentType: "application/json");

        var draft = await reader.ReadJsonAsync<AgreementDraft>(request, CancellationToken.None);

        Assert.Equal("a", draft.Name);
    }
}
