using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dots.Infrastructure.Http;

/// <summary>
/// The OpenAPI document clients are generated from (ADR 0013): the API routes only, who may call them, and the
/// platform-wide answers (problem bodies, the Idempotency-Key header) declared once here.
/// </summary>
public static class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string CookieScheme = "cookie";
    public const string IdentityCookie = ".AspNetCore.Identity.Application";
    public const string ProblemContentType = "application/problem+json";

    public static IServiceCollection AddDotsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            // The HTML pages and form posts are the web UI's, not the API's (the web actions exclude themselves, the page fallback does not).
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer<DotsDocumentTransformer>();
            o.AddOperationTransformer<DotsOperationTransformer>();
        });

    /// <summary>Declares problem responses (RFC 9457 bodies) for the given status codes on any endpoint builder, groups and framework endpoints included.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statusCodes)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            foreach (var status in statusCodes)
            {
                endpoint.Metadata.Add(ResponseMetadata.Problem(status));
            }
        });
        return builder;
    }

    /// <summary>Documents the optional Idempotency-Key header that <see cref="Idempotency"/> honours on requests that move money.</summary>
    public static RouteHandlerBuilder WithIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Any string the client chooses for this purchase. A retry with the same key and body returns the first response "
                    + "(same status and body, with `Idempotent-Replayed: true`) and moves no money twice; the same key with another body is a 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Idempotency.MaxKeyLength },
            });
            return Task.CompletedTask;
        });
}

/// <summary>A response the endpoint can answer with, for builders that have no Produces overloads (the framework's endpoints).</summary>
public sealed class ResponseMetadata(int statusCode, Type? type, string contentType) : IProducesResponseTypeMetadata
{
    /// <summary>A problem response (RFC 9457 body) for the status code.</summary>
    public static ResponseMetadata Problem(int statusCode) => new(statusCode, typeof(ProblemDetails), OpenApiSetup.ProblemContentType);

    public Type? Type => type;

    public int StatusCode => statusCode;

    public string? Description => null;

    public IEnumerable<string> ContentTypes => [contentType];
}

/// <summary>The operation id for endpoints whose endpoint name must stay as it is (the framework's own endpoints).</summary>
public sealed record OpenApiOperationId(string Id);

/// <summary>Info, servers, tags, security schemes and the health probe (which is not a route handler, so the generator cannot see it).</summary>
internal sealed class DotsDocumentTransformer : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Accounts"] = "Register, sign in (bearer token or cookie) and manage the signed-in account.",
        ["Cart"] = "The signed-in customer's cart and its checkout.",
        ["Catalog"] = "Categories, shops and products: browsing is anonymous, selling needs the shop's owner.",
        ["Health"] = "Liveness of the instance and its database.",
        ["Orders"] = "The signed-in customer's orders: place, read and cancel.",
        ["Seller"] = "A shop owner's view of the orders to fulfil and the payouts.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Dots API",
            Version = "v1",
            Description = "The Dots commerce platform's HTTP API. Errors are RFC 9457 problem details (`application/problem+json`), "
                + "with `errors` per field on 400. Sign in with `POST /api/auth/login` and send the access token as a bearer token, "
                + "or use the Identity cookie the web UI sets.",
            License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/licenses/MIT") },
            Contact = new OpenApiContact { Name = "Dots platform team" },
        };
        document.Servers = [new OpenApiServer { Url = "/", Description = "The instance serving this document." }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[OpenApiSetup.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The `accessToken` from `POST /api/auth/login` (an opaque ASP.NET Core Identity token, not a JWT); renew it with `POST /api/auth/refresh`.",
        };
        document.Components.SecuritySchemes[OpenApiSetup.CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = OpenApiSetup.IdentityCookie,
            Description = "The Identity cookie set by the web UI's sign-in or by `POST /api/auth/login?useCookies=true`.",
        };

        AddHealth(document);
        document.Tags = new HashSet<OpenApiTag>(
            Tags.Where(t => t.Key == "Health" || document.Paths.Values.Any(p => p.Operations?.Values.Any(o => o.Tags?.Any(r => r.Name == t.Key) == true) == true))
                .Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        return Task.CompletedTask;
    }

    private static void AddHealth(OpenApiDocument document)
    {
        static OpenApiResponse Text(string description) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
        };
        document.Paths["/health"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "GetHealth",
                    Summary = "Check that the instance can reach its database",
                    Description = "For load balancers and orchestrators: `Healthy` with 200, `Unhealthy` with 503.",
                    Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                    Security = [],
                    Responses = new OpenApiResponses
                    {
                        ["200"] = Text("The instance and its database answer."),
                        ["503"] = Text("The database cannot be reached."),
                    },
                },
            },
        };
    }
}

/// <summary>
/// Operations behind authorization accept either scheme, anonymous ones say so with an empty list;
/// and an <see cref="OpenApiOperationId"/> names the operation.
/// </summary>
internal sealed class DotsOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<OpenApiOperationId>().LastOrDefault() is { } id)
        {
            operation.OperationId = id.Id;
        }
        var needsUser = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        operation.Security = needsUser
            ?
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.BearerScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.CookieScheme, context.Document)] = [] },
            ]
            : [];
        return Task.CompletedTask;
    }
}
