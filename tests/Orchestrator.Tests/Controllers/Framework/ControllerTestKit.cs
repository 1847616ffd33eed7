using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Tests.Controllers.Framework;

/// <summary>Objects, store set-up and bounded polling shared by the controller framework and event tests.</summary>
internal static class ControllerTestKit
{
    public static async Task<InMemoryObjectStore> NewStoreAsync(
        TimeProvider? time = null, InMemoryObjectStoreOptions? options = null, params string[] namespaces)
    {
        var store = new InMemoryObjectStore(options ?? new InMemoryObjectStoreOptions(), time ?? TimeProvider.System);
        foreach (var ns in namespaces.Append("default").Distinct())
        {
            try
            {
                await store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = ns } });
            }
            catch (AlreadyExistsException)
            {
            }
        }
        return store;
    }

    public static Pod NewPod(string ns, string name, IReadOnlyDictionary<string, string>? labels = null, string? nodeName = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels ?? new Dictionary<string, string>() },
        Spec = new PodSpec { Containers = [new Container { Name = "main", Image = "busybox" }], NodeName = nodeName },
    };

    public static async Task<T> CreateObjectAsync<T>(this IObjectStore store, T obj, CancellationToken ct = default) where T : KubernetesObject =>
        (T)await store.CreateAsync(obj, ct);

    public static async Task<T> UpdateObjectAsync<T>(this IObjectStore store, T obj, CancellationToken ct = default) where T : KubernetesObject =>
        (T)await store.UpdateAsync(obj, ct);

    public static async Task<T?> GetObjectAsync<T>(this IObjectReader store, string? ns, string name, CancellationToken ct = default)
        where T : KubernetesObject =>
        (T?)await store.GetAsync(ApiResources.For<T>(), ns, name, ct);

    public static async Task<IReadOnlyList<T>> ListObjectsAsync<T>(this IObjectReader store, string? ns = null, CancellationToken ct = default)
        where T : KubernetesObject =>
        [.. (await store.ListAsync(ApiResources.For<T>(), new ListOptions { Namespace = ns }, ct)).Items.Cast<T>()];

    public static Task DeleteObjectAsync<T>(this IObjectStore store, string? ns, string name, CancellationToken ct = default)
        where T : KubernetesObject =>
        store.DeleteAsync(ApiResources.For<T>(), ns, name, new DeleteOptions { GracePeriodSeconds = 0 }, ct).AsTask();

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
