using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Domain.Contacts;
using Platform.Domain.Notifications;
using Platform.Domain.Secrets;

namespace Platform.Adapters.Notifications;

/// <summary>How the relay is secured: <c>Smtp:Security</c>.</summary>
public enum SmtpSecurity
{
    /// <summary>STARTTLS on the submission port (587): a government relay or Azure Communication Services (smtp.azurecomm.net).</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, port 465).</summary>
    SslOnConnect,

    /// <summary>No encryption: only a local mail sink on a developer machine (refused outside Development).</summary>
    None,
}

/// <summary>Settings section <c>Smtp</c>; e-mail delivery is on when <see cref="Host"/> is set.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    /// <summary><c>Smtp:Host</c>: the relay; empty means no e-mail (messages go to the log).</summary>
    public string? Host { get; set; }

    /// <summary><c>Smtp:Port</c>.</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>Smtp:Security</c>: StartTls, SslOnConnect or None.</summary>
    public string Security { get; set; } = nameof(SmtpSecurity.StartTls);

    /// <summary><c>Smtp:UserName</c>: empty for a relay that does not authenticate.</summary>
    public string? UserName { get; set; }

    /// <summary><c>Smtp:PasswordSecretName</c>: the secret-store entry (Key Vault in Azure) holding the password.</summary>
    public string PasswordSecretName { get; set; } = "smtp-password";

    /// <summary><c>Smtp:FromAddress</c>: the sender address the relay allows.</summary>
    public string? FromAddress { get; set; }

    /// <summary><c>Smtp:FromName</c>: the display name of the sender.</summary>
    public string FromName { get; set; } = "湖北省公共数据资源授权运营平台";

    /// <summary><c>Smtp:Timeout</c>: per connection.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public SmtpSecurity ParsedSecurity => Enum.Parse<SmtpSecurity>(Security, ignoreCase: true);
}

public sealed class SmtpOptionsValidator(string environmentName) : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Smtp:Port must be between 1 and 65535 (got {options.Port}).");
        }

        if (!Enum.TryParse<SmtpSecurity>(options.Security, ignoreCase: true, out var security) || !Enum.IsDefined(security))
        {
            failures.Add($"Smtp:Security must be StartTls, SslOnConnect or None (got '{options.Security}').");
        }
        else if (security == SmtpSecurity.None && !string.Equals(environmentName, "Development", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add("Smtp:Security 'None' sends mail and the relay password unencrypted; it is allowed only in Development. Use StartTls or SslOnConnect.");
        }

        if (!ContactRules.IsEmail(options.FromAddress))
        {
            failures.Add($"Smtp:FromAddress must be one e-mail address the relay accepts as sender (got '{options.FromAddress}').");
        }

        if (!string.IsNullOrWhiteSpace(options.UserName) && string.IsNullOrWhiteSpace(options.PasswordSecretName))
        {
            failures.Add("Smtp:PasswordSecretName must name the secret holding the password of Smtp:UserName.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Smtp:Timeout must be between 00:00:01 and 00:05:00 (got {options.Timeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// E-mail over SMTP with MailKit: one connection per message, TLS as configured, authentication with the password from
/// the secret store, multipart text + HTML in UTF-8, and a Message-ID derived from the notification id. A 5xx answer
/// is permanent; a 4xx answer, a refused or dropped connection, a TLS or login failure and a timeout are transient.
/// </summary>
public sealed class SmtpEmailTransport(IOptions<SmtpOptions> options, ISecretStore secrets) : IEmailTransport
{
    private readonly SmtpOptions _options = options.Value;

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mime = ToMime(message, _options);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            var socketOptions = _options.ParsedSecurity switch
            {
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                SmtpSecurity.None => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(_options.Host!, _options.Port, socketOptions, cancellationToken);
            if (!string.IsNullOrWhiteSpace(_options.UserName))
            {
                var password = await secrets.GetSecretAsync(_options.PasswordSecretName, cancellationToken);
                await client.AuthenticateAsync(_options.UserName, password, cancellationToken);
            }

            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
        }
        catch (SmtpCommandException refused)
        {
            var code = (int)refused.StatusCode;
            var kind = code >= 500 ? DeliveryFailureKind.Permanent : DeliveryFailureKind.Transient;
            throw new NotificationDeliveryException(kind, $"SMTP {code} ({refused.ErrorCode}): {refused.Message}", null, refused);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or TimeoutException or SslHandshakeException
                                      or AuthenticationException or ServiceNotConnectedException or SecretNotFoundException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new NotificationDeliveryException(DeliveryFailureKind.Transient, $"SMTP {e.GetType().Name}: {e.Message}", null, e);
        }
    }

    public static MimeMessage ToMime(EmailMessage message, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(options.FromName, options.FromAddress!));
        foreach (var to in message.To)
        {
            mime.To.Add(MailboxAddress.Parse(to));
        }

        mime.Subject = message.Subject;
        if (message.MessageIdLocalPart is { } local)
        {
            var domain = options.FromAddress![(options.FromAddress!.LastIndexOf('@') + 1)..];
            mime.MessageId = $"{local}@{domain}";
        }

        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        mime.Body = body.ToMessageBody();
        return mime;
    }
}
