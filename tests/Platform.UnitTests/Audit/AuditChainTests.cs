using Platform.Domain.Audit;
using Platform.Domain.Security;
using Xunit;

namespace Platform.UnitTests.Audit;

public sealed class AuditChainTests
{
    private static readonly Caller Official = new("alice", Roles.Authority, "湖北省数据局");
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    // Computed once, independently of this code, from the canonical form documented on AuditChain.CanonicalForm.
    private const string KnownPayloadHash = "974aa1ad98bac1cba6ac84307d0c75d74f01b80d2f8342892a49b22fc2788421";
    private const string KnownEntryHash = "b85929d08a63c2d6d3de8975f11c23cf8e30b65781bf066db885d7daf9653dec";

    [Fact]
    public void HashPayload_FixedPayload_MatchesKnownVector()
    {
        var hash = AuditChain.HashPayload(new { PlanId = "p-1", Title = "武汉" });

        Assert.Equal(KnownPayloadHash, hash);
    }

    [Fact]
    public void HashPayload_NullPayload_IsHashOfEmptyString()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AuditChain.HashPayload(null));
    }

    [Fact]
    public void Next_FixedEntry_MatchesKnownVector()
    {
        var entry = AuditChain.Next(AuditHead.Empty, new AuditRecord(Official, "plan.approved", "plans/p-1", new { PlanId = "p-1", Title = "武汉" }), Start);

        Assert.Equal(1, entry.Sequence);
        Assert.Equal(AuditChain.GenesisHash, entry.PreviousHash);
        Assert.Equal(KnownPayloadHash, entry.PayloadHash);
        Assert.Equal(KnownEntryHash, entry.Hash);
    }

    [Fact]
    public void Next_TimeWithOffset_IsHashedAsUtc()
    {
        var utc = AuditChain.Next(AuditHead.Empty, new AuditRecord(Official, "plan.approved", "plans/p-1", null), Start);
        var beijing = AuditChain.Next(AuditHead.Empty, new AuditRecord(Official, "plan.approved", "plans/p-1", null), Start.ToOffset(TimeSpan.FromHours(8)));

        Assert.Equal(utc.Hash, beijing.Hash);
        Assert.Equal(TimeSpan.Zero, beijing.Time.Offset);
    }

    [Fact]
    public void CanonicalForm_ValueContainingFieldSeparator_DiffersFromSplitValues()
    {
        var joined = AuditChain.CanonicalForm(1, Start, "a\nrole:1:x", "r", "o", "act", "t", "p", "h");
        var split = AuditChain.CanonicalForm(1, Start, "a", "role:1:x\nr", "o", "act", "t", "p", "h");

        Assert.NotEqual(joined, split);
    }

    [Fact]
    public void Next_AfterHead_LinksToHeadAndIncrementsSequence()
    {
        var first = AuditChain.Next(AuditHead.Empty, new AuditRecord(Official, "a", "t", null), Start);
        var second = AuditChain.Next(AuditHead.Of(first), new AuditRecord(Official, "b", "t", null), Start.AddSeconds(1));

        Assert.Equal(2, second.Sequence);
        Assert.Equal(first.Hash, second.PreviousHash);
    }

    [Fact]
    public void Verify_IntactChain_IsValid()
    {
        var chain = BuildChain(5);

        var result = AuditChainVerifier.Verify(chain, AuditHead.Of(chain[^1]));

        Assert.True(result.Valid);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Null(result.FirstBrokenSequence);
        Assert.Equal(5, result.HeadSequence);
    }

    [Fact]
    public void Verify_EmptyChainAgainstEmptyHead_IsValid()
    {
        var result = AuditChainVerifier.Verify([], AuditHead.Empty);

        Assert.True(result.Valid);
        Assert.Equal(0, result.EntriesChecked);
    }

    public static TheoryData<string> TamperableFields => new()
    {
        "time", "actor", "role", "org", "action", "target", "payloadHash", "previousHash", "hash",
    };

    [Theory]
    [MemberData(nameof(TamperableFields))]
    public void Verify_FieldTampered_NamesThatSequence(string field)
    {
        var chain = BuildChain(6);
        var original = chain[3];
        chain[3] = field switch
        {
            "time" => original with { Time = original.Time.AddTicks(1) },
            "actor" => original with { Actor = "mallory" },
            "role" => original with { Role = Roles.Supervisor },
            "org" => original with { Organization = "另一个单位" },
            "action" => original with { Action = "plan.rejected" },
            "target" => original with { Target = "plans/p-2" },
            "payloadHash" => original with { PayloadHash = AuditChain.HashPayload("forged") },
            "previousHash" => original with { PreviousHash = AuditChain.GenesisHash },
            "hash" => original with { Hash = AuditChain.GenesisHash },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var result = AuditChainVerifier.Verify(chain, AuditHead.Of(chain[^1]));

        Assert.False(result.Valid);
        Assert.Equal(original.Sequence, result.FirstBrokenSequence);
        Assert.Contains(original.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Reason);
    }

    [Fact]
    public void Verify_TamperedEntryRehashed_NamesTheNextEntryWhoseLinkBreaks()
    {
        var chain = BuildChain(6);
        var forged = chain[2] with { Action = "plan.rejected" };
        chain[2] = forged with { Hash = AuditChain.ComputeHash(forged) };

        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("link", result.Reason);
    }

    [Fact]
    public void Verify_EntryRemoved_NamesTheMissingSequence()
    {
        var chain = BuildChain(6);
        chain.RemoveAt(2);

        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("gap", result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Verify_FirstEntryMissing_NamesSequenceOne()
    {
        var chain = BuildChain(3);
        chain.RemoveAt(0);

        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(1, result.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_EntryDuplicated_NamesTheDuplicate()
    {
        var chain = BuildChain(4);
        chain.Insert(2, chain[1]);

        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_GenesisLinkForged_NamesEntryOne()
    {
        var chain = BuildChain(2);
        var forged = chain[0] with { PreviousHash = new string('1', 64) };
        chain[0] = forged with { Hash = AuditChain.ComputeHash(forged) };

        var result = AuditChainVerifier.Verify(chain);

        Assert.False(result.Valid);
        Assert.Equal(1, result.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_TailRemovedButHeadKept_NamesFirstRemovedSequence()
    {
        var chain = BuildChain(5);
        var head = AuditHead.Of(chain[^1]);
        chain.RemoveRange(3, 2);

        var result = AuditChainVerifier.Verify(chain, head);

        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Equal(5, result.HeadSequence);
    }

    [Fact]
    public void Verify_EntryBeyondHead_NamesThatEntry()
    {
        var chain = BuildChain(5);

        var result = AuditChainVerifier.Verify(chain, AuditHead.Of(chain[2]));

        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenSequence);
    }

    [Fact]
    public void Verify_HeadHashDiffers_NamesLastEntry()
    {
        var chain = BuildChain(3);

        var result = AuditChainVerifier.Verify(chain, new AuditHead(3, AuditChain.GenesisHash));

        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBrokenSequence);
    }

    [Fact]
    public void Accept_AfterBreak_StaysBroken()
    {
        var chain = BuildChain(3);
        var verifier = new AuditChainVerifier();
        verifier.Accept(chain[0]);
        verifier.Accept(chain[2]);

        Assert.False(verifier.Accept(chain[1]));
        Assert.Equal(2, verifier.Complete().FirstBrokenSequence);
    }

    private static List<AuditEntry> BuildChain(int length)
    {
        var entries = new List<AuditEntry>(length);
        var head = AuditHead.Empty;
        for (var i = 0; i < length; i++)
        {
            var entry = AuditChain.Next(head, new AuditRecord(Official, $"action.{i}", $"targets/{i}", new { Index = i, Note = "数据可用不可见" }), Start.AddMinutes(i));
            entries.Add(entry);
            head = AuditHead.Of(entry);
        }

        return entries;
    }
}
