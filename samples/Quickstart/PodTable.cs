using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Quickstart;

/// <summary>
/// A live view of the pods of a namespace, fed by a watch: on a terminal it redraws a compact table in place a few times
/// a second; otherwise (redirected output, <c>--ci</c>) it prints one line per change of a pod's phase, readiness or
/// node, like <c>kubectl get pods -w</c>.
/// </summary>
internal sealed class PodTable : IObserver<WatchEvent<Pod>>, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Pod> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _printed = new(StringComparer.Ordinal);
    private readonly TextWriter _output;
    private readonly bool _live;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renderer;
    private readonly Lock _gate = new();
    private int _version;
    private int _drawnVersion = -1;
    private int _drawnLines;

    public PodTable(TextWriter output, bool live, TimeProvider time)
    {
        _output = output;
        _live = live;
        _time = time;
        _renderer = live ? RenderLoopAsync(_stop.Token) : Task.CompletedTask;
    }

    /// <summary>A status line shown under the live table (the current step), or printed once when not live.</summary>
    public void Status(string line)
    {
        lock (_gate)
        {
            if (_live)
            {
                StatusLine = line;
                _version++;
            }
            else
            {
                _output.WriteLine(line);
            }
        }
    }

    private string StatusLine { get; set; } = "";

    /// <summary>Prints the table once (used at the end of each step when output is not live).</summary>
    public void PrintSnapshot()
    {
        lock (_gate)
        {
            if (_live) return;
            foreach (var line in Render()) _output.WriteLine(line);
        }
    }

    public void OnNext(WatchEvent<Pod> value)
    {
        var name = value.Object.Metadata.Name!;
        if (value.Type == WatchEventType.Deleted) _pods.TryRemove(name, out _);
        else if (value.Type != WatchEventType.Bookmark) _pods[name] = value.Object;
        else return;
        lock (_gate)
        {
            _version++;
            if (_live) return;
            var line = value.Type == WatchEventType.Deleted ? $"  {name,-34} deleted" : $"  {Row(value.Object)}";
            if (_printed.TryGetValue(name, out var previous) && previous == line) return;
            _printed[name] = line;
            _output.WriteLine(line);
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renderer;
        lock (_gate) Draw(force: true);
        _stop.Dispose();
    }

    private async Task RenderLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                lock (_gate) Draw(force: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Draw(bool force)
    {
        if (!_live || (!force && _drawnVersion == _version)) return;
        _drawnVersion = _version;
        var lines = Render().Append("").Append(StatusLine).ToList();
        // Move to the top of the previous drawing and overwrite it, clearing each line.
        if (_drawnLines > 0) _output.Write($"\u001b[{_drawnLines}A");
        foreach (var line in lines) _output.WriteLine($"\u001b[2K{line}");
        for (var i = lines.Count; i < _drawnLines; i++) _output.WriteLine("\u001b[2K");
        _drawnLines = Math.Max(lines.Count, _drawnLines);
        _output.Flush();
    }

    private IEnumerable<string> Render()
    {
        yield return $"  {"POD",-34} {"READY",-6} {"STATUS",-18} {"RESTARTS",-9} NODE";
        foreach (var pod in _pods.Values.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)) yield return $"  {Row(pod)}";
    }

    private static string Row(Pod pod)
    {
        var statuses = pod.Status?.ContainerStatuses ?? [];
        var ready = $"{statuses.Count(s => s.Ready)}/{pod.Spec.Containers.Count}";
        var restarts = statuses.Sum(s => s.RestartCount).ToString(CultureInfo.InvariantCulture);
        return $"{pod.Metadata.Name,-34} {ready,-6} {StatusOf(pod),-18} {restarts,-9} {pod.Spec.NodeName ?? "<none>"}";
    }

    /// <summary>What <c>kubectl get pods</c> shows in STATUS: a waiting reason, Terminating, or the phase.</summary>
    private static string StatusOf(Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null) return "Terminating";
        var waiting = pod.Status?.ContainerStatuses.Select(s => s.State.Waiting?.Reason).FirstOrDefault(r => r is not null);
        if (waiting is not null) return waiting;
        return pod.Status?.Phase ?? "Pending";
    }
}
