using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Tests.Controllers.GarbageCollection;

/// <summary>
/// A real <see cref="IHost"/> running controllers against an in-memory store, plus the objects and bounded polling the
/// garbage collector, namespace and node lifecycle tests share.
/// </summary>
internal static class ControllerHost
{
    public static async Task<IHost> StartAsync(IObjectStore store, TimeProvider time, Action<IServiceCollection> configure, CancellationToken ct)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(time);
        builder.Services.AddLogging();
        configure(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test when <paramref name="ct"/> ends first.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, CancellationToken ct, string because)
    {
        while (!await condition())
        {
            if (ct.IsCancellationRequested) Assert.Fail($"Condition not met in time: {because}");
            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>Polls until the object is gone from the store.</summary>
    public static Task UntilGoneAsync<T>(this IObjectStore store, string? ns, string name, CancellationToken ct) where T : KubernetesObject =>
        UntilAsync(async () => await store.GetAsync<T>(ns, name, ct) is null, ct, $"{typeof(T).Name} {ns}/{name} is deleted");

    public static Pod NewPod(string ns, string name, params OwnerReference[] owners) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, OwnerReferences = owners },
        Spec = new PodSpec { Containers = [new Container { Name = "main", Image = "busybox" }] },
    };

    public static ConfigMap NewConfigMap(string ns, string name, params OwnerReference[] owners) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, OwnerReferences = owners },
    };

    public static ReplicaSet NewReplicaSet(string ns, string name, params OwnerReference[] owners)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        return new ReplicaSet
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns, OwnerReferences = owners },
            Spec = new ReplicaSetSpec
            {
                Replicas = 2,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec { Containers = [new Container { Name = "main", Image = "busybox" }] },
                },
            },
        };
    }

    /// <summary>A reference to <paramref name="owner"/> as a controller sets it.</summary>
    public static OwnerReference OwnerRef(KubernetesObject owner, bool blockOwnerDeletion = false) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name!,
        Uid = owner.Metadata.Uid!,
        Controller = true,
        BlockOwnerDeletion = blockOwnerDeletion ? true : null,
    };

    /// <summary>Removes every finalizer of the object, letting a pending deletion complete.</summary>
    public static async Task ReleaseAsync<T>(this IObjectStore store, string? ns, string name, CancellationToken ct) where T : KubernetesObject =>
        await store.UpdateWithRetryAsync<T>(ns, name, o => o with { Metadata = o.Metadata with { Finalizers = [] } }, ct);
}
