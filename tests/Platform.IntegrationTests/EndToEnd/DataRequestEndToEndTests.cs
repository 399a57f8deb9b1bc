using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Platform.Adapters.DataRequests;
using Platform.Adapters.Grants;
using Platform.Domain.Grants;
using Platform.Domain.Security;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.DataRequestSteps;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The data-request orchestration (M4.3) with real durable timers, through HTTP on a host of its own whose
/// lifecycle time is compressed so that the 5-working-day review ends about a minute after submission: one provider
/// approves at once, the other stays silent past its deadline, the host is killed (-9) while the review waits, and
/// after the restart the deadline still fires exactly once; then the agreement is terminated.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DataRequestEndToEndTests
{
    private static readonly TimeSpan SetUpTime = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan ReviewTime = TimeSpan.FromSeconds(55);
    private readonly AuthOptions _auth = PlatformHostFixture.ReadSampleAuth();

    [Fact]
    public async Task DataRequest_OneApprovesOtherSilentHostKilledDuringTheWait_PartiallyApprovedOverdueEscalatedOnceLibraryHoldsOnlyApprovedFieldsGrantRevokedOnTermination()
    {
        var settings = new HostSettings();
        settings["Platform__TimeCompression"] = CompressionFor(SetUpTime, ReviewTime).ToString(CultureInfo.InvariantCulture);
        settings["Audit__TableName"] = $"audit{Guid.NewGuid():N}"[..20];
        var host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
        try
        {
            using var authority = Client(host, _auth, Roles.Authority, "org-authority");
            var (operatorId, agreementId) = await ScenarioSteps.CreateOperatorWithAgreementAsync(authority);
            var civilAffairsId = await ResourceScenario.CreateProviderAsync(authority, "武汉市民政局");
            var healthId = await ResourceScenario.CreateProviderAsync(authority, "武汉市卫生健康委员会");
            using var civilAffairs = Client(host, _auth, Roles.Provider, civilAffairsId);
            using var health = Client(host, _auth, Roles.Provider, healthId);
            using var owner = Client(host, _auth, Roles.Operator, operatorId);
            using var anonymous = Client(host, _auth, null, "");
            var people = ResourceScenario.NewPeopleFile(6);
            var register = await PublishedResourceAsync(civilAffairs, authority, "社区养老服务登记", people);
            var clinics = await PublishedResourceAsync(health, authority, "家庭医生签约登记", ResourceScenario.NewPeopleFile(4));
            var scenarioId = await ApprovedScenarioAsync(owner, authority, anonymous, agreementId,
            [
                (civilAffairs, civilAffairsId, register, ["姓名", "区县", "服务事项"]),
                (health, healthId, clinics, ["区县", "服务事项"]),
            ]);

            // Data minimisation (M4.3): a field the scenario was not approved for is refused.
            var beyond = await owner.PostAsJsonAsync($"/api/scenarios/{scenarioId}/data-requests", new
            {
                purpose = "按区县统计养老服务需求",
                items = new object[] { new { resourceId = register, fields = new[] { "区县", "身份证号" } } },
            });
            var problem = await FoundationEndToEndTests.AssertProblemAsync(beyond, HttpStatusCode.UnprocessableEntity, "data_request.exceeds_scenario");
            Assert.Contains("身份证号", problem.GetProperty("errors").GetProperty("items[0].fields")[0].GetString(), StringComparison.Ordinal);

            var created = await owner.PostAsJsonAsync($"/api/scenarios/{scenarioId}/data-requests", new
            {
                purpose = "按区县统计养老服务需求",
                items = new object[]
                {
                    new { resourceId = register, fields = new[] { "区县", "服务事项" } },
                    new { resourceId = clinics, fields = new[] { "区县" } },
                },
            });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var requestId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var requestUrl = $"/api/data-requests/{requestId}";
            Assert.Equal(requestUrl, created.Headers.Location!.ToString());
            var instance = $"data-request-{requestId}";

            // The civil affairs bureau gets its task (link and route) and approves on the authenticated route.
            var task = await MessageAsync(civilAffairs, requestId, $"{instance}-provider-{civilAffairsId}");
            Assert.Contains($"/api/data-requests/{requestId}/reviews", task.GetProperty("body").GetString(), StringComparison.Ordinal);
            var taskLink = PathOf(task.GetProperty("link").GetString()!);
            var page = await anonymous.GetAsync(taskLink);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("区县、服务事项", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var approved = await civilAffairs.PostAsJsonAsync($"{requestUrl}/reviews", new { decision = "approve", comment = "同意提供。" });
            Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
            var linkAfterRoute = await ScenarioSteps.DecideAsync(anonymous, taskLink, "reject", "改变主意", []);
            await FoundationEndToEndTests.AssertProblemAsync(linkAfterRoute, HttpStatusCode.Conflict, "approval.link_used");
            var providerView = await approved.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Single(providerView.GetProperty("reviews").EnumerateArray());
            var provisioned = await PollAsync(owner, requestUrl, r => Review(r, civilAffairsId).GetProperty("grantId").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30));
            Assert.Equal("partially-approved", provisioned.GetProperty("status").GetString());
            var grantId = Review(provisioned, civilAffairsId).GetProperty("grantId").GetString()!;
            var dueOn = Review(provisioned, healthId).GetProperty("dueOn").GetString();

            var grant = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{grantId}");
            Assert.Equal(("active", agreementId, scenarioId, requestId), (grant.GetProperty("status").GetString(), grant.GetProperty("agreementId").GetString(),
                grant.GetProperty("scenarioId").GetString(), grant.GetProperty("dataRequestId").GetString()));
            var table = grant.GetProperty("tables").EnumerateArray().Single();
            Assert.Equal(GrantRules.TableNameFor(register), table.GetProperty("name").GetString());
            Assert.Equal(["区县", "服务事项"], table.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()!));
            Assert.Equal(6, table.GetProperty("rowCount").GetInt64());
            var usable = await owner.GetAsync($"/api/grants/{grantId}/usability");
            Assert.Equal(HttpStatusCode.OK, usable.StatusCode);

            // The library copy, read straight from storage: one Parquet file (issue 18.1), no CSV beside it; read back as CSV, only
            // the approved columns, none of the identifiers.
            var container = new BlobServiceClient(AzuriteFixture.ConnectionString).GetBlobContainerClient(GrantRules.ContainerFor(agreementId));
            var parquetPath = LibraryParquet.ParquetPathFor(GrantRules.BlobPathFor(requestId, register));
            var stored = (await container.GetBlobClient(parquetPath).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal("PAR1", Encoding.ASCII.GetString(stored, 0, 4));
            Assert.False((await container.GetBlobClient(GrantRules.BlobPathFor(requestId, register)).ExistsAsync()).Value);
            string copy;
            await using (var read = await new BlobAuthorizedDataLibrary(new BlobServiceClient(AzuriteFixture.ConnectionString)).OpenReadAsync(container.Name, parquetPath))
            {
                copy = await new StreamReader(read, Encoding.UTF8).ReadToEndAsync();
            }

            var lines = copy.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
            Assert.Equal("区县,服务事项", lines[0]);
            Assert.Equal(7, lines.Length);
            ResourceScenario.AssertNoOriginalValue(people, copy);
            var sampleJob = await PollAsync(authority, $"/api/masking/jobs/{table.GetProperty("sampleJobId").GetString()}",
                j => j.GetProperty("status").GetString() is "succeeded" or "failed", TimeSpan.FromSeconds(60));
            Assert.Equal("succeeded", sampleJob.GetProperty("status").GetString());

            // Crash while the review waits for the health commission, then start again on the same task hub.
            Assert.Equal("pending", Review(await owner.GetFromJsonAsync<JsonElement>(requestUrl), healthId).GetProperty("state").GetString());
            host.Kill();
            await host.DisposeAsync();
            host = await HostProcess.StartAsync(HostProcess.PlatformHostDll, settings);
            using var ownerAgain = Client(host, _auth, Roles.Operator, operatorId);
            using var authorityAgain = Client(host, _auth, Roles.Authority, "org-authority");
            using var healthAgain = Client(host, _auth, Roles.Provider, healthId);
            using var supervisor = Client(host, _auth, Roles.Supervisor, "org-supervisor");
            using var anonymousAgain = Client(host, _auth, null, "");

            var overdue = await PollAsync(ownerAgain, requestUrl, r => Review(r, healthId).GetProperty("state").GetString() == "overdue", TimeSpan.FromSeconds(150));
            Assert.Equal("partially-approved", overdue.GetProperty("status").GetString());
            await MessageAsync(healthAgain, requestId, $"{instance}-provider-{healthId}-reminder");
            var escalation = await MessageAsync(authorityAgain, requestId, $"{instance}-provider-{healthId}-overdue", asRole: true);
            Assert.Contains("不以沉默视为同意", escalation.GetProperty("body").GetString(), StringComparison.Ordinal);
            Assert.Contains(dueOn!, escalation.GetProperty("body").GetString(), StringComparison.Ordinal);
            var actions = await AuditActionsAsync(supervisor, $"data-requests/{requestId}");
            Assert.Single(actions, a => a == "data_request.review_overdue");
            Assert.Single(actions, a => a == "data_request.review_scheduled");
            Assert.Single(await MessagesAsync(authorityAgain, requestId, asRole: true), m => m.GetProperty("id").GetString()!.EndsWith("-overdue", StringComparison.Ordinal));

            // A late refusal through the fresh link is accepted, recorded as late, and the request ends partially approved.
            var reminder = await MessageAsync(healthAgain, requestId, $"{instance}-provider-{healthId}-overdue-reminder-1");
            var refused = await ScenarioSteps.DecideAsync(anonymousAgain, PathOf(reminder.GetProperty("link").GetString()!), "reject", "签约信息涉及个人健康数据，暂不提供。", []);
            Assert.True(refused.StatusCode == HttpStatusCode.OK, await refused.Content.ReadAsStringAsync());
            var done = await PollAsync(ownerAgain, requestUrl, r => r.GetProperty("completedAt").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30));
            Assert.Equal("partially-approved", done.GetProperty("status").GetString());
            var late = Review(done, healthId);
            Assert.Equal(("decided", true, "link"), (late.GetProperty("state").GetString(), late.GetProperty("decision").GetProperty("late").GetBoolean(),
                late.GetProperty("decision").GetProperty("channel").GetString()));
            Assert.Equal("rejected", done.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("resourceId").GetString() == clinics).GetProperty("status").GetString());
            await MessageAsync(ownerAgain, requestId, $"{instance}-result");
            var submittedYear = ChinaTime.LegalDate(done.GetProperty("submittedAt").GetDateTimeOffset()).Year;
            var timeliness = await new TableReviewTimelinessStore(new TableServiceClient(AzuriteFixture.ConnectionString)).ListAsync(healthId, submittedYear);
            var record = Assert.Single(timeliness);
            Assert.Equal((requestId, true, true), (record.DataRequestId, record.Overdue, record.Late));

            // Terminating the agreement revokes the grant, and the grant check refuses it from then on.
            var terminated = await authorityAgain.PostAsJsonAsync($"/api/agreements/{agreementId}/termination", new { ground = "other", detail = "运营机构申请解除协议" });
            Assert.Equal(HttpStatusCode.OK, terminated.StatusCode);
            var revoked = await PollAsync(ownerAgain, $"/api/grants/{grantId}", g => g.GetProperty("status").GetString() != "active", TimeSpan.FromSeconds(60));
            Assert.Equal(("revoked", "terminated"), (revoked.GetProperty("status").GetString(), revoked.GetProperty("revokeReason").GetString()));
            await FoundationEndToEndTests.AssertProblemAsync(await ownerAgain.GetAsync($"/api/grants/{grantId}/usability"), HttpStatusCode.Conflict, "grant.revoked");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
