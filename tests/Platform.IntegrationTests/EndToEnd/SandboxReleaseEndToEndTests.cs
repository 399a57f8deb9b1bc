using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Platform.Adapters.Grants;
using Platform.Adapters.Sandbox;
using Platform.Domain.Audit;
using Platform.Domain.Sandbox;
using Platform.Domain.Security;
using Platform.IntegrationTests.Infrastructure;
using Xunit;
using static Platform.IntegrationTests.EndToEnd.SandboxScenario;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 14 "Show", over HTTP on the local host: the attacks that talked the old checks around are each refused before
/// running or come out suppressed, with the job's status and its audit entry saying why; identifiers are in the library
/// only as pseudonyms; the grant shows per field the policy and what the library holds.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SandboxReleaseEndToEndTests(PlatformHostFixture platform)
{
    private static readonly SemaphoreSlim SetupLock = new(1, 1);
    private static (string Host, Register Setup)? _shared;

    /// <summary>The target of the attacks: one resident of 武昌区 with a unique age.</summary>
    private const int TargetAge = 99;

    public sealed record Resident(string IdNumber, string Name, string District, int Age, decimal Income);

    public sealed record Register(SandboxSetup Setup, IReadOnlyList<Resident> Residents)
    {
        public Resident Target => Residents.Single(r => r.Age == TargetAge);
    }

    public static TheoryData<string, string, string> Attacks => new()
    {
        // Single-record aggregates through CASE / FILTER / substr.
        { "SELECT district, sum(CASE WHEN name = '{name}' THEN income ELSE 0 END) AS v FROM {t} GROUP BY district", "personal_field_unaggregated", "name" },
        { "SELECT district, sum(income) FILTER (WHERE id_number = '{idn}') AS v FROM {t} GROUP BY district", "column_policy", "id_number" },
        { "SELECT district, avg(CAST(substr(id_number, 7, 4) AS INTEGER)) AS v FROM {t} GROUP BY district", "personal_field_unaggregated", "id_number" },
        // Positional and qualified column references.
        { "SELECT district, max(#5) AS v FROM {t} GROUP BY district", "unsupported_query", "positional reference" },
        { "SELECT x.district, max(main.{t}.income) AS v FROM {t} x GROUP BY 1", "unsupported_query", "income" },
        { "SELECT {t}.district, max(memory.main.{t}.income) AS v FROM {t} GROUP BY 1", "personal_field_unaggregated", "income" },
        // String and list aggregates.
        { "SELECT district, string_agg(name, ',') AS v FROM {t} GROUP BY district", "personal_field_unaggregated", "name" },
        { "SELECT district, list(id_number) AS v FROM {t} GROUP BY district", "personal_field_unaggregated", "id_number" },
        // Window functions.
        { "SELECT district, sum(income) OVER (PARTITION BY name) AS v FROM {t}", "personal_field_unaggregated", "income" },
        // An error raised on a condition about one person.
        { "SELECT district, count(*) AS v FROM {t} WHERE CASE WHEN name = '{name}' THEN error('yes') ELSE true END GROUP BY district", "column_policy", "name" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Attack_RefusedBeforeRunning_StatusAndAuditSayWhy(string template, string rule, string column)
    {
        var register = await SharedAsync();
        using var staff = StaffClient(platform, register.Setup);
        var sql = template.Replace("{t}", register.Setup.TableName, StringComparison.Ordinal)
            .Replace("{name}", register.Target.Name, StringComparison.Ordinal).Replace("{idn}", register.Target.IdNumber, StringComparison.Ordinal);

        var job = await RunAsync(staff, register.Setup, "full", sql);

        Assert.Equal(("withheld", "sandbox.output_withheld"), (job.GetProperty("status").GetString(), job.GetProperty("code").GetString()));
        var failed = job.GetProperty("checks").GetProperty("failedRules").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal([rule], failed);
        Assert.Contains(column, job.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(job.TryGetProperty("resultHash", out var hash) && hash.ValueKind == JsonValueKind.String);
        Assert.DoesNotContain(register.Target.Income.ToString(CultureInfo.InvariantCulture), job.ToString(), StringComparison.Ordinal);
        var outcome = await AuditedOutcomeAsync(job.GetProperty("id").GetString()!);
        Assert.Equal([rule], outcome.Checks!.Failures.Select(f => f.Rule));
    }

    [Fact]
    public async Task CellFedByOnePerson_Suppressed_RowReleased_CountsPerRuleReported()
    {
        var register = await SharedAsync();
        using var staff = StaffClient(platform, register.Setup);
        var sql = $"SELECT district, count(DISTINCT id_number) AS people, avg(age) FILTER (WHERE age = {TargetAge}) AS target_age FROM {register.Setup.TableName} GROUP BY district ORDER BY district";

        var job = await RunAsync(staff, register.Setup, "full", sql);

        Assert.Equal("released", job.GetProperty("status").GetString());
        var cells = job.GetProperty("checks").GetProperty("suppressedCells");
        Assert.Equal(2, cells.GetProperty("min_records").GetInt64());
        var rows = await ResultRowsAsync(staff, job);
        Assert.All(rows, row => Assert.Equal("", row[2]));
        Assert.DoesNotContain(TargetAge.ToString(CultureInfo.InvariantCulture), string.Join("\n", rows.Select(r => r[2])), StringComparison.Ordinal);
        var outcome = await AuditedOutcomeAsync(job.GetProperty("id").GetString()!);
        Assert.Equal(2, outcome.Checks!.SuppressedCells![Platform.Domain.Sandbox.OutputRules.MinRecords]);
    }

    [Fact]
    public async Task TwoCountsDifferingByOnePerson_BothSuppressed()
    {
        var register = await SharedAsync();
        using var staff = StaffClient(platform, register.Setup);
        var sql = $"SELECT district, count(*) AS everyone, count(*) FILTER (WHERE age <> {TargetAge}) AS others FROM {register.Setup.TableName} GROUP BY district ORDER BY district";

        var job = await RunAsync(staff, register.Setup, "full", sql);

        Assert.Equal("released", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("checks").GetProperty("suppressedCells").GetProperty("differencing").GetInt64());
        var rows = (await ResultRowsAsync(staff, job)).ToDictionary(r => r[0]);
        Assert.Equal(("", ""), (rows["武昌区"][1], rows["武昌区"][2]));
        Assert.Equal(("10", "10"), (rows["江岸区"][1], rows["江岸区"][2]));
    }

    [Fact]
    public async Task OnePersonsRecordsTogetherDominate_SumSuppressed_SubjectsCountedOnce()
    {
        // 武昌区: 20 people with one payment of 10 and one person with three payments of 1,000. No single payment holds
        // 85 % of the 3,200, but that person (M5.1 counts contributors) and the next hold 94 %. 江岸区: 20 people with one
        // payment of 100–119 and one person with two payments of 50: repeated, not dominant. The copy's tail holds the five
        // records of the two repeated people; each district has 21 people.
        var csv = new StringBuilder("id_number,district,amount\r\n");
        var serial = 0;
        string Person() => TestIdNumbers.WithCheck($"420106{new DateOnly(1960, 1, 1).AddDays(serial * 37):yyyyMMdd}{serial++ % 1000:D3}");
        foreach (var (district, amount) in new[] { ("武昌区", 10m), ("江岸区", 100m) })
        {
            for (var i = 0; i < 20; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{Person()},{district},{amount + (district == "江岸区" ? i : 0)}\r\n");
            }
        }

        var dominant = Person();
        var repeated = Person();
        for (var i = 0; i < 3; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{dominant},武昌区,1000\r\n");
        }

        csv.Append(CultureInfo.InvariantCulture, $"{repeated},江岸区,50\r\n{repeated},江岸区,50\r\n");
        var dataset = new SandboxDataset(
            "武汉市企业补贴发放登记",
            [
                new { name = "id_number", type = "string", classification = "sensitive-personal", grade = "general", identifierKind = "id-number" },
                new { name = "district", type = "string", classification = "public", grade = "general", quasiIdentifier = true },
                new { name = "amount", type = "decimal", classification = "internal", grade = "general" },
            ],
            ["id_number", "district", "amount"],
            Encoding.UTF8.GetBytes(csv.ToString()));
        var setup = await GrantedAsync(platform, dataset, TimeSpan.FromSeconds(120), null, "public-good", ["id_number", "district", "amount"]);
        using var staff = StaffClient(platform, setup);

        var job = await RunAsync(staff, setup, "full",
            $"SELECT district, count(DISTINCT id_number) AS people, count(*) AS payments, sum(amount) AS total FROM {setup.TableName} GROUP BY district ORDER BY district");

        Assert.Equal("released", job.GetProperty("status").GetString());
        Assert.Equal(1, job.GetProperty("checks").GetProperty("suppressedCells").GetProperty("dominance").GetInt64());
        var rows = (await ResultRowsAsync(staff, job)).ToDictionary(r => r[0]);
        // Counts are rounded to 5: 21 people, 23 and 22 payments.
        Assert.Equal(["武昌区", "20", "25", ""], rows["武昌区"]);
        Assert.Equal(["江岸区", "20", "20", "2290"], rows["江岸区"]);
        var stored = (await new TableGrantStore(new TableServiceClient(platform.StorageConnectionString)).GetAsync(setup.GrantId))!.Value.Tables[0];
        Assert.Equal((true, 3L, 5L), (stored.SubjectIndexed, stored.MaxRecordsPerSubject, stored.RecordsWithoutUniqueSubject));
        Assert.Contains("amount", stored.NonNegativeFields!);
    }

    [Fact]
    public async Task Grant_ShowsPolicyAndLibraryHolding_LibraryHasNoRawIdentifier()
    {
        var register = await SharedAsync();
        using var owner = platform.Client(Roles.Operator, register.Setup.OperatorId);

        var grant = await owner.GetFromJsonAsync<JsonElement>($"/api/grants/{register.Setup.GrantId}");

        var table = grant.GetProperty("tables")[0];
        Assert.Equal("id_number", table.GetProperty("subjectKey").GetString());
        // Issue 18.1: the copy is Parquet; read as CSV below through the library, which converts it.
        Assert.Equal("parquet", table.GetProperty("format").GetString());
        var fields = table.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => (f.GetProperty("policy").GetString(), f.GetProperty("holds").GetString()));
        Assert.Equal(("identifier", "pseudonym"), fields["id_number"]);
        Assert.Equal(("identifier", "pseudonym"), fields["name"]);
        Assert.Equal(("dimension", "raw"), fields["district"]);
        Assert.Equal(("measure", "raw"), fields["age"]);
        Assert.Equal(("identifier", "raw"), fields["income"]);
        Assert.Equal(("dimension", "derived"), fields["id_number_birth_year"]);
        Assert.Equal(("dimension", "derived"), fields["id_number_sex"]);

        var stored = (await new TableGrantStore(new TableServiceClient(platform.StorageConnectionString)).GetAsync(register.Setup.GrantId))!.Value.Tables[0];
        await using var copy = await new BlobAuthorizedDataLibrary(new BlobServiceClient(platform.StorageConnectionString)).OpenReadAsync(stored.Container, stored.BlobPath);
        var text = await new StreamReader(copy).ReadToEndAsync();
        Assert.All(register.Residents, r => Assert.DoesNotContain(r.IdNumber, text, StringComparison.Ordinal));
        Assert.All(register.Residents, r => Assert.DoesNotContain(r.Name, text, StringComparison.Ordinal));
        Assert.Contains("idn_", text, StringComparison.Ordinal);

        // A derived attribute is an ordinary dimension: grouped and released (counts rounded).
        using var staff = StaffClient(platform, register.Setup);
        var job = await RunAsync(staff, register.Setup, "full", $"SELECT id_number_sex, count(DISTINCT id_number) AS people FROM {register.Setup.TableName} GROUP BY 1 ORDER BY 1");
        Assert.Equal("released", job.GetProperty("status").GetString());
        var rows = await ResultRowsAsync(staff, job);
        Assert.All(rows, row => Assert.Equal(0, int.Parse(row[1], CultureInfo.InvariantCulture) % 5));
    }

    private async Task<List<string[]>> ResultRowsAsync(HttpClient staff, JsonElement job)
    {
        var csv = await staff.GetStringAsync(job.GetProperty("result").GetString());
        return csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')).ToList();
    }

    /// <summary>The job's <c>sandbox.job_finished</c> audit entry, whose payload hash is that of the outcome built from the job record.</summary>
    private async Task<SandboxJobOutcome> AuditedOutcomeAsync(string jobId)
    {
        using var supervisor = platform.Client(Roles.Supervisor, "org-supervisor");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var page = await supervisor.GetFromJsonAsync<JsonElement>($"/api/audit?target={Uri.EscapeDataString($"sandbox/jobs/{jobId}")}&pageSize=100");
            var finished = page.GetProperty("items").EnumerateArray().FirstOrDefault(e => e.GetProperty("action").GetString() == "sandbox.job_finished");
            if (finished.ValueKind == JsonValueKind.Object)
            {
                var record = (await new TableSandboxJobStore(new TableServiceClient(platform.StorageConnectionString)).GetAsync(jobId))!.Value;
                var outcome = SandboxJobOutcome.From(record);
                Assert.Equal(AuditChain.HashPayload(outcome), finished.GetProperty("payloadHash").GetString());
                return outcome;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No sandbox.job_finished audit entry for {jobId}.");
            await Task.Delay(300);
        }
    }

    private async Task<Register> SharedAsync()
    {
        await SetupLock.WaitAsync();
        try
        {
            if (_shared is not { } shared || shared.Host != platform.Host.BaseUrl)
            {
                var residents = NewResidents();
                var setup = await GrantedAsync(platform, Dataset(residents), TimeSpan.FromSeconds(120), null, "public-good",
                    ["id_number", "name", "district", "age", "income", "id_number:birth_year", "id_number:sex"]);
                _shared = shared = (platform.Host.BaseUrl, new Register(setup, residents));
            }

            return shared.Setup;
        }
        finally
        {
            SetupLock.Release();
        }
    }

    /// <summary>武昌区 20 residents (one aged 99), 江岸区 12, 洪山区 3; unique names, ID numbers and incomes per run.</summary>
    private static List<Resident> NewResidents()
    {
        var residents = new List<Resident>();
        foreach (var (district, count) in new[] { ("武昌区", 20), ("江岸区", 12), ("洪山区", 3) })
        {
            for (var i = 0; i < count; i++)
            {
                var n = residents.Count;
                var birth = new DateOnly(1950, 1, 1).AddDays(Random.Shared.Next(365 * 40));
                var id = TestIdNumbers.WithCheck($"420106{birth:yyyyMMdd}{Random.Shared.Next(1000):D3}");
                var name = "张" + (char)Random.Shared.Next(0x4E00, 0x9FA5) + (char)Random.Shared.Next(0x4E00, 0x9FA5) + (char)(0x4E00 + n);
                var age = district == "武昌区" && i == 0 ? TargetAge : 30 + (n % 40);
                residents.Add(new Resident(id, name, district, age, 4000.17m + (n * 131.07m)));
            }
        }

        return residents;
    }

    private static SandboxDataset Dataset(IReadOnlyList<Resident> residents)
    {
        var csv = new StringBuilder("id_number,name,district,age,income\r\n");
        foreach (var r in residents)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.IdNumber},{r.Name},{r.District},{r.Age},{r.Income}\r\n");
        }

        return new SandboxDataset(
            "武汉市居民补贴发放登记",
            [
                new { name = "id_number", type = "string", classification = "sensitive-personal", grade = "general", identifierKind = "id-number" },
                new { name = "name", type = "string", classification = "personal", grade = "general", identifierKind = "name" },
                new { name = "district", type = "string", classification = "public", grade = "general", quasiIdentifier = true },
                new { name = "age", type = "integer", classification = "public", grade = "general" },
                new { name = "income", type = "decimal", classification = "sensitive-personal", grade = "general" },
            ],
            ["id_number", "name", "district", "age", "income"],
            Encoding.UTF8.GetBytes(csv.ToString()));
    }
}
