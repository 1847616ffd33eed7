using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Orchestrator.Docker.Engine;
using Orchestrator.Docker.Runtime;
using Orchestrator.Runtime;

namespace Orchestrator.Benchmarks.Docker;

/// <summary>
/// <c>--trace</c> of the docker scenario: where a pod's start-up time goes. Records every Engine API request the process
/// sends (from the HTTP client's activities: method, path template, start, duration) and the engine's own container and
/// network events (with the pod each belongs to), then prints per pod the offsets of sandbox create/start, network
/// connect, container create/start and Ready from the moment the pods were created, and per request kind the count,
/// durations and how many ran at once.
/// </summary>
internal sealed partial class DockerTrace : IAsyncDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<(DateTimeOffset Start, TimeSpan Duration, string Kind)> _requests = new();
    private readonly ConcurrentQueue<(DateTimeOffset Start, TimeSpan Duration, string Ip, bool Ok)> _probes = new();
    private readonly ConcurrentQueue<(DateTimeOffset Time, string Action, string Pod, string Role, string Id)> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public DockerTrace(DockerEngineClient client, string clusterId)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("url.full") is not string url && activity.GetTagItem("http.url") is not string) return;
                var full = activity.GetTagItem("url.full") as string ?? (string)activity.GetTagItem("http.url")!;
                var method = activity.GetTagItem("http.request.method") as string ?? activity.GetTagItem("http.method") as string ?? "?";
                var uri = new Uri(full);
                var path = uri.AbsolutePath;
                if (uri.Host != "localhost")
                {
                    var ok = activity.GetTagItem("http.response.status_code") is int code ? code < 400 : activity.GetTagItem("http.response.status_code") is string c && c.StartsWith('2');
                    _probes.Enqueue((new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero), activity.Duration, uri.Host, ok));
                    return;
                }
                if (path.EndsWith("/events", StringComparison.Ordinal)) return;
                _requests.Enqueue((new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero), activity.Duration, $"{method} {Template(path)}"));
            },
        };
        ActivitySource.AddActivityListener(_listener);
        var since = DateTimeOffset.UtcNow;
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in client.MonitorEventsAsync(null, since, null, _stop.Token))
                {
                    var a = e.Actor.Attributes;
                    if (e.Type == "network")
                    {
                        _events.Enqueue((e.Timestamp, "net-" + e.Action, "", "", a.GetValueOrDefault("container") ?? ""));
                    }
                    else if (a.GetValueOrDefault(DockerLabels.ClusterId) == clusterId)
                    {
                        _events.Enqueue((e.Timestamp, e.Action ?? "", a.GetValueOrDefault(ContainerLabels.PodName) ?? "",
                            a.GetValueOrDefault(DockerLabels.Role) ?? "", e.Actor.ID ?? ""));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Prints the trace of the pods created at <paramref name="start"/>, Ready at the times given.</summary>
    public string Report(
        DateTimeOffset start, IReadOnlyDictionary<string, DateTimeOffset> created, IReadOnlyDictionary<string, DateTimeOffset> ready,
        IReadOnlyDictionary<string, string> ips)
    {
        var probes = _probes.ToArray();
        var text = new StringBuilder();
        double Ms(DateTimeOffset t) => (t - start).TotalMilliseconds;
        var events = _events.ToArray();
        var podOfId = events.Where(e => e.Pod.Length > 0).GroupBy(e => e.Id).ToDictionary(g => g.Key, g => g.First().Pod);
        text.AppendLine("  trace (ms from first pod create): pod  created  sbx-create sbx-start net-connect  ctr-create ctr-start  probe1(ok) probes-before-ready  ready");
        foreach (var (pod, readyAt) in ready.OrderBy(kv => kv.Value))
        {
            double? At(string action, string role) => events.Where(e => e.Pod == pod && e.Action == action && e.Role == role)
                .Select(e => (double?)Ms(e.Time)).FirstOrDefault();
            var podProbes = probes.Where(p => p.Ip == ips.GetValueOrDefault(pod)).OrderBy(p => p.Start).ToArray();
            var first = podProbes.FirstOrDefault();
            var before = podProbes.Count(p => p.Start <= readyAt);
            var connect = events.Where(e => e.Action == "net-connect" && podOfId.GetValueOrDefault(e.Id) == pod).Select(e => (double?)Ms(e.Time)).FirstOrDefault();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"    {pod,-10} {Ms(created[pod]),6:0} {At("create", "sandbox"),10:0} {At("start", "sandbox"),9:0} {connect,11:0} {At("create", "container"),11:0} {At("start", "container"),9:0} {(podProbes.Length > 0 ? Ms(first.Start) : double.NaN),6:0}({(first.Ok ? "ok" : "no")}) {before,3} {Ms(readyAt),6:0}"));
        }
        var requests = _requests.Where(r => r.Start >= start.AddMilliseconds(-5)).ToArray();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  engine requests: {requests.Length} ({(double)requests.Length / Math.Max(1, ready.Count):0.0} per pod)"));
        foreach (var group in requests.GroupBy(r => r.Kind).OrderBy(g => g.Min(r => r.Start)))
        {
            var durations = group.Select(r => r.Duration.TotalMilliseconds).Order().ToArray();
            var maxConcurrent = 0;
            var points = group.SelectMany(r => new[] { (T: r.Start, D: 1), (T: r.Start + r.Duration, D: -1) }).OrderBy(p => p.T).ThenBy(p => p.D);
            var current = 0;
            foreach (var p in points) maxConcurrent = Math.Max(maxConcurrent, current += p.D);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"    {group.Key,-40} n={durations.Length,3} p50 {durations[durations.Length / 2],6:0} ms  max {durations[^1],6:0} ms  first {Ms(group.Min(r => r.Start)),6:0}  last end {Ms(group.Max(r => r.Start + r.Duration)),6:0}  max in flight {maxConcurrent}"));
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _stop.CancelAsync();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static string Template(string path) => IdPattern().Replace(path, "{id}");

    [GeneratedRegex(@"(?<=/(containers|images|networks|exec)/)[^/]+")]
    private static partial Regex IdPattern();
}
