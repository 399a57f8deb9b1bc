using Platform.Domain.Errors;
using Platform.Domain.Masking;
using Platform.Domain.Resources;
using Platform.Functions.Resources;
using Xunit;

namespace Platform.UnitTests.Resources;

public sealed class UploadMediaTypeTests
{
    [Theory]
    [InlineData("text/csv", DataFormat.Csv, InputEncoding.Auto, "text/csv")]
    [InlineData("text/csv; charset=utf-8", DataFormat.Csv, InputEncoding.Utf8, "text/csv; charset=utf-8")]
    [InlineData("text/csv; charset=GB18030", DataFormat.Csv, InputEncoding.Gb18030, "text/csv; charset=gb18030")]
    [InlineData("TEXT/CSV; charset=\"gbk\"", DataFormat.Csv, InputEncoding.Gb18030, "text/csv; charset=gb18030")]
    [InlineData("application/x-ndjson", DataFormat.JsonLines, InputEncoding.Auto, "application/x-ndjson")]
    [InlineData("application/jsonl; charset=utf-8", DataFormat.JsonLines, InputEncoding.Utf8, "application/x-ndjson; charset=utf-8")]
    public void Parse_SupportedTypes_GiveFormatAndEncoding(string contentType, DataFormat format, InputEncoding encoding, string canonical)
    {
        Assert.Equal((format, encoding, canonical), UploadMediaType.Parse(contentType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("text/csv; charset=utf-16")]
    [InlineData("text/csv; charset=auto")]
    public void Parse_Unsupported_Is415(string? contentType)
    {
        var error = Assert.Throws<DomainException>(() => UploadMediaType.Parse(contentType));

        Assert.Equal((FailureKind.UnsupportedMediaType, "request.unsupported_media_type"), (error.Kind, error.Code));
    }

    [Theory]
    [InlineData(0, 100, 20, "Resources:MaxUploadBytes")]
    [InlineData(1024, 0, 20, "Resources:SampleRows")]
    [InlineData(1024, 100, 0, "Resources:CatalogSampleRows")]
    public void ResourceOptionsValidator_BadSetting_NamesIt(long maxUploadBytes, int sampleRows, int catalogSampleRows, string setting)
    {
        var result = new ResourceOptionsValidator().Validate(null, new ResourceOptions { MaxUploadBytes = maxUploadBytes, SampleRows = sampleRows, CatalogSampleRows = catalogSampleRows });

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceOptionsValidator_Defaults_AreValid()
    {
        Assert.True(new ResourceOptionsValidator().Validate(null, new ResourceOptions()).Succeeded);
        Assert.True(new Platform.Functions.Masking.MaskingJobOptionsValidator().Validate(null, new MaskingJobOptions()).Succeeded);
    }

    [Fact]
    public void MaskingJobOptionsValidator_ZeroSeconds_NamesTheSetting()
    {
        var result = new Platform.Functions.Masking.MaskingJobOptionsValidator().Validate(null, new MaskingJobOptions { ProgressSeconds = 0 });

        Assert.Contains("Masking:ProgressSeconds", result.FailureMessage, StringComparison.Ordinal);
    }
}
