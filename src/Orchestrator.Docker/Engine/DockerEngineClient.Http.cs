using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Orchestrator.Docker.Engine;

/// <summary>Request plumbing: versioned paths, query strings, JSON bodies, and engine errors as exceptions.</summary>
internal sealed partial class DockerEngineClient
{
    /// <summary>
    /// Sends a request to <c>/v{api}/{path}</c> and returns the response once its headers are in (the body streams).
    /// 2xx and 304 are returned; anything else becomes a <see cref="DockerApiException"/>.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(method, prefix + path) { Content = content };
        if (headers is not null)
        {
            foreach ((string name, string value) in headers)
                request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified)
            return response;
        using (response)
            throw await CreateExceptionAsync(method, "/" + StripQuery(path), Endpoint.Address, response, ct).ConfigureAwait(false);
    }

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, ct).ConfigureAwait(false);
    }

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, path, Json(body, requestType), ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, responseType, ct).ConfigureAwait(false);
    }

    /// <summary>Sends a request whose answer has no body of interest; returns its status (2xx or 304).</summary>
    private async Task<HttpStatusCode> SendNoContentAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendAsync(method, path, content, ct).ConfigureAwait(false);
        return response.StatusCode;
    }

    internal static HttpContent Json<T>(T body, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct)
    {
        Stream stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, type, ct).ConfigureAwait(false)
                ?? throw new InvalidDataException($"The Docker engine answered {response.RequestMessage?.RequestUri?.AbsolutePath} with null.");
        }
    }

    private static async Task<DockerApiException> CreateExceptionAsync(HttpMethod method, string path, string endpoint, HttpResponseMessage response, CancellationToken ct)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            body = "";
        }

        string message = ParseErrorMessage(body) ?? response.ReasonPhrase ?? response.StatusCode.ToString();
        string request = $"{method.Method} {path}";
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new DockerNotFoundException(message, request, endpoint),
            HttpStatusCode.Conflict => new DockerConflictException(message, request, endpoint),
            _ => new DockerApiException(response.StatusCode, message, request, endpoint),
        };
    }

    internal static string? ParseErrorMessage(string body)
    {
        string trimmed = body.Trim();
        if (trimmed.Length == 0)
            return null;
        if (trimmed.StartsWith('{'))
        {
            try
            {
                if (JsonSerializer.Deserialize(trimmed, DockerJsonContext.Default.DockerErrorResponse)?.Message is { Length: > 0 } message)
                    return message;
            }
            catch (JsonException)
            {
                // Fall through to the raw text.
            }
        }

        return trimmed.Length <= MaxErrorBodyLength ? trimmed : trimmed[..MaxErrorBodyLength] + "…";
    }

    private static string StripQuery(string path) => path.IndexOf('?') is var q and >= 0 ? path[..q] : path;

    /// <summary>Escapes one path segment (container, network or exec id or name).</summary>
    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>Escapes an image reference, whose slashes the engine's routes accept as they are.</summary>
    private static string ImageSegment(string value) => Segment(value).Replace("%2F", "/", StringComparison.Ordinal);

    /// <summary>Appends a query string of the parameters that have a value.</summary>
    private static string WithQuery(string path, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var text = new StringBuilder(path);
        char separator = '?';
        foreach ((string name, string? value) in parameters)
        {
            if (value is null)
                continue;
            text.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return text.ToString();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string? Filters(DockerFilters? filters) => filters is null || filters.IsEmpty ? null : filters.ToJson();

    /// <summary>The engine's time format for since/until: Unix seconds with a nanosecond fraction.</summary>
    internal static string UnixTime(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{remainder * 100:D9}");
    }
}
