using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Tests.Controllers.Framework;

/// <summary>Objects, store set-up and bounded polling shared by the controller framework and event tests.</summary>
internal static class ControllerTestKit
{
    /// <summary>Deletes at once, even a pod bound to a node (no kubelet runs in these tests).</summary>
    public static readonly DeleteOptions DeleteNow = new() { GracePeriodSeconds = 0 };

    /// <summary>A store with its built-in namespaces plus <paramref name="namespaces"/>.</summary>
    public static async Task<InMemoryObjectStore> NewStoreAsync(
        TimeProvider? time = null, InMemoryObjectStoreOptions? options = null, params string[] namespaces)
    {
        var store = new InMemoryObjectStore(time ?? TimeProvider.System, options);
        foreach (var ns in namespaces)
        {
            await store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = ns } });
        }
        return store;
    }

    public static Pod NewPod(string ns, string name, IReadOnlyDictionary<string, string>? labels = null, string? nodeName = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels ?? new Dictionary<string, string>() },
        Spec = new PodSpec { Containers = [new Container { Name = "main", Image = "busybox" }], NodeName = nodeName },
    };

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test when <paramref name="ct"/> ends first.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, CancellationToken ct, string? because = null)
    {
        while (!condition())
        {
            if (ct.IsCancellationRequested) Assert.Fail($"Condition not met in time: {because}");
            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, CancellationToken ct, string? because = null)
    {
        while (!await condition())
        {
            if (ct.IsCancellationRequested) Assert.Fail($"Condition not met in time: {because}");
            await Task.Delay(5, CancellationToken.None);
        }
    }
}
