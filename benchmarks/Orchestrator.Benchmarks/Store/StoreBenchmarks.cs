using System.Collections.Immutable;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.Store;

/// <summary>Micro-benchmarks of single store operations on 10,000 realistic pods.</summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Pods = 10_000;
    private readonly ResourceKind _kind = ApiResources.For<Pod>();
    private InMemoryObjectStore _store = null!;
    private Pod[] _current = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryObjectStore(TimeProvider.System);
        for (var n = 0; n < RealisticPods.Namespaces; n++)
        {
            _store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = $"team-{n}" } }).AsTask().GetAwaiter().GetResult();
        }
        _current = new Pod[Pods];
        for (var i = 0; i < Pods; i++) _current[i] = _store.CreateAsync<Pod>(RealisticPods.Create(i)).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public KubernetesObject? Get()
    {
        var pod = _current[_next++ % Pods];
        return _store.GetAsync(_kind, pod.Metadata.Namespace, pod.Metadata.Name!).Result;
    }

    [Benchmark]
    public Pod UpdateAnnotation()
    {
        var slot = _next++ % Pods;
        var pod = _current[slot];
        var annotations = (ImmutableDictionary<string, string>)pod.Metadata.Annotations;
        var next = pod with { Metadata = pod.Metadata with { Annotations = annotations.SetItem("seq", _next.ToString(CultureInfo.InvariantCulture)) } };
        return _current[slot] = _store.UpdateAsync<Pod>(next).Result;
    }

    [Benchmark]
    public Pod UpdateLabel()
    {
        var slot = _next++ % Pods;
        var pod = _current[slot];
        var labels = (ImmutableDictionary<string, string>)pod.Metadata.Labels;
        // A different value on every visit of the pod (the same value would be a no-op write).
        var next = pod with { Metadata = pod.Metadata with { Labels = labels.SetItem("rev", (_next / Pods % 8).ToString(CultureInfo.InvariantCulture)) } };
        return _current[slot] = _store.UpdateAsync<Pod>(next).Result;
    }

    [Benchmark]
    public int ListByLabel() => _store.ListAsync(_kind, new ListOptions { LabelSelector = "app=app-3" }).Result.Items.Count;

    [Benchmark]
    public int ListByNode() => _store.ListAsync(_kind, new ListOptions { FieldSelector = "spec.nodeName=node-007" }).Result.Items.Count;

    [Benchmark]
    public int ListPage() => _store.ListAsync(_kind, new ListOptions { Limit = 500 }).Result.Items.Count;
}
