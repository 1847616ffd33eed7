using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orchestrator.ApiServer.Discovery;
using Orchestrator.Client;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Http;

/// <summary>
/// The single request delegate of the endpoint: authenticates, routes discovery and OpenAPI paths, and hands resource
/// paths to <see cref="ResourceEndpoints"/>. Every failure is answered with a <c>metav1.Status</c> body.
/// </summary>
internal sealed class ApiRequestHandler
{
    private readonly byte[] _expectedAuthorization;
    private readonly ResourceEndpoints _resources;
    private readonly byte[] _version;
    private readonly bool _allowAnonymous;

    public ApiRequestHandler(IObjectStore store, IOrchestratorClient? client, TimeProvider time, string token, string gitVersion, bool allowAnonymous = false)
    {
        _allowAnonymous = allowAnonymous;
        _expectedAuthorization = Encoding.UTF8.GetBytes("Bearer " + token);
        _resources = new ResourceEndpoints(store, client, time);
        var parts = gitVersion.TrimStart('v').Split('.', '-', '+');
        _version = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["major"] = parts.Length > 0 ? parts[0] : "1",
            ["minor"] = parts.Length > 1 ? parts[1] : "32",
            ["gitVersion"] = gitVersion,
            ["gitCommit"] = "",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-01-01T00:00:00Z",
            ["goVersion"] = "n/a",
            ["compiler"] = "dotnet",
            ["platform"] = $"{(OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux")}/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
        });
    }

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            if (!IsAuthorized(context.Request)) throw new StatusError(401, "Unauthorized", "Unauthorized");
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (StatusError error)
        {
            if (!context.Response.HasStarted) await WriteJsonAsync(context, error.Code, error.ToStatus()).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
    }

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0 && _allowAnonymous) return true;
        Span<byte> buffer = stackalloc byte[256];
        var length = Encoding.UTF8.GetMaxByteCount(header.Length) <= buffer.Length ? Encoding.UTF8.GetBytes(header, buffer) : -1;
        return length == _expectedAuthorization.Length && CryptographicOperations.FixedTimeEquals(buffer[..length], _expectedAuthorization);
    }

    private Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return WriteJsonAsync(context, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/apis", "/version") });
        switch (segments[0])
        {
            case "version" when segments.Length == 1:
                return WriteBytesAsync(context, 200, _version);
            case "healthz" or "livez" or "readyz":
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("ok", context.RequestAborted);
            case "openapi":
                return OpenApiAsync(context, segments);
            case "api":
                if (segments.Length == 1) return WriteJsonAsync(context, 200, DiscoveryDocuments.ApiVersions($"{context.Request.Host}"));
                if (segments[1] != "v1") break;
                if (segments.Length == 2) return WriteJsonAsync(context, 200, DiscoveryDocuments.ResourceList("v1")!);
                return _resources.HandleAsync(context, "v1", segments[2..]);
            case "apis":
                if (segments.Length == 1) return WriteJsonAsync(context, 200, DiscoveryDocuments.ApiGroupList());
                if (segments.Length == 2)
                {
                    return DiscoveryDocuments.ApiGroup(segments[1]) is { } group ? WriteJsonAsync(context, 200, group) : NotFoundAsync(context);
                }
                var groupVersion = $"{segments[1]}/{segments[2]}";
                if (segments.Length == 3)
                {
                    return DiscoveryDocuments.ResourceList(groupVersion) is { } list ? WriteJsonAsync(context, 200, list) : NotFoundAsync(context);
                }
                return _resources.HandleAsync(context, groupVersion, segments[3..]);
        }
        return NotFoundAsync(context);
    }

    private static Task OpenApiAsync(HttpContext context, string[] segments)
    {
        // OpenAPI v2 is not served: kubectl then builds client-side apply patches from its built-in types (see OpenApiDocuments).
        if (segments.Length < 2 || segments[1] != "v3") return NotFoundAsync(context);
        if (segments.Length == 2) return WriteBytesAsync(context, 200, OpenApiDocuments.Index);
        var groupVersion = segments[2] == "api" && segments.Length == 4 ? segments[3]
            : segments[2] == "apis" && segments.Length == 5 ? $"{segments[3]}/{segments[4]}" : null;
        return groupVersion is not null && OpenApiDocuments.For(groupVersion) is { } doc ? WriteBytesAsync(context, 200, doc) : NotFoundAsync(context);
    }

    private static Task NotFoundAsync(HttpContext context) =>
        WriteJsonAsync(context, 404, new StatusError(404, "NotFound", "the server could not find the requested resource").ToStatus());

    public static Task WriteJsonAsync(HttpContext context, int code, JsonNode body) =>
        WriteBytesAsync(context, code, JsonSerializer.SerializeToUtf8Bytes(body));

    public static Task WriteBytesAsync(HttpContext context, int code, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = code;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
