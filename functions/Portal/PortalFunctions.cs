using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Domain.Disclosure;
using Platform.Domain.Errors;
using Platform.Domain.Portal;
using Platform.Domain.Products;
using Platform.Domain.Resources;
using Platform.Domain.Time;
using Platform.Functions.Auth;
using Platform.Functions.Catalog;
using Platform.Functions.Http;
using Platform.Functions.OpenApi;
using Platform.Functions.Resources;

namespace Platform.Functions.Portal;

/// <summary>
/// Runs a portal page through the one request pipeline. A refusal (4xx domain failure: bad query, unknown or
/// unpublished id) is a Chinese error page with the same status and stable code for browsers (Accept: text/html) and
/// problem details as on every route for other clients; 5xx failures always go to the problem-details mapper.
/// </summary>
public static class PortalRun
{
    public static Task<IActionResult> PageAsync(ApiHandler api, HttpRequest request, Func<ApiRequestContext, Task<IActionResult>> body)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(body);
        return api.RunAsync(request, ApiAccess.Anonymous, async call =>
        {
            try
            {
                return await body(call);
            }
            catch (DomainException refused) when (WantsHtml(call.Request) && ProblemDetailsMapper.StatusOf(refused.Kind) is >= 400 and < 500)
            {
                var status = ProblemDetailsMapper.StatusOf(refused.Kind);
                return new PortalPageResult(PortalPages.Problem(status, refused.Code), cacheControl: "no-store", statusCode: status);
            }
        });
    }

    /// <summary>True when the client lists text/html among what it accepts (browsers do; HttpClient and curl by default do not).</summary>
    public static bool WantsHtml(HttpRequest request)
        => request.GetTypedHeaders().Accept?.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)) == true;
}

/// <summary>The portal's home page and its stylesheet (docs/api.md#public-portal).</summary>
public sealed class PortalHomeFunctions(ApiHandler api, PortalCatalog catalog, PortalProducts products, DisclosureService disclosure, IClock clock)
{
    [Function("PortalHome")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal home page (HTML, Chinese): headline figures and charts", Tags = ["portal"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal")] HttpRequest request)
        => PortalRun.PageAsync(api, request, async call =>
        {
            var now = clock.UtcNow;
            var year = ChinaTime.LegalDate(now).Year;
            var resources = await catalog.PublishedAsync(call.CancellationToken);
            var published = await products.PublishedAsync(call.CancellationToken);
            var meters = await products.MetersAsync(published, call.CancellationToken);
            var authorizations = await disclosure.AuthorizationsAsync(call.CancellationToken);
            var headline = new PortalHeadline(resources.Count, PortalFigures.OperatorsAuthorized(authorizations), published.Count, PortalFigures.CallsInYear(meters, year), year);
            var charts = new[]
            {
                PortalFigures.ResourcesByDomain(resources),
                PortalFigures.ProductsByCategory(published),
                PortalFigures.CallsByMonth(meters, year),
                PortalFigures.AuthorizationsByTerm(authorizations),
            };
            return new PortalPageResult(PortalPages.Home(new PortalHomeModel(headline, charts, now)));
        });

    [Function("PortalStylesheet")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "The public portal's stylesheet", Tags = ["portal"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/css")]
    public Task<IActionResult> Stylesheet([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/assets/portal.css")] HttpRequest request)
        => api.RunAsync(request, ApiAccess.Anonymous, _ => (IActionResult)new PortalPageResult(PortalStylesheet.Css, PortalPageResult.CssType, PortalPageResult.AssetCacheControl));
}

/// <summary>The catalogue pages (M4.1): search and filters, and each published resource with its masked sample.</summary>
public sealed class PortalCatalogFunctions(ApiHandler api, PortalCatalog catalog, CatalogService published, CatalogSampleReader samples)
{
    [Function("PortalCatalog")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal: the data resource catalogue (HTML), searchable by text and filtered by domain, provider and update frequency", Tags = ["portal"])]
    [OpenApiQueryParameter("q", typeof(string), Description = "Text searched in name and description.")]
    [OpenApiQueryParameter("domain", typeof(string), Description = "Only resources of this domain.")]
    [OpenApiQueryParameter("provider", typeof(string), Description = "Only resources of this provider (organisation id).")]
    [OpenApiQueryParameter("frequency", typeof(string), Description = "Only resources with this update frequency.")]
    [OpenApiQueryParameter("page", typeof(int), Description = "1-based page number (20 a page).")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/resources")] HttpRequest request)
        => PortalRun.PageAsync(api, request, async call =>
        {
            var query = call.Request.Query;
            var filter = new CatalogFilter(
                QueryValues.OptionalText(query, "q", CatalogSearch.MaxQueryLength), QueryValues.OptionalText(query, "domain", 100),
                QueryValues.OptionalText(query, "provider", 100), QueryValues.OptionalText(query, "frequency", 100));
            var number = PortalPaging.ParsePage(query["page"].ToString());
            var resources = await catalog.PublishedAsync(call.CancellationToken);
            var page = PortalPaging.Slice(filter.Apply(resources), number);
            var names = await catalog.NamesAsync(resources.Select(r => r.ProviderId), call.CancellationToken);
            var providers = CatalogFilter.Choices(resources, r => r.ProviderId).Select(id => (id, names.GetValueOrDefault(id, id))).OrderBy(p => p.Item2, StringComparer.Ordinal).ToList();
            var model = new PortalCatalogModel(filter, CatalogFilter.Choices(resources, r => r.Domain), providers, CatalogFilter.Choices(resources, r => r.UpdateFrequency), page, names);
            return new PortalPageResult(PortalPages.Catalog(model));
        });

    [Function("PortalResource")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal: one published resource (HTML): fields with classification and grade, masked sample, update history; 404 unless published", Tags = ["portal"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/resources/{id}")] HttpRequest request, string id)
        => PortalRun.PageAsync(api, request, async call =>
        {
            var resource = await published.GetAsync(call.RouteId(id, ResourceFunctions.IdPrefix), call.CancellationToken);
            var entry = await samples.ViewAsync(resource, call.CancellationToken);
            var names = await catalog.NamesAsync([resource.ProviderId], call.CancellationToken);
            return new PortalPageResult(PortalPages.Resource(new PortalResourceModel(entry, names[resource.ProviderId], PortalCatalog.History(resource))));
        });
}

/// <summary>The product pages (M4.5, M4.7.4): published products with price and basis, and each product's public page.</summary>
public sealed class PortalProductFunctions(ApiHandler api, PortalProducts products, PortalCatalog catalog)
{
    [Function("PortalProducts")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal: published data products and services (HTML) with kind, category, price and basis, operator, registration number", Tags = ["portal"])]
    [OpenApiQueryParameter("category", typeof(string), Description = "'public-good' or 'industry'.")]
    [OpenApiQueryParameter("kind", typeof(ProductKind), Description = "Only products of this kind.")]
    [OpenApiQueryParameter("page", typeof(int), Description = "1-based page number (20 a page).")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/products")] HttpRequest request)
        => PortalRun.PageAsync(api, request, async call =>
        {
            var query = call.Request.Query;
            var category = QueryValues.OptionalChoice(query, "category", ProductRules.PublicGood, ProductRules.Industry);
            var kindText = QueryValues.OptionalText(query, "kind", 32);
            ProductKind? kind = null;
            if (kindText is not null)
            {
                kind = ProductWire.TryParse<ProductKind>(kindText, out var parsed) ? parsed : throw QueryValues.Invalid("kind", $"Expected one of: {string.Join(", ", ProductWire.All<ProductKind>())}.");
            }

            var number = PortalPaging.ParsePage(query["page"].ToString());
            var matching = (await products.PublishedAsync(call.CancellationToken))
                .Where(p => (category is null || p.UseCategory == category) && (kind is null || p.Kind == kind)).ToList();
            var page = PortalPaging.Slice(matching, number);
            var names = await catalog.NamesAsync(page.Items.Select(p => p.OperatorId), call.CancellationToken);
            var bases = await products.PriceBasesAsync(page.Items, call.CancellationToken);
            return new PortalPageResult(PortalPages.Products(new PortalProductsModel(category, kind, page, names, bases)));
        });

    [Function("PortalProduct")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal: one published product's public page (HTML); never its internal record; 404 unless published", Tags = ["portal"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/products/{id}")] HttpRequest request, string id)
        => PortalRun.PageAsync(api, request, async call =>
            new PortalPageResult(PortalPages.Product(await products.GetAsync(call.RouteId(id, Products.ProductFunctions.IdPrefix), call.CancellationToken))));
}

/// <summary>The disclosure pages (M4.7.4): authorisations, operators, yearly snapshots, with CSV downloads beside each table.</summary>
public sealed class PortalDisclosureFunctions(ApiHandler api, DisclosureService disclosure, OperatorDisclosureService operators, IDisclosureSnapshotStore snapshots, IClock clock)
{
    /// <summary>How many past years the index looks for published snapshots.</summary>
    public const int SnapshotYearsShown = 5;

    [Function("PortalDisclosure")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal: disclosure of authorisations, operators and yearly snapshots (HTML) with CSV links", Tags = ["portal"])]
    [OpenApiQueryParameter("page", typeof(int), Description = "Page of the authorisations table.")]
    [OpenApiQueryParameter("operatorPage", typeof(int), Description = "Page of the operator list.")]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> Index([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/disclosure")] HttpRequest request)
        => PortalRun.PageAsync(api, request, async call =>
        {
            var authorizationPage = PortalPaging.ParsePage(call.Request.Query["page"].ToString());
            var operatorPage = PortalPaging.ParsePage(call.Request.Query["operatorPage"].ToString());
            var authorizations = await disclosure.AuthorizationsAsync(call.CancellationToken);
            var operatorList = authorizations.GroupBy(a => a.OperatorId, StringComparer.Ordinal)
                .Select(g => (g.Key, g.First().OperatorName)).OrderBy(o => o.OperatorName, StringComparer.Ordinal).ThenBy(o => o.Key, StringComparer.Ordinal).ToList();
            var lastYear = ChinaTime.LegalDate(clock.UtcNow).Year - 1;
            var years = new List<int>();
            for (var year = lastYear; year > lastYear - SnapshotYearsShown && year >= DisclosureSnapshotService.EarliestYear; year--)
            {
                if (await snapshots.GetCsvAsync(year, call.CancellationToken) is not null || await snapshots.GetAsync(year, call.CancellationToken) is not null)
                {
                    years.Add(year);
                }
            }

            var model = new PortalDisclosureModel(
                PortalPaging.Slice(authorizations, authorizationPage), PortalPaging.Slice(operatorList, operatorPage), years, PortalFigures.AuthorizationsByTerm(authorizations));
            return new PortalPageResult(PortalPages.Disclosure(model));
        });

    [Function("PortalOperatorDisclosure")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal: an operator's authorisations, products and resource use (HTML) with CSV links", Tags = ["portal"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> Operator([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/disclosure/operators/{id}")] HttpRequest request, string id)
        => PortalRun.PageAsync(api, request, async call =>
        {
            var query = call.Request.Query;
            var pages = (Auth: PortalPaging.ParsePage(query["authPage"].ToString()), Products: PortalPaging.ParsePage(query["productPage"].ToString()), Usage: PortalPaging.ParsePage(query["usagePage"].ToString()));
            var operatorDisclosure = await operators.GetAsync(call.RouteId(id, "org"), call.CancellationToken);
            var model = new PortalOperatorModel(operatorDisclosure,
                PortalPaging.Slice(operatorDisclosure.Authorizations, pages.Auth), PortalPaging.Slice(operatorDisclosure.Products, pages.Products), PortalPaging.Slice(operatorDisclosure.ResourceUsage, pages.Usage));
            return new PortalPageResult(PortalPages.Operator(model));
        });

    [Function("PortalDisclosureSnapshot")]
    [AllowAnonymousAccess]
    [OpenApiOperation(Summary = "Public portal: a published yearly disclosure snapshot (HTML) with its CSV link; 404 until published", Tags = ["portal"])]
    [OpenApiResponse(StatusCodes.Status200OK, typeof(string), ContentType = "text/html")]
    public Task<IActionResult> Snapshot([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal/disclosure/snapshots/{year}")] HttpRequest request, string year)
        => PortalRun.PageAsync(api, request, async call =>
        {
            var number = PortalPaging.ParsePage(call.Request.Query["page"].ToString());
            var operatorPage = PortalPaging.ParsePage(call.Request.Query["operatorPage"].ToString());
            var snapshotYear = int.TryParse(year, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && year.Length == 4 && parsed >= DisclosureSnapshotService.EarliestYear
                ? parsed
                : throw QueryValues.Invalid("year", $"'{year}' is not a year such as 2026.");
            var snapshot = await snapshots.GetAsync(snapshotYear, call.CancellationToken)
                ?? throw new Domain.Errors.DomainException(Domain.Errors.FailureKind.NotFound, "disclosure.snapshot_not_found", $"The disclosure snapshot of {snapshotYear} is not published (yet).");
            return new PortalPageResult(PortalPages.Snapshot(new PortalSnapshotModel(snapshot, PortalPaging.Slice(snapshot.Authorizations, number), PortalPaging.Slice(snapshot.Operators, operatorPage))));
        });
}
