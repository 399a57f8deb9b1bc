using System.Text;
using FsCheck;
using FsCheck.Xunit;
using Platform.Domain.Approvals;
using Platform.Domain.Errors;
using Platform.UnitTests.Personnel;
using Xunit;

namespace Platform.UnitTests.Approvals;

public sealed class ApprovalLinkTests
{
    private const string Key1 = "link-signing-key-1";
    private const string Key2 = "link-signing-key-2";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
    private static readonly byte[] KeyBytes = Encoding.UTF8.GetBytes("test-link-signing-key-0123456789abcdef-0123");

    private readonly DictionarySecretStore _secrets = new(new()
    {
        [Key1] = "test-link-signing-key-0123456789abcdef-0123",
        [Key2] = "second-link-signing-key-0123456789abcdef-99",
        ["personnel-id-hash-key"] = "another-purpose-key-0123456789abcdef-0123456",
        ["short"] = "too-short",
    });

    private readonly FixedClock _clock = new(Now);

    [Fact]
    public void Codec_EncodeThenParse_ReturnsTheClaimsAndVerifies()
    {
        var claims = new ApprovalLinkClaims("scenario-review-scn-1-r1", "provider-org-1", "org:org-1", Now.AddDays(30), "nonce-1");

        var token = ApprovalLinkCodec.Encode(claims, Key1, KeyBytes);

        Assert.True(ApprovalLinkCodec.TryParse(token, out var parsed));
        Assert.Equal(claims, parsed.Claims);
        Assert.Equal(Key1, parsed.KeyId);
        Assert.True(ApprovalLinkCodec.SignatureMatches(parsed, KeyBytes));
        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", token);
    }

    [Fact]
    public void Codec_OtherKey_DoesNotVerify()
    {
        var token = ApprovalLinkCodec.Encode(new ApprovalLinkClaims("i", "s", "r", Now, "n"), Key1, KeyBytes);
        ApprovalLinkCodec.TryParse(token, out var parsed);

        Assert.False(ApprovalLinkCodec.SignatureMatches(parsed, Encoding.UTF8.GetBytes("a-different-key-0123456789abcdef-0123456")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot-at-all")]
    [InlineData("a.b.c")]
    [InlineData(".abc")]
    [InlineData("abc.")]
    [InlineData("e30.AAAA")]
    [InlineData("not base64!.AAAA")]
    [InlineData("eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Codec_Malformed_IsNotALink(string? token)
    {
        Assert.False(ApprovalLinkCodec.TryParse(token, out _));
    }

    [Fact]
    public void Codec_TooLong_IsRefusedBeforeDecoding()
    {
        Assert.False(ApprovalLinkCodec.TryParse(new string('A', ApprovalLinkCodec.MaxTokenLength + 1), out _));
    }

    [Property]
    public bool Codec_AnySingleCharacterChanged_NeverVerifies(NonNegativeInt position, NonNegativeInt replacement)
    {
        var token = ApprovalLinkCodec.Encode(new ApprovalLinkClaims("scenario-review-scn-1-r1", "authority", "role:authority", Now.AddDays(1), "abc"), Key1, KeyBytes);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        var chars = token.ToCharArray();
        var at = position.Get % chars.Length;
        var substitute = alphabet[replacement.Get % alphabet.Length];
        if (chars[at] == substitute)
        {
            return true;
        }

        chars[at] = substitute;
        return !ApprovalLinkCodec.TryParse(new string(chars), out var parsed) || !ApprovalLinkCodec.SignatureMatches(parsed, KeyBytes);
    }

    [Fact]
    public async Task Signer_SignedLink_VerifiesUntilItExpires()
    {
        var signer = Signer(new ApprovalLinkSettings(Key1, [], TimeSpan.FromDays(30), "https://data.example.cn/"));
        var link = await signer.SignAsync("scenario-review-scn-1-r1", "authority", "role:authority", Now.AddMinutes(10));

        var verified = await signer.VerifyAsync(link.Token);
        _clock.UtcNow = Now.AddMinutes(10);
        var expired = await Assert.ThrowsAsync<DomainException>(() => signer.VerifyAsync(link.Token));

        Assert.Equal("authority", verified.Claims.Slot);
        Assert.Equal($"https://data.example.cn/api/approvals/{link.Token}", link.Url);
        Assert.Equal(FailureKind.Gone, expired.Kind);
        Assert.Equal("approval.link_expired", expired.Code);
    }

    [Fact]
    public async Task Signer_TamperedAndExpired_IsInvalidNotExpired()
    {
        var signer = Signer(new ApprovalLinkSettings(Key1, [], TimeSpan.FromDays(30), null));
        var link = await signer.SignAsync("i-1", "authority", "role:authority", Now.AddMinutes(1));
        _clock.UtcNow = Now.AddDays(1);

        var refused = await Assert.ThrowsAsync<DomainException>(() => signer.VerifyAsync(link.Token[..^2] + (link.Token[^2] == 'A' ? "B" : "A") + link.Token[^1]));

        Assert.Equal(FailureKind.Forbidden, refused.Kind);
        Assert.Equal("approval.link_invalid", refused.Code);
    }

    [Fact]
    public async Task Signer_KeyRotated_PreviousKeyAcceptedUntilRetired()
    {
        var before = await Signer(new ApprovalLinkSettings(Key1, [], TimeSpan.FromDays(30), null)).SignAsync("i-1", "authority", "role:authority", Now.AddDays(1));
        var rotated = Signer(new ApprovalLinkSettings(Key2, [Key1], TimeSpan.FromDays(30), null));
        var retired = Signer(new ApprovalLinkSettings(Key2, [], TimeSpan.FromDays(30), null));

        var stillValid = await rotated.VerifyAsync(before.Token);
        var newLink = await rotated.SignAsync("i-1", "authority", "role:authority", Now.AddDays(1));
        var refused = await Assert.ThrowsAsync<DomainException>(() => retired.VerifyAsync(before.Token));

        Assert.Equal(Key1, stillValid.KeyId);
        Assert.Equal(Key2, newLink.KeyId);
        Assert.Equal("approval.link_invalid", refused.Code);
    }

    [Fact]
    public async Task Signer_LinkNamingAnUnlistedSecret_RefusedWithoutReadingIt()
    {
        var signer = Signer(new ApprovalLinkSettings(Key1, [], TimeSpan.FromDays(30), null));
        var forged = ApprovalLinkCodec.Encode(new ApprovalLinkClaims("i-1", "authority", "role:authority", Now.AddDays(1), "n"), "personnel-id-hash-key",
            Encoding.UTF8.GetBytes("another-purpose-key-0123456789abcdef-0123456"));

        var refused = await Assert.ThrowsAsync<DomainException>(() => signer.VerifyAsync(forged));

        Assert.Equal("approval.link_invalid", refused.Code);
        Assert.DoesNotContain("personnel-id-hash-key", _secrets.Requested);
    }

    [Fact]
    public async Task Signer_ShortKey_FailsNamingTheSetting()
    {
        var signer = Signer(new ApprovalLinkSettings("short", [], TimeSpan.FromDays(30), null));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => signer.SignAsync("i", "s", "r", Now.AddDays(1)));

        Assert.Contains("Secrets:short", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signer_TwoLinksToTheSameSlot_HaveDifferentNonces()
    {
        var signer = Signer(new ApprovalLinkSettings(Key1, [], TimeSpan.FromDays(30), null));

        var first = await signer.SignAsync("i", "s", "r", Now.AddDays(1));
        var second = await signer.SignAsync("i", "s", "r", Now.AddDays(1));

        Assert.NotEqual(first.Claims.Nonce, second.Claims.Nonce);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal("/api/approvals/" + first.Token, first.Url);
    }

    private ApprovalLinkSigner Signer(ApprovalLinkSettings settings) => new(_secrets, settings, _clock);
}
