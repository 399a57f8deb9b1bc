using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Platform.Domain.Catalog;
using Platform.Domain.Sandbox;
using Xunit;

namespace Platform.UnitTests.Sandbox;

/// <summary>
/// The analysis writes the exact, tail-counted and cheap forms of a statement by splicing select items into one written
/// document, and cuts the tail statement from the same tree afterwards: each form must be the tree it stands for.
/// </summary>
public sealed class ReleaseAnalysisFormsTests
{
    private const string Spelled = "\"select_list\":[]";

    private static readonly FieldDefinition[] Fields =
    [
        new("region", FieldType.String, FieldClassification.Public, FieldGrade.General, null, true),
        new("industry", FieldType.String, FieldClassification.Public, FieldGrade.General, null, false),
        new("amount", FieldType.Decimal, FieldClassification.Internal, FieldGrade.General, null, false),
        new("mobile", FieldType.String, FieldClassification.Personal, FieldGrade.General, IdentifierKind.Mobile, false),
    ];

    private static readonly SandboxTable Indexed = new("t", Fields, _ => throw new NotSupportedException())
    {
        SubjectKey = "mobile",
        SubjectIndexed = true,
        MaxRecordsPerSubject = 2,
        RecordsWithoutUniqueSubject = 10,
        FieldMagnitudes = new Dictionary<string, double> { ["amount"] = 100 },
    };

    [Fact]
    public void Analyse_ConstantSpellingTheSelectListsText_EveryFormKeepsItsClausesAndItsColumns()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var sql = $"SELECT region, count(*) AS n, sum(amount) FILTER (WHERE industry = '{Spelled}') AS total, max(amount) AS most " +
                  $"FROM t WHERE region <> '{Spelled}' GROUP BY region ORDER BY region";

        var plan = ReleaseAnalysis.Analyse(Scalar(connection, "SELECT json_serialize_sql(CAST($1 AS VARCHAR))", sql), [Indexed], 2).Plan!;

        Assert.NotNull(plan.CheapStatement);
        Assert.NotNull(plan.TailCountedStatement);
        Assert.NotNull(plan.SubjectTail);
        var exact = JsonNode.Parse(plan.Statement)!;
        foreach (var form in new[] { plan.Statement, plan.TailCountedStatement!, plan.CheapStatement! })
        {
            var tree = JsonNode.Parse(form)!;
            Assert.Equal(plan.ColumnCount, SelectList(tree).Count);
            Assert.Equal(Without(exact, "select_list"), Without(tree, "select_list"));
            var written = Scalar(connection, "SELECT json_deserialize_sql(CAST($1 AS JSON))", form);
            Assert.Contains($"'{Spelled}'", written, StringComparison.Ordinal);
        }

        // The forms differ from the exact statement in their companions only; the user's columns are the same text.
        var cheap = SelectList(JsonNode.Parse(plan.CheapStatement!)!);
        for (var i = 0; i < plan.Items.Count; i++)
        {
            Assert.Equal(SelectList(exact)[i]!.ToJsonString(), cheap[i]!.ToJsonString());
        }

        Assert.Contains(plan.TopBounds.Keys, ordinal => cheap[ordinal]!["class"]!.GetValue<string>() == "CONSTANT");
        var tail = Scalar(connection, "SELECT json_deserialize_sql(CAST($1 AS JSON))", plan.SubjectTail!.Statement);
        Assert.Contains($"'{Spelled}'", tail, StringComparison.Ordinal);
        Assert.DoesNotContain("ORDER BY", tail, StringComparison.Ordinal);
    }

    private static JsonArray SelectList(JsonNode root) => (JsonArray)root["statements"]![0]!["node"]!["select_list"]!;

    private static string Without(JsonNode root, string property)
    {
        var copy = root.DeepClone();
        ((JsonObject)copy["statements"]![0]!["node"]!).Remove(property);
        return copy.ToJsonString();
    }

    private static string Scalar(DuckDBConnection connection, string sql, string argument)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter(argument));
        return (string)command.ExecuteScalar()!;
    }
}
