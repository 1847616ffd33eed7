using Orchestrator.Api;

namespace Orchestrator.Testing;

/// <summary>The wait strategies of <see cref="PodGroupBuilder.WithWaitStrategy"/>, named <c>Until*</c>.</summary>
/// <example>
/// <code>
/// var group = new PodGroupBuilder()
///     .WithManifestFile("redis.yaml")
///     .WithWaitStrategy(Wait.UntilAllReady().And(Wait.UntilLogContains("redis-0", "Ready to accept connections")));
/// </code>
/// </example>
public static class Wait
{
    /// <summary>Every object of the group is ready (pods Ready, workloads rolled out, Jobs running or complete); the default.</summary>
    public static IWaitStrategy UntilAllReady() => new AllReadyWait();

    /// <summary>The object of kind <typeparamref name="T"/> named <paramref name="name"/> is ready.</summary>
    public static IWaitStrategy UntilReady<T>(string name) where T : KubernetesObject =>
        new DelegateWait((g, t, ct) => g.Client.WaitForReadyAsync<T>(g.Namespace, name, t, ct));

    /// <summary>The pod named <paramref name="name"/> is Ready.</summary>
    public static IWaitStrategy UntilPodReady(string name) => UntilReady<Pod>(name);

    /// <summary>At least <paramref name="count"/> pods matching <paramref name="labelSelector"/> are Ready.</summary>
    public static IWaitStrategy UntilPodsReady(string labelSelector, int count) => new PodsReadyWait(labelSelector, count);

    /// <summary>The Pod or Job named <paramref name="name"/> has completed successfully.</summary>
    public static IWaitStrategy UntilCompleted<T>(string name) where T : KubernetesObject =>
        new DelegateWait((g, t, ct) => g.Client.WaitForCompletionAsync<T>(g.Namespace, name, t, ct));

    /// <summary>A line of the logs of pod <paramref name="podName"/> (its default container, or <paramref name="container"/>) contains <paramref name="text"/>.</summary>
    public static IWaitStrategy UntilLogContains(string podName, string text, string? container = null) => new LogWait(podName, text, container);

    /// <summary><paramref name="command"/> exits 0 when run in the pod's default container (retried every half second).</summary>
    public static IWaitStrategy UntilCommandSucceeds(string podName, params string[] command) => new CommandWait(podName, command);

    /// <summary>No wait: the group is returned as soon as it is applied.</summary>
    public static IWaitStrategy None() => new DelegateWait((_, _, _) => Task.CompletedTask);

    /// <summary>First <paramref name="first"/>, then <paramref name="then"/>, within one timeout.</summary>
    public static IWaitStrategy And(this IWaitStrategy first, IWaitStrategy then)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(then);
        return new SequenceWait(first, then);
    }
}
