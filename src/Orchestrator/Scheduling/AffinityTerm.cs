using System.Runtime.CompilerServices;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Scheduling;

/// <summary>
/// A pod (anti-)affinity term compiled once per pod: its label selector, the namespaces it looks in and its topology key
/// (Kubernetes' <c>framework.AffinityTerm</c>).
/// </summary>
internal sealed class AffinityTerm
{
    // Pods of one workload share their term objects (a template copied with `with`): compile each once.
    private static readonly ConditionalWeakTable<PodAffinityTerm, AffinityTerm> Compiled = new();

    private readonly string[] _namespaces;
    private string _podNamespace = "";

    private AffinityTerm(Selector selector, string[] namespaces, Selector? namespaceSelector, string topologyKey, int weight)
    {
        Selector = selector;
        _namespaces = namespaces;
        NamespaceSelector = namespaceSelector;
        TopologyKey = topologyKey;
        Weight = weight;
        var nsPart = string.Join(",", namespaces.Order(StringComparer.Ordinal)) + "|" +
                     (namespaceSelector is null ? "-" : namespaceSelector.IsEverything ? "*" : "?" + namespaceSelector);
        Signature = nsPart + "|" + (selector.IsNothing ? "!" : "=" + selector) + "|" + topologyKey;
        IndependentOfNamespaceLabels = namespaceSelector is null || namespaceSelector.IsEverything;
        IsHostnameTopology = topologyKey == WellKnownLabels.Hostname;
    }

    /// <summary>Selects the pods the term is about.</summary>
    public Selector Selector { get; }

    /// <summary>Selects further namespaces by their labels; null when the term names its namespaces only.</summary>
    public Selector? NamespaceSelector { get; }

    /// <summary>The node label whose values define the topology domains.</summary>
    public string TopologyKey { get; }

    /// <summary>The weight of a preferred term; 1 for a required one.</summary>
    public int Weight { get; }

    /// <summary>
    /// A canonical text of what the term selects and its topology key (not its weight): equal for terms that match the
    /// same pods in the same domains, such as the terms of all replicas of one workload.
    /// </summary>
    public string Signature { get; }

    /// <summary>True when the topology key is <c>kubernetes.io/hostname</c>.</summary>
    public bool IsHostnameTopology { get; }

    /// <summary>True when matching does not depend on namespace labels (no namespace selector, or one matching all).</summary>
    public bool IndependentOfNamespaceLabels { get; }

    /// <summary>
    /// Compiles <paramref name="term"/> of a pod in <paramref name="podNamespace"/>. As in Kubernetes, a term with neither
    /// <c>namespaces</c> nor a <c>namespaceSelector</c> looks in the pod's own namespace, and an empty
    /// <c>namespaceSelector</c> selects every namespace.
    /// </summary>
    public static AffinityTerm Create(PodAffinityTerm term, string podNamespace, int weight = 1)
    {
        if (Compiled.TryGetValue(term, out var compiled) && compiled._podNamespace == podNamespace && compiled.Weight == weight) return compiled;
        compiled = Compile(term, podNamespace, weight);
        Compiled.AddOrUpdate(term, compiled);
        return compiled;
    }

    private static AffinityTerm Compile(PodAffinityTerm term, string podNamespace, int weight)
    {
        var selector = Selector.FromLabelSelector(term.LabelSelector);
        var namespaceSelector = term.NamespaceSelector is null ? null : Selector.FromLabelSelector(term.NamespaceSelector);
        var namespaces = term.Namespaces.Count == 0 && namespaceSelector is null ? [podNamespace] : term.Namespaces.ToArray();
        return new AffinityTerm(selector, namespaces, namespaceSelector, term.TopologyKey, weight) { _podNamespace = podNamespace };
    }

    /// <summary>
    /// True when <paramref name="pod"/> is in one of the term's namespaces and its labels match the selector.
    /// <paramref name="namespaceLabels"/> resolves a namespace's labels for a <c>namespaceSelector</c>; a namespace it
    /// does not know matches only an empty (match-all) namespace selector.
    /// </summary>
    public bool Matches(PodInfo pod, Func<string, IReadOnlyDictionary<string, string>?>? namespaceLabels) =>
        MatchesNamespace(pod.Namespace, namespaceLabels) && Selector.Matches(pod.Labels);

    private bool MatchesNamespace(string ns, Func<string, IReadOnlyDictionary<string, string>?>? namespaceLabels)
    {
        foreach (var candidate in _namespaces)
        {
            if (candidate == ns) return true;
        }
        if (NamespaceSelector is null) return false;
        if (NamespaceSelector.IsEverything) return true;
        var labels = namespaceLabels?.Invoke(ns);
        return labels is not null && NamespaceSelector.Matches(labels);
    }
}
