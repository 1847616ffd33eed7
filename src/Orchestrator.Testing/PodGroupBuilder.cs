using System.Collections.Immutable;
using Orchestrator.Api;

namespace Orchestrator.Testing;

/// <summary>
/// An immutable description of a group of objects to start together in a fresh namespace: manifests, objects built in
/// code, <see cref="PodBuilder"/>s, how to tell it is ready and how long to wait. Every <c>With*</c> returns a new builder.
/// Start it with <see cref="TestCluster.StartGroupAsync(PodGroupBuilder, CancellationToken)"/>.
/// </summary>
/// <example>
/// <code>
/// await using var group = await cluster.StartGroupAsync(new PodGroupBuilder()
///     .WithManifestFile("testdata/app.yaml")
///     .WithPods(new PodBuilder("probe").WithCommand("sleep", "3600"))
///     .WithWaitStrategy(Wait.UntilAllReady())
///     .WithTimeout(TimeSpan.FromSeconds(30)));
/// </code>
/// </example>
public sealed class PodGroupBuilder
{
    private readonly ImmutableList<Source> _sources;

    /// <summary>An empty group that waits until all its objects are ready, for at most two minutes.</summary>
    public PodGroupBuilder()
        : this([], Wait.UntilAllReady(), TimeSpan.FromMinutes(2), "test", TimeSpan.Zero)
    {
    }

    private PodGroupBuilder(ImmutableList<Source> sources, IWaitStrategy wait, TimeSpan timeout, string prefix, TimeSpan teardownGrace)
    {
        _sources = sources;
        WaitStrategy = wait;
        Timeout = timeout;
        NamespacePrefix = prefix;
        TeardownGracePeriod = teardownGrace;
    }

    /// <summary>How the group is known to be ready.</summary>
    public IWaitStrategy WaitStrategy { get; }

    /// <summary>How long the wait strategy may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The prefix of the group's namespace, which is <c>{prefix}-{random}</c>.</summary>
    public string NamespacePrefix { get; }

    /// <summary>The grace period pods get when the group is torn down; zero (killed at once) by default.</summary>
    public TimeSpan TeardownGracePeriod { get; }

    /// <summary>Adds the objects of a YAML (or JSON) manifest.</summary>
    public PodGroupBuilder WithManifest(string manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return With(new Source(manifest, null, []));
    }

    /// <summary>Adds the objects of the manifest file at <paramref name="path"/> (read when the group starts).</summary>
    public PodGroupBuilder WithManifestFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return With(new Source(null, path, []));
    }

    /// <summary>Adds objects built in code.</summary>
    public PodGroupBuilder WithObjects(params KubernetesObject[] objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        return With(new Source(null, null, [.. objects]));
    }

    /// <summary>Adds the pods of <paramref name="pods"/>.</summary>
    public PodGroupBuilder WithPods(params PodBuilder[] pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        return With(new Source(null, null, [.. pods.Select(p => (KubernetesObject)p.Build())]));
    }

    /// <summary>Replaces the wait strategy; see <see cref="Wait"/>.</summary>
    public PodGroupBuilder WithWaitStrategy(IWaitStrategy wait)
    {
        ArgumentNullException.ThrowIfNull(wait);
        return new(_sources, wait, Timeout, NamespacePrefix, TeardownGracePeriod);
    }

    /// <summary>Sets how long the wait strategy may take.</summary>
    public PodGroupBuilder WithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return new(_sources, WaitStrategy, timeout, NamespacePrefix, TeardownGracePeriod);
    }

    /// <summary>Sets the namespace prefix: lower-case letters, digits and '-', at most 40 characters.</summary>
    public PodGroupBuilder WithNamespacePrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix.Length > 40 || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || !char.IsAsciiLetterLower(prefix[0]))
        {
            throw new ArgumentException($"\"{prefix}\" is not a valid namespace prefix: use lower-case letters, digits and '-', starting with a letter, at most 40 characters.", nameof(prefix));
        }
        return new(_sources, WaitStrategy, Timeout, prefix, TeardownGracePeriod);
    }

    /// <summary>Sets the grace period pods get when the group is torn down (zero kills them at once).</summary>
    public PodGroupBuilder WithTeardownGracePeriod(TimeSpan gracePeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        return new(_sources, WaitStrategy, Timeout, NamespacePrefix, gracePeriod);
    }

    /// <summary>The manifests, files and objects, in the order added.</summary>
    internal IReadOnlyList<Source> Sources => _sources;

    private PodGroupBuilder With(Source source) => new(_sources.Add(source), WaitStrategy, Timeout, NamespacePrefix, TeardownGracePeriod);

    /// <summary>One addition: manifest text, a manifest file, or objects.</summary>
    internal sealed record Source(string? Manifest, string? Path, ImmutableArray<KubernetesObject> Objects);
}
