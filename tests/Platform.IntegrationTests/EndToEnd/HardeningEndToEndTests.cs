using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Domain.Security;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.ProductSteps;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 20, tried as an attacker would on the local host: two operators, an uninvolved provider and anonymous callers
/// against a published product's record (item 1), replayed product calls (item 2), a suspended operator starting work
/// (item 5) and staff masking data their organisation was not granted (item 6).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HardeningEndToEndTests(PlatformHostFixture platform)
{
    [Fact]
    public async Task PublishedProduct_RecordOnlyForItsParties_OtherOperatorsProvidersAndDevelopersGet404()
    {
        var (setup, id) = await PublishedApiProductAsync();
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        using var dataProvider = platform.Client(Roles.Provider, setup.Sandbox.ProviderId);
        using var otherOperator = platform.Client(Roles.Operator, "org-other-operator");
        using var uninvolvedProvider = platform.Client(Roles.Provider, "org-uninvolved-provider");
        using var developer = platform.Client(Roles.Developer, "org-some-developer");
        using var anonymous = platform.Client();

        foreach (var party in new[] { owner, authority, supervisor, dataProvider })
        {
            var read = await party.GetAsync($"/api/products/{id}");
            Assert.True(read.StatusCode == HttpStatusCode.OK, await read.Content.ReadAsStringAsync());
            Assert.Equal(1, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rounds")[0].GetProperty("decisions").GetArrayLength());
        }

        foreach (var outsider in new[] { otherOperator, uninvolvedProvider, developer })
        {
            var read = await outsider.GetAsync($"/api/products/{id}");
            var text = await read.Content.ReadAsStringAsync();
            await ProblemAsync(read, HttpStatusCode.NotFound, "product.not_found");
            Assert.DoesNotContain("同意发布", text, StringComparison.Ordinal);
            Assert.DoesNotContain(setup.ReleasedJobId, text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/products/{id}")).StatusCode);
        // The public form stays open to anyone.
        var published = await anonymous.GetStringAsync("/api/products/published?kind=api&pageSize=200");
        Assert.DoesNotContain("同意发布", published, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductCall_SameCallIdOtherOffset_409AndSameRequestReplaysTheSameAnswerMeteredAndAuditedOnce()
    {
        var (setup, id) = await PublishedApiProductAsync();
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var callerId = await ScenarioSteps.CreateOrganizationAsync(authority, "operator", "第二运营机构");
        using var caller = platform.Client(Roles.Operator, callerId);

        var first = await caller.PostAsJsonAsync($"/api/products/{id}/calls?pageSize=1&offset=0", new { callId = "replay-1" });
        var retried = await caller.PostAsJsonAsync($"/api/products/{id}/calls?pageSize=1&offset=0", new { callId = "replay-1" });
        var otherPage = await caller.PostAsJsonAsync($"/api/products/{id}/calls?pageSize=1&offset=1", new { callId = "replay-1" });
        var otherSize = await caller.PostAsJsonAsync($"/api/products/{id}/calls?pageSize=200&offset=0", new { callId = "replay-1" });
        var fresh = await caller.PostAsJsonAsync($"/api/products/{id}/calls?pageSize=1&offset=1", new { callId = "replay-2" });

        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>();
        var again = await retried.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.Equal(answer.GetProperty("data").GetRawText(), again.GetProperty("data").GetRawText());
        await ProblemAsync(otherPage, HttpStatusCode.Conflict, "product.call_id_reused");
        await ProblemAsync(otherSize, HttpStatusCode.Conflict, "product.call_id_reused");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        var secondRow = (await fresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data")[0].GetProperty("rows")[0].GetRawText();
        Assert.NotEqual(answer.GetProperty("data")[0].GetProperty("rows")[0].GetRawText(), secondRow);

        var usage = await owner.GetFromJsonAsync<JsonElement>($"/api/products/{id}/usage");
        Assert.Equal(2, usage.GetProperty("totalCalls").GetInt64());
        var audit = await authority.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"products/{id}")}&pageSize=200");
        var calls = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "product.called").Select(e => e.GetRawText()).ToList();
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public async Task SuspendedOperator_ScenarioSubmissionMaskingAndSandboxByItsStaff_403()
    {
        var setup = await SandboxScenario.GrantedAsync(platform);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        using var staff = SandboxScenario.StaffClient(platform, setup);
        var resourceId = await GrantedResourceAsync(owner, setup);

        var suspended = await authority.PostAsJsonAsync($"/api/operators/{setup.OperatorId}/suspension", new { reason = "发生数据泄露事件，暂停运营待查" });
        Assert.True(suspended.StatusCode == HttpStatusCode.OK, await suspended.Content.ReadAsStringAsync());
        try
        {
            var scenario = await owner.PostAsJsonAsync("/api/scenarios", ScenarioSteps.Body(setup.AgreementId, [resourceId]));
            var masking = await staff.PostAsJsonAsync("/api/masking/jobs", new { resourceId, purpose = "sample", sampling = new { rows = 3 } });
            var sandbox = await SandboxScenario.SubmitAsync(staff, setup, "full", $"SELECT count(*) AS n FROM {setup.TableName}");

            await ProblemAsync(scenario, HttpStatusCode.Forbidden, "operator.suspended");
            await ProblemAsync(masking, HttpStatusCode.Forbidden, "operator.suspended");
            await ProblemAsync(sandbox, HttpStatusCode.Forbidden, "operator.suspended");
        }
        finally
        {
            await authority.DeleteAsync($"/api/operators/{setup.OperatorId}/suspension?note={Uri.EscapeDataString("整改完成")}");
        }
    }

    [Fact]
    public async Task StaffMasking_ResourceTheirOrganisationWasNotGranted_422WhileTheGrantedOneIsAccepted()
    {
        var first = await SandboxScenario.GrantedAsync(platform);
        var second = await SandboxScenario.GrantedAsync(platform);
        using var firstOwner = platform.Client(Roles.Operator, first.OperatorId);
        using var secondOwner = platform.Client(Roles.Operator, second.OperatorId);
        using var firstStaff = SandboxScenario.StaffClient(platform, first);
        var granted = await GrantedResourceAsync(firstOwner, first);
        var notGranted = await GrantedResourceAsync(secondOwner, second);

        var stolen = await firstStaff.PostAsJsonAsync("/api/masking/jobs", new { resourceId = notGranted, purpose = "sample", sampling = new { fraction = 1.0 } });
        var own = await firstStaff.PostAsJsonAsync("/api/masking/jobs", new { resourceId = granted, purpose = "sample", sampling = new { rows = 3 } });

        var problem = await ProblemAsync(stolen, (HttpStatusCode)422, "masking.invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("resourceId", out _));
        Assert.True(own.IsSuccessStatusCode, await own.Content.ReadAsStringAsync());
    }

    private static async Task<string> GrantedResourceAsync(HttpClient owner, SandboxSetup setup)
    {
        var grant = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}");
        return grant.GetProperty("tables")[0].GetProperty("resourceId").GetString()!;
    }

    /// <summary>A public-good api product (fast track) the authority approved through its link.</summary>
    private async Task<(ProductSetup Setup, string Id)> PublishedApiProductAsync()
    {
        var setup = await ReleasedOutputAsync(platform);
        using var owner = platform.Client(Roles.Operator, setup.Sandbox.OperatorId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var anonymous = platform.Client();
        var created = await CreatedAsync(await owner.PostAsJsonAsync("/api/products", Body(setup)));
        var id = created.GetProperty("id").GetString()!;
        var link = await ProductLifecycleEndToEndTests.LinkAsync(authority, id, $"product-compliance-{id}-r1-authority", asRole: true);
        var approved = await anonymous.PostAsJsonAsync(link, new { decision = "approve", comment = "同意发布。", scores = ProductLifecycleEndToEndTests.FullScores });
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        await PlatformScenario.PollAsync(owner, $"/api/products/{id}", p => p.GetProperty("status").GetString() == "published", TimeSpan.FromSeconds(60));
        return (setup, id);
    }
}
