namespace Platform.Domain.Masking;

/// <summary>Masking worker settings, bound from the <c>Masking</c> section and validated at start-up.</summary>
public sealed class MaskingJobOptions
{
    public const string SectionName = "Masking";

    /// <summary>Rows between two progress reports of the engine.</summary>
    public int ProgressRows { get; set; } = 10_000;

    /// <summary>The least time between two writes of a job's progress to its record.</summary>
    public double ProgressSeconds { get; set; } = 2;
}
