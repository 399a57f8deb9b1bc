using Platform.Domain.Errors;
using Platform.Domain.Oversight;
using Xunit;
using static Platform.UnitTests.Oversight.OversightTestData;

namespace Platform.UnitTests.Oversight;

public sealed class ReexaminationRulesTests
{
    private static OperatorEvaluation Evaluation(string agreementId, int year, EvaluationGrade grade)
        => new(agreementId, "org-op-1", year, grade, grade == EvaluationGrade.Fail ? 40 : 80, null, $"评估〔{year + 1}〕1号", Now, "authority-1");

    [Fact]
    public void Pending_NoFailEvaluation_Null()
    {
        Assert.Null(ReexaminationRules.Pending([Evaluation("agr-1", 2025, EvaluationGrade.Pass), Evaluation("agr-2", 2025, EvaluationGrade.Excellent)]));
    }

    [Fact]
    public void Pending_LatestEvaluationOfAnAgreementFails_UnderReexaminationWithThatEvaluation()
    {
        var pending = ReexaminationRules.Pending([Evaluation("agr-1", 2024, EvaluationGrade.Good), Evaluation("agr-1", 2025, EvaluationGrade.Fail), Evaluation("agr-2", 2025, EvaluationGrade.Pass)]);

        Assert.Equal(("agr-1", 2025, 40), (pending?.AgreementId, pending?.Year, pending?.Score));
    }

    [Fact]
    public void Pending_FailFollowedByAPassOfTheSameAgreement_Lifted()
    {
        Assert.Null(ReexaminationRules.Pending([Evaluation("agr-1", 2024, EvaluationGrade.Fail), Evaluation("agr-1", 2025, EvaluationGrade.Pass)]));
    }

    [Fact]
    public void EnsureMaySign_UnderReexaminationWithoutReason_409UnderReexamination()
    {
        var pending = new Reexamination("agr-1", 2025, 40, "评估〔2026〕1号", Now);

        var blank = Assert.Throws<DomainException>(() => ReexaminationRules.EnsureMaySign(pending, "  "));
        var missing = Assert.Throws<DomainException>(() => ReexaminationRules.EnsureMaySign(pending, null));

        Assert.Equal((FailureKind.Conflict, ReexaminationRules.UnderReexaminationCode), (blank.Kind, blank.Code));
        Assert.Equal(ReexaminationRules.UnderReexaminationCode, missing.Code);
    }

    [Fact]
    public void EnsureMaySign_UnderReexaminationWithReason_ReturnsTheTrimmedReason()
    {
        var reason = ReexaminationRules.EnsureMaySign(new Reexamination("agr-1", 2025, 40, "评估〔2026〕1号", Now), " 整改已通过复查，经主管部门集体研究同意续签 ");

        Assert.Equal("整改已通过复查，经主管部门集体研究同意续签", reason);
    }

    [Fact]
    public void EnsureMaySign_NotUnderReexamination_NoOverrideRecorded()
    {
        Assert.Null(ReexaminationRules.EnsureMaySign(null, "不需要"));
    }
}
