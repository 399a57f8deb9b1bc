using System.Text;
using Platform.Adapters.Sandbox;
using Platform.Domain.Catalog;
using Platform.Domain.Sandbox;

namespace Platform.UnitTests.Sandbox;

public static class SandboxTestData
{
    public static readonly SandboxLimits Limits = new(TimeSpan.FromSeconds(10), MemoryLimitMb: 256, MaxThreads: 1, MaxResultRows: 100);

    public static FieldDefinition Field(string name, FieldClassification classification = FieldClassification.Public, FieldType type = FieldType.String) =>
        new(name, type, classification, FieldGrade.General, null, false);

    /// <summary>The granted fields of <c>people</c>: id_number is in the data but never granted.</summary>
    public static readonly IReadOnlyList<FieldDefinition> PeopleFields =
    [
        Field("region"),
        Field("name", FieldClassification.Personal),
        Field("income", FieldClassification.SensitivePersonal, FieldType.Decimal),
        Field("age", FieldClassification.Internal, FieldType.Integer),
        Field("born", FieldClassification.Personal, FieldType.Date),
    ];

    /// <summary>15 people: 3 in 宜昌, 12 in 武汉. Column id_number is in the file but not granted.</summary>
    public static string PeopleCsv()
    {
        var text = new StringBuilder("id_number,region,name,income,age,born\n");
        for (var i = 0; i < 15; i++)
        {
            var region = i < 3 ? "宜昌" : "武汉";
            text.Append(CultureInvariant($"42010119900101{i:0000},{region},张{i},{1000 + (i * 100)}.5,{20 + i},1990-01-{(i % 28) + 1:00}\n"));
        }

        return text.ToString();
    }

    public static SandboxTable Table(string name, IReadOnlyList<FieldDefinition> fields, string csv) =>
        new(name, fields, _ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(csv))));

    public static SandboxTable People() => Table("people", PeopleFields, PeopleCsv());

    public static Task<SandboxResult> Run(string sql, SandboxMode mode = SandboxMode.Sample, SandboxLimits? limits = null, int k = 10, params SandboxTable[] tables) =>
        new SandboxEngine().RunAsync(
            new SandboxRequest(tables.Length == 0 ? [People()] : tables, sql, mode, limits ?? Limits, new OutputCheckPolicy(k)),
            CancellationToken.None);

    public static Task<SandboxResult> Full(string sql, params SandboxTable[] tables) => Run(sql, SandboxMode.Full, null, 10, tables);

    /// <summary>A full job under an explicit disclosure-control policy (k, dominance, rounding).</summary>
    public static Task<SandboxResult> Full(OutputCheckPolicy policy, string sql, params SandboxTable[] tables) =>
        new SandboxEngine().RunAsync(new SandboxRequest(tables.Length == 0 ? [People()] : tables, sql, SandboxMode.Full, Limits, policy), CancellationToken.None);

    /// <summary>k = 10 without rounding, so counts can be compared exactly.</summary>
    public static readonly OutputCheckPolicy Unrounded = new(10) { RoundingBase = 1 };

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
