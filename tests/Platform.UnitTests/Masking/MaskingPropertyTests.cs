using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Platform.Domain.Catalog;
using Platform.Domain.Masking;
using Platform.UnitTests.Identifiers;
using static Platform.UnitTests.Masking.MaskingTestData;

namespace Platform.UnitTests.Masking;

public class MaskingPropertyTests
{
    private static readonly PseudonymisationKey KeyA = PseudonymisationKey.Derive(RootKey, "agreement-A");
    private static readonly PseudonymisationKey KeyB = PseudonymisationKey.Derive(RootKey, "agreement-B");

    private static readonly FieldClassification[] PersonalClassifications = [FieldClassification.Personal, FieldClassification.SensitivePersonal];

    private static readonly FieldDefinition[] PersonalFields =
    [
        Field("id", FieldClassification.SensitivePersonal, IdentifierKind.IdNumber),
        Field("mobile", FieldClassification.Personal, IdentifierKind.Mobile),
        Field("name", FieldClassification.Personal, IdentifierKind.Name),
        Field("card", FieldClassification.SensitivePersonal, IdentifierKind.BankCard),
        Field("other", FieldClassification.Personal),
    ];

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Mask_IdNumberInPersonalField_NeverContainsTheOriginal(ValidIdNumber id) =>
        NeverContains(IdentifierKind.IdNumber, id.Value);

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Mask_MobileInPersonalField_NeverContainsTheOriginal(ValidMobileNumber mobile) =>
        NeverContains(IdentifierKind.Mobile, mobile.Value);

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Mask_NameInPersonalField_NeverContainsTheOriginal(ChineseFullName name) =>
        NeverContains(IdentifierKind.Name, name.Value);

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Mask_BankCardInPersonalField_NeverContainsTheOriginal(LuhnNumber card) =>
        NeverContains(IdentifierKind.BankCard, card.Value);

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Mask_AnyValueInPersonalFieldWithoutKind_NeverContainsTheOriginal(ChineseFullName name, ValidMobileNumber mobile) =>
        NeverContains(null, name.Value) && NeverContains(null, mobile.Value);

    /// <summary>The whole output file of a job never contains any original personal value, in either purpose.</summary>
    [Property(Arbitrary = [typeof(MaskingArbitraries)], MaxTest = 50)]
    public bool Run_PersonalFields_OutputNeverContainsAnOriginalValue(ValidIdNumber id, ValidMobileNumber mobile, ChineseFullName name, LuhnNumber card)
    {
        var originals = new[] { id.Value, mobile.Value, name.Value, card.Value, mobile.Value + name.Value };
        var input = "id,mobile,name,card,other\r\n" + string.Join(',', originals) + "\r\n";

        foreach (var purpose in new[] { MaskingPurpose.Sample, MaskingPurpose.Provisioning })
        {
            foreach (var format in new[] { DataFormat.Csv, DataFormat.JsonLines })
            {
                var options = Options(purpose) with { OutputFormat = format };
                var (output, _) = RunAsync(input, PersonalFields, options).GetAwaiter().GetResult();
                if (originals.Any(original => output.Contains(original, StringComparison.Ordinal)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Pseudonymise_SameKey_Stable(ValidMobileNumber mobile, ChineseFullName name) =>
        Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, mobile.Value) == Pseudonymiser.Apply(PseudonymisationKey.Derive(RootKey, "agreement-A"), IdentifierKind.Mobile, mobile.Value)
        && Pseudonymiser.Apply(KeyA, IdentifierKind.Name, name.Value) == Pseudonymiser.Apply(KeyA, IdentifierKind.Name, name.Value);

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Pseudonymise_OtherAgreementKey_Differs(ValidIdNumber id, ValidMobileNumber mobile) =>
        Pseudonymiser.Apply(KeyA, IdentifierKind.IdNumber, id.Value) != Pseudonymiser.Apply(KeyB, IdentifierKind.IdNumber, id.Value)
        && Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, mobile.Value) != Pseudonymiser.Apply(KeyB, IdentifierKind.Mobile, mobile.Value);

    [Property(Arbitrary = [typeof(MaskingArbitraries)])]
    public bool Pseudonymise_DifferentValues_DifferentPseudonyms(ValidMobileNumber one, ValidMobileNumber other) =>
        one.Value == other.Value
        || Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, one.Value) != Pseudonymiser.Apply(KeyA, IdentifierKind.Mobile, other.Value);

    /// <summary>Masking with a seed is deterministic, and a fraction-f sample of N rows has about f·N rows.</summary>
    [Property(MaxTest = 25)]
    public Property Run_FractionSample_DeterministicAndOfExpectedSize() =>
        Prop.ForAll(
            Gen.Choose(1, 19).Select(twentieths => twentieths / 20.0).ToArbitrary(),
            ArbMap.Default.ArbFor<long>(),
            (fraction, seed) =>
            {
                const int rows = 2_000;
                var input = "n\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i}\n"));
                var options = Options(sampling: SamplingPlan.OfFraction(fraction), seed: seed);
                var (first, report) = RunAsync(input, [Field("n")], options).GetAwaiter().GetResult();
                var (again, _) = RunAsync(input, [Field("n")], options).GetAwaiter().GetResult();

                // Binomial(N, f): five standard deviations either side.
                var tolerance = 5 * Math.Sqrt(rows * fraction * (1 - fraction)) + 1;
                return first == again && Math.Abs(report.RowsOut - (rows * fraction)) <= tolerance;
            });

    private static bool NeverContains(IdentifierKind? kind, string value)
    {
        foreach (var classification in PersonalClassifications)
        {
            foreach (var purpose in new[] { MaskingPurpose.Sample, MaskingPurpose.Provisioning })
            {
                using var masker = new FieldMasker(Field("f", classification, kind), purpose, KeyA);
                var masked = masker.Apply(value);
                if (masked is not null && masked.Contains(value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
