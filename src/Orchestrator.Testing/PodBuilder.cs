using System.Collections.Immutable;
using Orchestrator.Api;

namespace Orchestrator.Testing;

/// <summary>
/// An immutable fluent builder of a single-container <see cref="Pod"/>, for quick test groups without YAML: every
/// <c>With*</c> method returns a new builder and leaves this one unchanged, so a configured builder can be shared and
/// specialised (Testcontainers style). The container is named after the pod.
/// </summary>
/// <example>
/// <code>
/// var redis = new PodBuilder("redis")
///     .WithImage("redis:7")
///     .WithPort(6379)
///     .WithReadinessTcp(6379);
/// await using var group = await cluster.StartGroupAsync([redis, redis.WithName("redis-2")]);
/// </code>
/// </example>
public sealed class PodBuilder
{
    /// <summary>The image a builder starts with; simulated nodes accept any image.</summary>
    public const string DefaultImage = "busybox:1.36";

    private readonly Pod _pod;

    /// <summary>Starts a pod named <paramref name="name"/> with one container of the same name running <see cref="DefaultImage"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public PodBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _pod = new Pod
        {
            Metadata = new ObjectMeta { Name = name, Labels = ImmutableDictionary<string, string>.Empty.Add("app", name) },
            Spec = new PodSpec { Containers = [new Container { Name = name, Image = DefaultImage }] },
        };
    }

    private PodBuilder(Pod pod) => _pod = pod;

    /// <summary>The pod name.</summary>
    public string Name => _pod.Metadata.Name!;

    /// <summary>Renames the pod (its container keeps its name); the <c>app</c> label follows unless it was changed.</summary>
    public PodBuilder WithName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var labels = _pod.Metadata.Labels.GetValueOrDefault("app") == Name ? Labels.SetItem("app", name) : Labels;
        return new(_pod with { Metadata = _pod.Metadata with { Name = name, Labels = labels } });
    }

    /// <summary>Sets the container image.</summary>
    public PodBuilder WithImage(string image)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        return WithContainer(c => c with { Image = image });
    }

    /// <summary>Sets the container's entrypoint (<c>command</c>), replacing the image's.</summary>
    public PodBuilder WithCommand(params string[] command) => WithContainer(c => c with { Command = [.. command] });

    /// <summary>Sets the container's arguments (<c>args</c>).</summary>
    public PodBuilder WithArgs(params string[] args) => WithContainer(c => c with { Args = [.. args] });

    /// <summary>Sets an environment variable, replacing one of the same name.</summary>
    public PodBuilder WithEnv(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return WithContainer(c => c with { Env = [.. c.Env.Where(e => e.Name != name), new EnvVar { Name = name, Value = value }] });
    }

    /// <summary>Declares a TCP container port (optionally named, for Services' named target ports).</summary>
    public PodBuilder WithPort(int port, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return WithContainer(c => c with { Ports = [.. c.Ports.Where(p => p.Port != port), new ContainerPort { Port = port, Name = name }] });
    }

    /// <summary>The pod is ready once a TCP connection to <paramref name="port"/> succeeds (checked every <paramref name="period"/>, 1 s by default).</summary>
    public PodBuilder WithReadinessTcp(int port, TimeSpan? period = null) =>
        WithReadiness(new Probe { TcpSocket = new TcpSocketAction { Port = port } }, period);

    /// <summary>The pod is ready once <c>GET http://pod:<paramref name="port"/><paramref name="path"/></c> answers 2xx or 3xx.</summary>
    public PodBuilder WithReadinessHttp(string path, int port, TimeSpan? period = null) =>
        WithReadiness(new Probe { HttpGet = new HttpGetAction { Path = path, Port = port } }, period);

    /// <summary>The pod is ready once <paramref name="command"/> exits 0 inside the container.</summary>
    public PodBuilder WithReadinessExec(params string[] command) =>
        WithReadiness(new Probe { Exec = new ExecAction { Command = [.. command] } }, null);

    /// <summary>Adds or replaces a label.</summary>
    public PodBuilder WithLabel(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new(_pod with { Metadata = _pod.Metadata with { Labels = Labels.SetItem(key, value) } });
    }

    /// <summary>Adds or replaces an annotation, for example one of <see cref="Runtime.Simulated.SimulatedAnnotations"/>.</summary>
    public PodBuilder WithAnnotation(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var annotations = _pod.Metadata.Annotations.ToImmutableDictionary().SetItem(key, value);
        return new(_pod with { Metadata = _pod.Metadata with { Annotations = annotations } });
    }

    /// <summary>Sets <c>restartPolicy</c> (<c>Always</c>, <c>OnFailure</c> or <c>Never</c>); a one-shot task uses <c>Never</c>.</summary>
    public PodBuilder WithRestartPolicy(string restartPolicy)
    {
        ArgumentException.ThrowIfNullOrEmpty(restartPolicy);
        return new(_pod with { Spec = _pod.Spec with { RestartPolicy = restartPolicy } });
    }

    /// <summary>Requests (and limits to) <paramref name="cpu"/> and <paramref name="memory"/>, for example <c>"250m"</c> and <c>"64Mi"</c>.</summary>
    public PodBuilder WithResources(string cpu, string memory)
    {
        var amounts = ImmutableDictionary<string, Quantity>.Empty
            .Add(ResourceName.Cpu, Quantity.Parse(cpu))
            .Add(ResourceName.Memory, Quantity.Parse(memory));
        return WithContainer(c => c with { Resources = new ResourceRequirements { Requests = amounts, Limits = amounts } });
    }

    /// <summary>Changes the container with <paramref name="change"/>, for what the other methods do not cover.</summary>
    public PodBuilder WithContainer(Func<Container, Container> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var containers = _pod.Spec.Containers.ToArray();
        containers[0] = change(containers[0]) ?? throw new InvalidOperationException("The change returned no container.");
        return new(_pod with { Spec = _pod.Spec with { Containers = containers } });
    }

    /// <summary>Changes the pod spec with <paramref name="change"/> (volumes, init containers, node selector, ...).</summary>
    public PodBuilder WithSpec(Func<PodSpec, PodSpec> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(_pod with { Spec = change(_pod.Spec) ?? throw new InvalidOperationException("The change returned no spec.") });
    }

    /// <summary>The pod, in <paramref name="namespace"/> when given.</summary>
    public Pod Build(string? @namespace = null) =>
        @namespace is null ? _pod : _pod with { Metadata = _pod.Metadata with { Namespace = @namespace } };

    /// <inheritdoc/>
    public override string ToString() => $"pod/{Name} ({_pod.Spec.Containers[0].Image})";

    private ImmutableDictionary<string, string> Labels => _pod.Metadata.Labels.ToImmutableDictionary();

    private PodBuilder WithReadiness(Probe probe, TimeSpan? period)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling((period ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        return WithContainer(c => c with { ReadinessProbe = probe with { PeriodSeconds = seconds } });
    }
}
