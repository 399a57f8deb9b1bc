using System.Reflection;
using Platform.Domain.Errors;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Xunit;

namespace Platform.UnitTests.Http;

public sealed record IdProbeNeed(string? ResourceId, IReadOnlyList<string>? Fields);

public sealed record IdProbeBody(string? AgreementId, string? Title, IReadOnlyList<IdProbeNeed>? DataNeeds, IReadOnlyList<string?>? SourceJobIds, string? DerivedFrom, string? CallId);

public sealed class BodyIdsTests
{
    private const string Agreement = "agr-01jd8x3kq7m4r6t9v2w5y8z1ab";
    private const string Resource = "res-01jd8x3kq7m4r6t9v2w5y8z1ab";
    private readonly RequestBodyReader reader = HttpTestKit.BodyReader();

    [Theory]
    [InlineData("a/b")]
    [InlineData("../x")]
    [InlineData("agr-01jd8x3kq7m4r6t9v2w5y8z1a#")]
    [InlineData("agr-01jd8x3kq7m4r6t9v2w5y8z1a?")]
    [InlineData("agr-01jd8x3kq7m4r6t9v2w5y8z1a\\\\")]
    [InlineData("scn-01jd8x3kq7m4r6t9v2w5y8z1ab")]
    public async Task ReadJson_BadTopLevelId_422NamingTheField(string agreementId)
    {
        var request = HttpTestKit.Request("POST", body: $$"""{"agreementId":"{{agreementId}}","title":"t"}""", contentType: "application/json");

        var failure = await Assert.ThrowsAsync<DomainException>(() => reader.ReadJsonAsync<IdProbeBody>(request, CancellationToken.None));

        Assert.Equal((FailureKind.Unprocessable, "request.invalid_id"), (failure.Kind, failure.Code));
        Assert.Equal(["agreementId"], failure.Errors!.Keys);
    }

    [Fact]
    public async Task ReadJson_BadIdsNestedAndInLists_EachNamedByItsPath()
    {
        var request = HttpTestKit.Request("POST",
            body: $$"""{"agreementId":"{{Agreement}}","dataNeeds":[{"resourceId":"{{Resource}}","fields":["a/b"]},{"resourceId":"..\\x"}],"sourceJobIds":["sbx-01jd8x3kq7m4r6t9v2w5y8z1ab","x?y"],"derivedFrom":"prd-#"}""",
            contentType: "application/json");

        var failure = await Assert.ThrowsAsync<DomainException>(() => reader.ReadJsonAsync<IdProbeBody>(request, CancellationToken.None));

        Assert.Equal(["dataNeeds[1].resourceId", "derivedFrom", "sourceJobIds[1]"], failure.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadJson_ValidIdsAbsentIdsAndCallerKeys_Accepted()
    {
        var request = HttpTestKit.Request("POST",
            body: $$"""{"agreementId":"{{Agreement.ToUpperInvariant()}}","dataNeeds":[{"resourceId":"{{Resource}}","fields":["a/b"]},{"resourceId":null}],"sourceJobIds":[],"callId":"my/own key#1"}""",
            contentType: "application/json");

        var body = await reader.ReadJsonAsync<IdProbeBody>(request, CancellationToken.None);

        Assert.Equal("my/own key#1", body.CallId);
    }

    [Fact]
    public void EveryRequestBody_EveryIdLikeField_IsCheckedOrDeclaredNotARecordId()
    {
        var bodyTypes = typeof(RequestBodyReader).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .SelectMany(method => method.GetCustomAttributes<OpenApiRequestBodyAttribute>())
            .Where(attribute => attribute.ContentType == RequestBodyReader.JsonMediaType)
            .Select(attribute => attribute.BodyType)
            .Where(type => type != typeof(Stream))
            .Distinct()
            .ToList();
        Assert.True(bodyTypes.Count > 30, $"found only {bodyTypes.Count} body types");

        var notChecked = bodyTypes
            .SelectMany(type => BodyIds.IdLikeFieldNames(type).Select(name => $"{type.Name}.{name}"))
            .Where(field => field.Split('.')[1] is var name && !BodyIds.Fields.ContainsKey(name) && !BodyIds.NotRecordIds.Contains(name))
            .ToList();

        Assert.Empty(notChecked);
        Assert.Contains(bodyTypes, type => BodyIds.IdLikeFieldNames(type).Contains("sourceJobIds"));
        Assert.Contains(bodyTypes, type => BodyIds.IdLikeFieldNames(type).Contains("resourceId"));
    }
}
