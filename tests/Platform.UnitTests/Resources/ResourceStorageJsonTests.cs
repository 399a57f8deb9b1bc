using System.Text.Json;
using Platform.Adapters.Storage;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.UnitTests.Masking;
using Xunit;

namespace Platform.UnitTests.Resources;

/// <summary>Records and reports are stored as JSON (Table rows, report blobs); what is read back must equal what was written.</summary>
public sealed class ResourceStorageJsonTests
{
    [Fact]
    public async Task MaskingReport_StoredAndReadBack_KeepsSamplingKAnonymityAndRules()
    {
        var fields = new[]
        {
            MaskingTestData.Field("姓名", FieldClassification.Personal, IdentifierKind.Name),
            MaskingTestData.Field("区县", quasiIdentifier: true),
            MaskingTestData.Field("备注"),
        };
        var (_, report) = await MaskingTestData.RunAsync("姓名,区县,备注\n张三,武昌区,13812345678\n李四,武昌区,x\n\"bad\n", fields, MaskingTestData.Options(sampling: SamplingPlan.Rows(5), seed: 3));

        var json = JsonSerializer.Serialize(report, StorageJson.Options);
        var back = JsonSerializer.Deserialize<MaskingReport>(json, StorageJson.Options)!;

        Assert.Equal(JsonSerializer.Serialize(back, StorageJson.Options), json);
        Assert.Equal((SamplingMode.RowCount, 5), (back.Sampling.Mode, back.Sampling.RowCount));
        Assert.Equal(report.KAnonymity!.K, back.KAnonymity!.K);
        Assert.Equal("mask-name", back.Fields[0].Rule);
        Assert.Contains("\"mask\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_StoredAndReadBack_KeepsFieldsAndChineseText()
    {
        var resource = new Resource("res-1", "org-p", "居民登记", "说明", "民政", "每月",
            [new FieldDefinition("身份证号", FieldType.String, FieldClassification.SensitivePersonal, FieldGrade.Important, IdentifierKind.IdNumber, false)],
            "org-o", ResourceStatus.Submitted, DateTimeOffset.UnixEpoch, "u",
            Sample: new ResourceSample("msk-1", SampleStatus.Ready, 100, 7, 3, ["备注"], null, null, DateTimeOffset.UnixEpoch, null));

        var json = JsonSerializer.Serialize(resource, StorageJson.Options);
        var back = JsonSerializer.Deserialize<Resource>(json, StorageJson.Options)!;

        Assert.Contains("sensitive-personal", json, StringComparison.Ordinal);
        Assert.Contains("居民登记", json, StringComparison.Ordinal);
        Assert.Equal(resource.Fields[0], back.Fields[0]);
        Assert.Equal(["备注"], back.Sample!.SuspectedIdentifierFields);
        Assert.Equal(json, JsonSerializer.Serialize(back, StorageJson.Options));
    }

    [Fact]
    public void MaskingJob_StoredAndReadBack_KeepsItsSamplingPlan()
    {
        var job = new MaskingJob("msk-1", "res-1", "org-p", MaskingJobOrigin.Request, MaskingPurpose.Sample, SamplingPlan.OfFraction(0.25), 42, null,
            DataFormat.JsonLines, "ab", MaskingJobStatus.Running, DateTimeOffset.UnixEpoch, "u", "provider", "org-p");

        var back = JsonSerializer.Deserialize<MaskingJob>(JsonSerializer.Serialize(job, StorageJson.Options), StorageJson.Options)!;

        Assert.Equal((SamplingMode.Fraction, 0.25), (back.Sampling.Mode, back.Sampling.Fraction));
        Assert.Equal(job with { Sampling = back.Sampling }, back);
    }
}
