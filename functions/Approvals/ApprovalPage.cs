using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.Domain.Approvals;
using Platform.Domain.Time;

namespace Platform.Functions.Approvals;

/// <summary>
/// The page behind a signed link (docs/api.md#signed-links), rendered on the server in Chinese: what is decided, the facts, the criteria
/// to score and a plain HTML form. No script at all, so it works without JavaScript and nothing loads from elsewhere;
/// every value is HTML-encoded (Chinese stays readable text, markup in a value is shown, never run).
/// </summary>
public static class ApprovalPage
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly (ApprovalDecisionKind Kind, string Label)[] Decisions =
    [
        (ApprovalDecisionKind.Approve, "同意"),
        (ApprovalDecisionKind.Reject, "不同意"),
        (ApprovalDecisionKind.Changes, "需修改后重新提交"),
    ];

    public static string DecisionLabel(ApprovalDecisionKind kind) => Decisions.First(d => d.Kind == kind).Label;

    /// <summary>The page for a slot: the form while open, the recorded decision once decided, a notice once closed.</summary>
    public static string Render(ApprovalPageModel model, string? notice = null, IReadOnlyDictionary<string, string[]>? errors = null, ApprovalDecisionInput? entered = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var page = new StringBuilder();
        page.Append("<h1>").Append(E(model.Subject.Heading)).Append("</h1>");
        page.Append("<p class=\"question\">").Append(E(model.Subject.Question)).Append("</p>");
        if (notice is not null)
        {
            page.Append("<p class=\"notice\" role=\"status\">").Append(E(notice)).Append("</p>");
        }

        switch (model.State)
        {
            case ApprovalSlotState.Decided when model.Claim?.Decision is { } decision:
                AppendDecision(page, decision, model.Subject.Criteria);
                break;
            case ApprovalSlotState.Closed:
                page.Append("<p class=\"error\" role=\"alert\">本轮评审已结束（已有结果、运营机构已重新提交或评审已取消），此链接不再有效。</p>");
                break;
        }

        page.Append("<section><h2>基本情况</h2><dl>");
        foreach (var fact in model.Subject.Facts)
        {
            page.Append("<dt>").Append(E(fact.Label)).Append("</dt><dd>").Append(E(fact.Value)).Append("</dd>");
        }

        page.Append("</dl></section>");
        foreach (var group in model.Subject.Groups)
        {
            page.Append("<section><h2>").Append(E(group.Title)).Append("</h2><dl>");
            foreach (var fact in group.Facts)
            {
                page.Append("<dt>").Append(E(fact.Label)).Append("</dt><dd>").Append(E(fact.Value)).Append("</dd>");
            }

            page.Append("</dl></section>");
        }

        if (model.State == ApprovalSlotState.Open)
        {
            AppendForm(page, model, errors, entered);
        }

        return Document(model.Subject.Heading, page.ToString());
    }

    /// <summary>A page for a link that cannot be opened (altered, expired, used, closed).</summary>
    public static string RenderProblem(int status, string code, string detail)
    {
        var (title, explanation) = status switch
        {
            StatusCodes.Status403Forbidden => ("链接无效", "该链接已被修改或并非本平台签发，无法使用。"),
            StatusCodes.Status410Gone when code == ApprovalLinkSigner.ExpiredCode => ("链接已过期", "该链接已超过有效期，请联系主管部门重新发送。"),
            StatusCodes.Status410Gone => ("评审已结束", "本轮评审已结束，此链接不再有效。"),
            StatusCodes.Status409Conflict => ("已作出决定", "该链接对应的决定已经提交，每个链接只能决定一次。"),
            _ => ("无法处理请求", "请求无法处理。"),
        };
        var body = $"<h1>{E(title)}</h1><p class=\"error\" role=\"alert\">{E(explanation)}</p><p class=\"detail\">{E(detail)}</p><p class=\"code\">错误代码：<code>{E(code)}</code></p>";
        return Document(title, body);
    }

    /// <summary>An HTML answer with headers that keep the link (a credential) out of caches, referrers and frames.</summary>
    public static IActionResult Result(int statusCode, string html) => new ApprovalPageResult(statusCode, html);

    private static void AppendDecision(StringBuilder page, ApprovalDecision decision, IReadOnlyList<ApprovalCriterion> criteria)
    {
        page.Append("<section class=\"decided\"><h2>已记录的决定</h2><dl>");
        page.Append("<dt>决定</dt><dd class=\"decision\" data-decision=\"").Append(E(Wire(decision.Kind))).Append("\">").Append(E(DecisionLabel(decision.Kind))).Append("</dd>");
        page.Append("<dt>时间</dt><dd>").Append(E($"{ChinaTime.ToChinaTime(decision.DecidedAt):yyyy-MM-dd HH:mm:ss}（北京时间）")).Append("</dd>");
        if (decision.Comment is not null)
        {
            page.Append("<dt>意见</dt><dd>").Append(E(decision.Comment)).Append("</dd>");
        }

        foreach (var (key, score) in decision.Scores)
        {
            var label = criteria.FirstOrDefault(c => c.Key == key)?.Label ?? key;
            page.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(score).Append(" 分</dd>");
        }

        page.Append("</dl></section>");
    }

    private static void AppendForm(StringBuilder page, ApprovalPageModel model, IReadOnlyDictionary<string, string[]>? errors, ApprovalDecisionInput? entered)
    {
        // No action attribute: the form posts back to this very address, the link itself.
        page.Append("<form method=\"post\" accept-charset=\"UTF-8\"><h2>评审</h2>");
        if (errors is { Count: > 0 })
        {
            page.Append("<div class=\"error\" role=\"alert\"><p>请更正以下内容后再提交：</p><ul>");
            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages)
                {
                    page.Append("<li>").Append(E(field)).Append("：").Append(E(message)).Append("</li>");
                }
            }

            page.Append("</ul></div>");
        }

        page.Append("<p class=\"hint\">按以下评审标准打分（1 分最低，5 分最高）。同意时须全部打分；不同意或需修改时须填写意见。</p>");
        foreach (var criterion in model.Subject.Criteria)
        {
            page.Append("<fieldset class=\"criterion\"><legend>").Append(E(criterion.Label)).Append("</legend>");
            page.Append("<p class=\"hint\">").Append(E(criterion.Description)).Append("</p><div class=\"scale\">");
            for (var score = ApprovalService.MinScore; score <= ApprovalService.MaxScore; score++)
            {
                var isChecked = entered?.Scores is { } scores && scores.TryGetValue(criterion.Key, out var given) && given == score;
                page.Append("<label><input type=\"radio\" name=\"scores.").Append(E(criterion.Key)).Append("\" value=\"").Append(score).Append('"')
                    .Append(isChecked ? " checked" : "").Append("> ").Append(score).Append("</label>");
            }

            page.Append("</div></fieldset>");
        }

        page.Append("<fieldset class=\"decision\"><legend>决定</legend>");
        foreach (var (kind, label) in Decisions)
        {
            page.Append("<label><input type=\"radio\" name=\"decision\" value=\"").Append(Wire(kind)).Append('"')
                .Append(entered?.Decision == kind ? " checked" : "").Append(" required> ").Append(E(label)).Append("</label>");
        }

        page.Append("</fieldset>");
        page.Append("<label for=\"comment\" class=\"block\">意见（不同意或需修改时必填）</label>");
        page.Append("<textarea id=\"comment\" name=\"comment\" rows=\"5\" maxlength=\"").Append(ApprovalService.MaxCommentLength).Append("\">")
            .Append(E(entered?.Comment ?? "")).Append("</textarea>");
        page.Append("<p class=\"hint\">链接有效期至 ").Append(E($"{ChinaTime.ToChinaTime(model.LinkExpiresAt):yyyy-MM-dd HH:mm}（北京时间）")).Append("，只能提交一次。</p>");
        page.Append("<button type=\"submit\">提交决定</button></form>");
    }

    private static string Document(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <meta name="robots" content="noindex, nofollow">
        <title>{{E(title)}} - 公共数据授权运营平台</title>
        <style>
        body{margin:0;padding:1rem;font:16px/1.6 "PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#1f2328;background:#f6f8fa}
        main{max-width:44rem;margin:0 auto;background:#fff;padding:1rem 1.25rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
        h1{font-size:1.4rem;margin:.2rem 0 .6rem} h2{font-size:1.1rem;margin:1.2rem 0 .4rem;border-bottom:1px solid #d0d7de}
        dl{margin:0} dt{font-weight:600;margin-top:.5rem} dd{margin:0 0 .2rem 0;white-space:pre-wrap;word-break:break-word}
        fieldset{border:1px solid #d0d7de;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem} legend{font-weight:600}
        .scale label,.decision label{display:inline-block;margin:.2rem 1rem .2rem 0;min-height:44px;line-height:44px}
        input[type=radio]{width:1.2rem;height:1.2rem;vertical-align:middle}
        textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem} .block{display:block;margin-top:.8rem;font-weight:600}
        button{margin-top:1rem;width:100%;min-height:48px;font-size:1.1rem;background:#1a7f37;color:#fff;border:0;border-radius:6px}
        .hint{color:#57606a;font-size:.9rem;margin:.2rem 0} .question{font-size:1.05rem}
        .error{background:#ffebe9;border:1px solid #ff8182;padding:.6rem;border-radius:6px} .notice{background:#dafbe1;border:1px solid #4ac26b;padding:.6rem;border-radius:6px}
        footer{max-width:44rem;margin:1rem auto;color:#57606a;font-size:.8rem;text-align:center}
        </style>
        </head>
        <body>
        <main>
        {{body}}
        </main>
        <footer>湖北省公共数据授权运营平台 · 依据《湖北省公共数据资源授权运营实施办法（试行）》</footer>
        </body>
        </html>
        """;

    private static string Wire(ApprovalDecisionKind kind) => kind.ToString().ToLowerInvariant();

    private static string E(string value) => Html.Encode(value);
}

/// <summary>The approval page with the headers a page behind a credential-bearing link needs.</summary>
public sealed class ApprovalPageResult(int statusCode, string html) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public string Html { get; } = html;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var body = Encoding.UTF8.GetBytes(Html);
        response.StatusCode = StatusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["X-Frame-Options"] = "DENY";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        await response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
    }
}
