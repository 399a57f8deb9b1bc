using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Domain.Grants;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.PlatformScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The exit of a terminated agreement (issue 15 item 4, docs/lifecycles.md, M3.6) on a host whose lifecycles run 360 times
/// faster, with a one-hour hold (ten seconds): the library copy, the masked sample and the sandbox results are gone from
/// Blob storage, one destruction certificate names each with the SHA-256 it had, and the audit chain verifies. The host
/// is killed (SIGKILL) the moment the first copy disappears, in the middle of the exit steps, and restarted.
/// </summary>
[Collection(IsolatedCollectionA.Name)]
public sealed class AgreementExitEndToEndTests
{
    private const string MaskingContainer = "masking-output";
    private const string ResultsContainer = "sandbox-results";

    [Fact]
    public async Task Exit_TerminatedHostKilledMidwayThroughDestruction_CopiesGoneOneCertificateWithHashesAuditVerifies()
    {
        var platform = new PlatformHostFixture();
        platform.Settings["Platform__TimeCompression"] = "360";
        platform.Settings["Agreements__ExitHold"] = "PT1H";
        platform.Settings["LocalHost__DurableMessageVisibilityTimeout"] = "00:00:15";
        await platform.InitializeAsync();
        HostProcess? second = null;
        try
        {
            var setup = await SandboxScenario.GrantedAsync(platform);
            using var staff = SandboxScenario.StaffClient(platform, setup);
            var job = await SandboxScenario.RunAsync(staff, setup, "full", $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district ORDER BY district");
            Assert.Equal("released", job.GetProperty("status").GetString());
            var jobId = job.GetProperty("id").GetString()!;
            using var authority = platform.Client(Roles.Authority, "org-authority");
            var grant = await authority.GetFromJsonAsync<JsonElement>($"/api/grants/{setup.GrantId}");
            var table = grant.GetProperty("tables")[0];
            var library = new BlobServiceClient(platform.StorageConnectionString).GetBlobContainerClient(GrantRules.ContainerFor(setup.AgreementId));
            // Issue 18.1: the copy is stored as Parquet beside where the CSV used to be.
            var libraryBlob = Platform.Adapters.Grants.LibraryParquet.ParquetPathFor(
                GrantRules.BlobPathFor(grant.GetProperty("dataRequestId").GetString()!, table.GetProperty("resourceId").GetString()!));

            // What must go, hashed by the test itself before the exit starts.
            var expected = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [$"{library.Name}/{libraryBlob}"] = await Sha256Async(library, libraryBlob),
            };
            foreach (var (container, prefix) in new[] { (MaskingContainer, $"{setup.SampleJobId}/"), (ResultsContainer, $"{jobId}/") })
            {
                var client = new BlobServiceClient(platform.StorageConnectionString).GetBlobContainerClient(container);
                await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
                {
                    expected[$"{container}/{item.Name}"] = await Sha256Async(client, item.Name);
                }
            }

            Assert.Equal(table.GetProperty("sha256").GetString(), expected[$"{library.Name}/{libraryBlob}"]);
            Assert.Contains(expected.Keys, k => k.StartsWith($"{MaskingContainer}/", StringComparison.Ordinal));
            Assert.Contains(expected.Keys, k => k.StartsWith($"{ResultsContainer}/", StringComparison.Ordinal));

            var terminated = await authority.PostAsJsonAsync($"/api/agreements/{setup.AgreementId}/termination", new { ground = "other", detail = "运营机构申请解除协议" });
            Assert.True(terminated.StatusCode == HttpStatusCode.OK, await terminated.Content.ReadAsStringAsync());
            var exit = (await terminated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("exit");
            var endedAt = exit.GetProperty("endedAt").GetDateTimeOffset();
            Assert.Equal(endedAt.AddHours(1), exit.GetProperty("holdUntil").GetDateTimeOffset());
            Assert.Equal(JsonValueKind.Null, exit.GetProperty("destroyedAt").ValueKind);
            var again = await authority.PostAsJsonAsync($"/api/agreements/{setup.AgreementId}/termination", new { ground = "other", detail = "重复终止" });
            await FoundationEndToEndTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "agreement.not_active");

            // Kill the host the moment the first copy is gone: the exit is then between its delete and certify steps.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while ((await library.GetBlobClient(libraryBlob).ExistsAsync()).Value)
            {
                Assert.True(DateTime.UtcNow < deadline, "the library copy was not deleted within 120 s of the termination");
                await Task.Delay(25);
            }

            platform.Host.Kill();
            second = await HostProcess.StartAsync(HostProcess.PlatformHostDll, platform.Settings);
            using var authorityAgain = Client(platform, second, Roles.Authority, "org-authority");
            JsonElement done;
            try
            {
                done = await PollAsync(authorityAgain, $"/api/agreements/{setup.AgreementId}",
                    a => a.GetProperty("exit").GetProperty("destroyedAt").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(150));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}\nHost output after restart:\n{second.Output}", e);
            }

            // Blob storage, listed by the test: nothing of the grant is left.
            foreach (var key in expected.Keys)
            {
                var (container, name) = (key[..key.IndexOf('/', StringComparison.Ordinal)], key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..]);
                var remaining = new List<string>();
                await foreach (var item in new BlobServiceClient(platform.StorageConnectionString).GetBlobContainerClient(container).GetBlobsAsync(BlobTraits.None, BlobStates.None, name, CancellationToken.None))
                {
                    remaining.Add(item.Name);
                }

                Assert.Empty(remaining);
            }

            var certificate = Assert.Single(done.GetProperty("exit").GetProperty("certificates").EnumerateArray());
            Assert.Equal(setup.GrantId, certificate.GetProperty("grantId").GetString());
            Assert.StartsWith("DeleteGrantCopiesActivity@agreement-exit-", certificate.GetProperty("step").GetString(), StringComparison.Ordinal);
            var certified = certificate.GetProperty("blobs").EnumerateArray()
                .ToDictionary(b => $"{b.GetProperty("container").GetString()}/{b.GetProperty("name").GetString()}", b => b.GetProperty("sha256").GetString()!);
            Assert.Equal(expected.OrderBy(e => e.Key), certified.OrderBy(e => e.Key));
            Assert.All(certificate.GetProperty("blobs").EnumerateArray(), b => Assert.True(b.GetProperty("bytes").GetInt64() > 0));

            using var supervisor = Client(platform, second, Roles.Supervisor, "org-supervisor");
            var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"agreements/{setup.AgreementId}")}&pageSize=200");
            var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
            Assert.Single(actions, a => a == "agreement.destruction_certified");
            Assert.Single(actions, a => a == "agreement.exit_completed");
            Assert.Single(actions, a => a == "agreement.exit_scheduled");
            var verification = await supervisor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
            Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());

            // Published products stay, but nothing that uses data works any more.
            var staffAgain = Client(platform, second, Roles.Personnel, setup.OperatorId, setup.StaffId);
            var afterExit = await staffAgain.PostAsJsonAsync("/api/sandbox/jobs", new { grantId = setup.GrantId, mode = "full", sql = $"SELECT count(*) FROM {setup.TableName}" });
            Assert.Equal(HttpStatusCode.Conflict, afterExit.StatusCode);
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }

            await platform.DisposeAsync();
        }
    }

    private static async Task<string> Sha256Async(BlobContainerClient container, string name)
    {
        var content = (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    private static HttpClient Client(PlatformHostFixture platform, HostProcess host, string role, string organization, string? subject = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.Token(role, organization, subject));
        return client;
    }
}
