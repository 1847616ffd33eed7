using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Http;

internal sealed partial class ResourceEndpoints
{
    /// <summary>
    /// Streams watch events as newline-delimited <c>{"type","object"}</c> JSON. A resourceVersion older than the retained
    /// history, or a watcher that falls behind, ends the stream with an ERROR event carrying a 410 Expired Status, as
    /// Kubernetes does; <c>timeoutSeconds</c> ends it cleanly.
    /// </summary>
    private async Task WatchAsync(HttpContext context, ResourcePath path)
    {
        var query = context.Request.Query;
        var resourceVersion = query["resourceVersion"].ToString();
        var options = new WatchOptions
        {
            Namespace = path.Namespace,
            LabelSelector = NullIfEmpty(query["labelSelector"]),
            FieldSelector = NullIfEmpty(query["fieldSelector"]),
            ResourceVersion = resourceVersion is "" or "0" ? null : resourceVersion,
            AllowBookmarks = query["allowWatchBookmarks"] == "true",
        };
        var table = WantsTable(context.Request);
        var channel = Channel.CreateUnbounded<WatchEvent<KubernetesObject>>(new UnboundedChannelOptions { SingleReader = true });
        var observable = store.Watch(path.Kind, options);

        using var timeout = long.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        using var subscription = observable.Subscribe(new ChannelObserver(channel.Writer));

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache, private";
        await response.StartAsync(linked.Token).ConfigureAwait(false);
        var body = response.BodyWriter;
        // Send the headers now, so that the client knows the watch is established before the first event.
        await body.FlushAsync(linked.Token).ConfigureAwait(false);
        try
        {
            while (await channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    WriteEvent(body, path.Kind, e, table);
                }
                await body.FlushAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Timeout or client gone: the watch ends without an error, as Kubernetes' does.
        }
        catch (ApiException ex)
        {
            await WriteErrorEventAsync(body, StatusError.From(ex, path.Kind, null), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private void WriteEvent(System.IO.Pipelines.PipeWriter body, ResourceKind kind, WatchEvent<KubernetesObject> e, bool table)
    {
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("type", e.Type switch
            {
                WatchEventType.Added => "ADDED",
                WatchEventType.Modified => "MODIFIED",
                WatchEventType.Deleted => "DELETED",
                _ => "BOOKMARK",
            });
            writer.WritePropertyName("object");
            if (table && e.Type != WatchEventType.Bookmark)
            {
                _tables.ToTable(kind, [ObjectCodec.ToNode(e.Object)], e.Object.Metadata.ResourceVersion, null).WriteTo(writer);
            }
            else
            {
                JsonSerializer.Serialize(writer, e.Object, e.Object.GetType(), KubernetesJson.Options);
            }
            writer.WriteEndObject();
        }
        body.Write("\n"u8);
    }

    private static async Task WriteErrorEventAsync(System.IO.Pipelines.PipeWriter body, StatusError error, CancellationToken cancellationToken)
    {
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "ERROR");
            writer.WritePropertyName("object");
            error.ToStatus().WriteTo(writer);
            writer.WriteEndObject();
        }
        body.Write("\n"u8);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class ChannelObserver(ChannelWriter<WatchEvent<KubernetesObject>> writer) : IObserver<WatchEvent<KubernetesObject>>
    {
        public void OnNext(WatchEvent<KubernetesObject> value) => writer.TryWrite(value);

        public void OnError(Exception error) => writer.TryComplete(error);

        public void OnCompleted() => writer.TryComplete();
    }
}
