using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api.Errors;
using Orchestrator.Client;

namespace Orchestrator.ApiServer.Http;

internal sealed partial class ResourceEndpoints
{
    /// <summary>The <c>log</c> subresource: plain-text lines from the pod's runtime via <see cref="IOrchestratorClient.ReadLogsAsync"/>.</summary>
    private async Task LogsAsync(HttpContext context, ResourcePath path)
    {
        if (client is null) throw BadRequest("logs are not available: no IOrchestratorClient is registered");
        var query = context.Request.Query;
        var options = new PodLogOptions
        {
            Container = NullIfEmpty(query["container"]),
            Follow = query["follow"] == "true",
            Previous = query["previous"] == "true",
            Timestamps = query["timestamps"] == "true",
            TailLines = int.TryParse(query["tailLines"], out var tail) ? tail : null,
            SinceTime = DateTimeOffset.TryParse(query["sinceTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
                ? since
                : long.TryParse(query["sinceSeconds"], out var sinceSeconds) ? time.GetUtcNow().AddSeconds(-sinceSeconds) : null,
        };
        await GetRequiredAsync(path, context.RequestAborted).ConfigureAwait(false);
        var lines = client.ReadLogsAsync(path.Namespace!, path.Name!, options, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        await using (lines.ConfigureAwait(false))
        {
            bool more;
            try
            {
                more = await lines.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
            {
                throw BadRequest(ex.Message);
            }
            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = "text/plain";
            await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            try
            {
                while (more)
                {
                    await response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes(lines.Current + "\n"), context.RequestAborted).ConfigureAwait(false);
                    if (options.Follow) await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    more = await lines.MoveNextAsync().ConfigureAwait(false);
                }
            }
            catch (ApiException)
            {
                // The pod went away while following: the stream ends, as kubectl logs -f does.
            }
        }
    }

    private static StatusError BadRequest(string message) => StatusError.BadRequest(message);
}
