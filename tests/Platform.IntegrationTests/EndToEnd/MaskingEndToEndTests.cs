using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using Platform.Domain.Masking;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Masking jobs through HTTP and the <c>masking-jobs</c> queue on the local host (M4.4).</summary>
[Collection(PlatformCollection.Name)]
public sealed class MaskingEndToEndTests(PlatformHostFixture platform) : IDisposable
{
    private readonly HttpClient _authority = platform.Client(Roles.Authority, "org-authority");

    public void Dispose() => _authority.Dispose();

    private async Task<(HttpClient Provider, string ResourceId, ResourceScenario.PeopleFile File)> ResourceWithDataAsync(int rows = 10)
    {
        var providerId = await ResourceScenario.CreateProviderAsync(_authority);
        var provider = platform.Client(Roles.Provider, providerId);
        var id = (await ResourceScenario.RegisterAsync(provider, "居民服务登记")).GetProperty("id").GetString()!;
        var file = ResourceScenario.NewPeopleFile(rows);
        var uploaded = await ResourceScenario.UploadAsync(provider, id, Encoding.UTF8.GetBytes(file.Csv), "text/csv; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        return (provider, id, file);
    }

    [Fact]
    public async Task SampleJob_BinaryUpload_FailsWithReasonOnceWithoutPoisonAndTheResourceReturnsToDraft()
    {
        var providerId = await ResourceScenario.CreateProviderAsync(_authority);
        using var provider = platform.Client(Roles.Provider, providerId);
        var id = (await ResourceScenario.RegisterAsync(provider, "误传的压缩包")).GetProperty("id").GetString()!;
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, .. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))];
        Assert.Equal(HttpStatusCode.OK, (await ResourceScenario.UploadAsync(provider, id, zip, "text/csv")).StatusCode);

        var job = await ResourceScenario.SubmitAndWaitForSampleAsync(provider, id);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal("masking.not_text", job.GetProperty("failure").GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(job.GetProperty("failure").GetProperty("reason").GetString()));
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        var jobId = job.GetProperty("id").GetString()!;
        Assert.DoesNotContain(await ResourceScenario.PeekAsync(platform.StorageConnectionString, "masking-jobs-poison"), message => message.Contains(jobId, StringComparison.Ordinal));
        Assert.DoesNotContain(await ResourceScenario.PeekAsync(platform.StorageConnectionString, "masking-jobs"), message => message.Contains(jobId, StringComparison.Ordinal));
        var resource = await PlatformScenario.PollAsync(provider, $"/api/resources/{id}", r => r.GetProperty("status").GetString() == "draft", TimeSpan.FromSeconds(30));
        Assert.Equal("failed", resource.GetProperty("sample").GetProperty("status").GetString());
        Assert.Equal("masking.not_text", resource.GetProperty("sample").GetProperty("failureCode").GetString());
    }

    [Fact]
    public async Task MaskingJob_ProviderSampleOfThreeRows_SucceedsAndARedeliveredMessageIsNotRunAgain()
    {
        var (provider, id, file) = await ResourceWithDataAsync();
        using var providerClient = provider;

        var created = await provider.PostAsJsonAsync("/api/masking/jobs", new { resourceId = id, purpose = "sample", sampling = new { rows = 3 }, seed = 11 });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var jobUrl = created.Headers.Location!.ToString();
        var job = await ResourceScenario.WaitForJobAsync(provider, jobUrl);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal((10L, 3L, 11L), (job.GetProperty("report").GetProperty("rowsIn").GetInt64(), job.GetProperty("report").GetProperty("rowsOut").GetInt64(), job.GetProperty("seed").GetInt64()));
        ResourceScenario.AssertNoOriginalValue(file, job.GetRawText());
        var jobId = job.GetProperty("id").GetString()!;
        var output = new BlobClient(platform.StorageConnectionString, "masking-output", $"{jobId}/output.csv");
        var before = (await output.GetPropertiesAsync()).Value.ETag;
        var masked = (await output.DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(4, masked.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        ResourceScenario.AssertNoOriginalValue(file, masked);

        // At-least-once delivery: the same message again must not redo the job or rewrite its output.
        var queue = new QueueClient(platform.StorageConnectionString, "masking-jobs", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.SendMessageAsync(JsonSerializer.Serialize(new { jobId }));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!platform.Host.Output.Contains($"Masking job {jobId} is already Succeeded", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Contains($"Masking job {jobId} is already Succeeded", platform.Host.Output, StringComparison.Ordinal);
        Assert.Equal(before, (await output.GetPropertiesAsync()).Value.ETag);
        var after = await provider.GetFromJsonAsync<JsonElement>(jobUrl);
        Assert.Equal(1, after.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task MaskingJob_ProvisioningUnderAnAgreement_PseudonymisesIdentifiersWithTheAgreementsKey()
    {
        var (provider, id, file) = await ResourceWithDataAsync(6);
        using var providerClient = provider;
        var operatorId = await PlatformScenario.CreateOperatorAsync(_authority);
        var planId = await PlatformScenario.CreateApprovedPlanAsync(_authority);
        var signed = await PlatformScenario.SignAgreementAsync(_authority, planId, operatorId, PlatformScenario.TodayCst, PlatformScenario.TodayCst.AddYears(2));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        var agreementId = (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var withoutAgreement = await _authority.PostAsJsonAsync("/api/masking/jobs", new { resourceId = id, purpose = "provisioning" });
        var created = await _authority.PostAsJsonAsync("/api/masking/jobs", new { resourceId = id, purpose = "provisioning", agreementId, outputFormat = "jsonl" });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var job = await ResourceScenario.WaitForJobAsync(_authority, created.Headers.Location!.ToString());

        var problem = await FoundationEndToEndTests.AssertProblemAsync(withoutAgreement, HttpStatusCode.UnprocessableEntity, "masking.invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("agreementId", out _));
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var report = job.GetProperty("report");
        Assert.Equal(6, report.GetProperty("rowsOut").GetInt64());
        Assert.Equal(16, report.GetProperty("keyFingerprint").GetString()!.Length);
        Assert.Equal(["pseudonymise-hmac-sha256", "pseudonymise-hmac-sha256", "pseudonymise-hmac-sha256", "keep", "keep"],
            report.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));
        var output = new BlobClient(platform.StorageConnectionString, "masking-output", $"{job.GetProperty("id").GetString()}/output.jsonl");
        var masked = (await output.DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(6, masked.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        ResourceScenario.AssertNoOriginalValue(file, masked);
    }

    [Fact]
    public async Task MaskingJob_OperatorOrUnclearedPersonnel_AreRefused()
    {
        var (provider, id, _) = await ResourceWithDataAsync(2);
        using var providerClient = provider;
        using var operatorClient = platform.Client(Roles.Operator, "org-op");
        using var personnel = platform.Client(Roles.Personnel, "org-op");

        var byOperator = await operatorClient.PostAsJsonAsync("/api/masking/jobs", new { resourceId = id, purpose = "sample" });
        var byPersonnel = await personnel.PostAsJsonAsync("/api/masking/jobs", new { resourceId = id, purpose = "sample" });
        var badId = await provider.PostAsJsonAsync("/api/masking/jobs", new { resourceId = "not-an-id", purpose = "sample" });
        var unknownJob = await provider.GetAsync("/api/masking/jobs/msk-01jd8x3kq7m4r6t9v2w5y8z1ab");

        await FoundationEndToEndTests.AssertProblemAsync(byOperator, HttpStatusCode.Forbidden, "auth.forbidden_role");
        await FoundationEndToEndTests.AssertProblemAsync(byPersonnel, HttpStatusCode.Forbidden, "personnel.not_cleared");
        // An id in a body is checked like one in a route, as 422 naming the field (issue 20 item 4).
        var invalidId = await FoundationEndToEndTests.AssertProblemAsync(badId, HttpStatusCode.UnprocessableEntity, "request.invalid_id");
        Assert.True(invalidId.GetProperty("errors").TryGetProperty("resourceId", out _));
        await FoundationEndToEndTests.AssertProblemAsync(unknownJob, HttpStatusCode.NotFound, "masking.job_not_found");
    }
}
