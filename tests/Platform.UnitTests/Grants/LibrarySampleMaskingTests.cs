using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Domain.Grants;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Functions.Masking;
using Platform.UnitTests.DataRequests;
using Platform.UnitTests.Resources;
using Xunit;

namespace Platform.UnitTests.Grants;

/// <summary>The masking worker making the sample of a library copy (a grant's table) rather than of the provider's upload.</summary>
public sealed class LibrarySampleMaskingTests
{
    private readonly ResourceTestWorld _world = new();
    private readonly InMemoryLibrary _library = new();

    [Fact]
    public async Task RunAsync_JobOverALibraryCopy_MasksOnlyTheGrantedFieldsOfTheCopy()
    {
        await _world.RegisterAsync();
        await _world.UploadAsync("res-1", "姓名,身份证号,手机号,区县\n张三丰,420106199003070011,13812340001,武昌区\n");
        const string copy = "姓名,区县\r\n王磊,江岸区\r\n李静,洪山区\r\n";
        var written = await _library.WriteAsync("library-agr-1", "drq-1/res-1.csv", async (output, token) =>
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(copy), token);
            return new LibraryCopyResult("sha", copy.Length, 2, 0);
        });
        var job = new MaskingJob("msk-lib", "res-1", ResourceTestWorld.ProviderOrg, MaskingJobOrigin.Request, MaskingPurpose.Sample, SamplingPlan.Rows(5), 7, null,
            DataFormat.Csv, written.Sha256, MaskingJobStatus.Queued, _world.Clock.UtcNow, "system", "system", "org-op",
            LibraryInput: new MaskingLibraryInput("library-agr-1", "drq-1/res-1.csv", ["姓名", "区县"]));
        await _world.JobStore.AddAsync(job);
        var runner = new MaskingJobExecutor(_world.JobStore, new MaskingJobResource(_world.Resources, _world.Data, new PseudonymisationRootKey(_world.Secrets), _world.Service, _library), _world.Artifacts, _world.Audit, _world.Clock,
            new MaskingJobOptions(), NullLogger<MaskingJobExecutor>.Instance);

        await runner.RunAsync("msk-lib", CancellationToken.None);

        var done = (await _world.JobStore.GetAsync("msk-lib"))!.Value;
        var output = Encoding.UTF8.GetString(_world.Artifacts.Outputs["msk-lib"]);
        Assert.Equal((MaskingJobStatus.Succeeded, 2L), (done.Status, done.Summary!.RowsIn));
        Assert.StartsWith("姓名,区县\r\n", output, StringComparison.Ordinal);
        Assert.Contains("王*", output, StringComparison.Ordinal);
        Assert.DoesNotContain("王磊", output, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", output, StringComparison.Ordinal);
        Assert.DoesNotContain("身份证号", output, StringComparison.Ordinal);
    }
}
