using Platform.Domain.Sandbox;
using Xunit;

namespace Platform.UnitTests.Sandbox;

public class StatementGateTests
{
    [Fact]
    public void Evaluate_EngineSaysError_Refused()
    {
        var result = StatementGate.Evaluate("""{"error":true,"error_type":"not implemented","error_message":"Only SELECT statements can be serialized to json!"}""");

        Assert.False(result.Allowed);
        Assert.Equal(SandboxCodes.StatementRefused, result.Code);
        Assert.Contains("single SELECT", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoStatements_Refused()
    {
        var result = StatementGate.Evaluate("""{"error":false,"statements":[]}""");

        Assert.False(result.Allowed);
    }

    [Fact]
    public void Evaluate_DeniedFunctionDeepInside_RefusedNamingIt()
    {
        var result = StatementGate.Evaluate("""{"error":false,"statements":[{"node":{"type":"SELECT_NODE","select_list":[{"class":"FUNCTION","function_name":"length","children":[{"class":"FUNCTION","function_name":"read_text","children":[]}]}]}}]}""");

        Assert.False(result.Allowed);
        Assert.Contains("read_text", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PlainSelect_AllowedWithAst()
    {
        const string ast = """{"error":false,"statements":[{"node":{"type":"SELECT_NODE","select_list":[{"class":"FUNCTION","function_name":"count_star","children":[]}]}}]}""";

        var result = StatementGate.Evaluate(ast);

        Assert.True(result.Allowed);
        Assert.Equal(ast, result.Ast);
    }

    [Theory]
    [InlineData("read_csv_auto", true)]
    [InlineData("READ_PARQUET", true)]
    [InlineData("json_execute_serialized_sql", true)]
    [InlineData("glob", true)]
    [InlineData("count", false)]
    [InlineData("regexp_matches", false)]
    public void IsDeniedFunction_Name_AsListed(string name, bool denied)
    {
        Assert.Equal(denied, StatementGate.IsDeniedFunction(name));
    }

    [Fact]
    public void PreCheck_TooLong_Refused()
    {
        var result = StatementGate.PreCheck("SELECT 1 " + new string(' ', StatementGate.MaxSqlLength));

        Assert.False(result.Allowed);
    }
}
