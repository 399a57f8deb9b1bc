namespace Platform.Functions.Portal;

/// <summary>
/// The portal's one stylesheet, served by the app (<c>/api/portal/assets/portal.css</c>) so the Content-Security-Policy
/// can forbid inline style. Colours meet WCAG 2.1 AA contrast (text #1f2328 on white 15.8:1, links #0b5cad 6.6:1,
/// muted #57606a 6.4:1, white on the header #0b3d6e 11:1); focus is always visible; the layout reflows on a phone.
/// </summary>
public static class PortalStylesheet
{
    public const string Css = """
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;font:16px/1.7 "PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#1f2328;background:#f6f8fa}
        a{color:#0b5cad;text-decoration:underline}
        a:hover{color:#083f7a}
        a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,main:focus-visible{outline:3px solid #bf5700;outline-offset:2px}
        .skip-link{position:absolute;left:-9999px;top:0;background:#ffffff;color:#0b3d6e;padding:.5rem 1rem;z-index:10}
        .skip-link:focus{left:1rem;top:1rem}
        .site-header{background:#0b3d6e;color:#ffffff;padding:.75rem 1rem}
        .site-header a{color:#ffffff}
        .site-name{margin:0 0 .4rem;font-size:1.25rem;font-weight:700}
        .site-name a{text-decoration:none}
        nav.primary ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
        nav.primary a{display:inline-block;padding:.35rem 0;min-height:44px;line-height:2}
        nav.primary a[aria-current="page"]{font-weight:700;text-decoration-thickness:3px}
        main{display:block;max-width:64rem;margin:1rem auto;background:#ffffff;padding:1rem 1.25rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
        h1{font-size:1.5rem;margin:.25rem 0 .75rem}
        h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
        h3{font-size:1.05rem;margin:1rem 0 .25rem}
        .lead{font-size:1.05rem}
        .muted{color:#57606a}
        .figures{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem}
        .figures li{border:1px solid #d0d7de;border-radius:6px;padding:.75rem}
        .figures .value{display:block;font-size:1.8rem;font-weight:700;color:#0b3d6e}
        .cards{list-style:none;margin:0;padding:0}
        .cards li{border-bottom:1px solid #d0d7de;padding:.75rem 0}
        .cards h2,.cards h3{margin:0;border:0;font-size:1.1rem}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
        dl.facts dt{font-weight:600}
        dl.facts dd{margin:0;word-break:break-word}
        .table-wrap{overflow-x:auto;margin:.5rem 0}
        table{border-collapse:collapse;width:100%;font-size:.95rem}
        .table-wrap table{min-width:36rem}
        caption{text-align:left;font-weight:600;padding:.25rem 0}
        th,td{border:1px solid #d0d7de;padding:.4rem .5rem;text-align:left;vertical-align:top}
        thead th{background:#eef2f6}
        .downloads{margin:.25rem 0 .75rem}
        form.search{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.5rem 1rem;align-items:end;margin:.5rem 0 1rem}
        form.search label{display:block;font-weight:600}
        input,select,button{font:inherit;min-height:44px;width:100%;padding:.35rem .5rem;border:1px solid #57606a;border-radius:6px;background:#ffffff;color:#1f2328}
        button{background:#0b5cad;color:#ffffff;border-color:#0b5cad;font-weight:600;cursor:pointer}
        nav.pages{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1rem 0}
        nav.pages a{display:inline-block;min-height:44px;line-height:44px}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem}
        figure.chart{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:.75rem}
        figure.chart figcaption{font-weight:600;margin-bottom:.25rem}
        figure.chart svg{width:100%;height:auto;display:block}
        .chart-bar{fill:#0b5cad}
        .chart-label,.chart-value{fill:#1f2328;font-size:14px}
        figure.chart details{margin-top:.5rem}
        figure.chart summary{cursor:pointer;color:#0b5cad;min-height:44px;line-height:44px}
        table.chart-data{margin-top:.25rem;font-size:.9rem}
        .withheld{color:#57606a;font-style:italic}
        footer.site-footer{max-width:64rem;margin:1rem auto 2rem;padding:0 1rem;color:#57606a;font-size:.85rem;text-align:center}
        @media (max-width:40rem){main{margin:0;border-radius:0;padding:.75rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}h1{font-size:1.3rem}}
        """;
}
