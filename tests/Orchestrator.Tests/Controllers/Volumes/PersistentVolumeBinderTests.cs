using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.GarbageCollection.ControllerHost;

namespace Orchestrator.Tests.Controllers.Volumes;

/// <summary>The volume binder on a real store and host; volumes are hostPath directories under a temporary directory.</summary>
[CancelAfter(20_000)]
public sealed class PersistentVolumeBinderTests
{
    private const string Ns = "default";

    private InMemoryObjectStore _store = null!;
    private IHost _host = null!;
    private string _root = null!;

    [SetUp]
    public async Task SetUp()
    {
        var time = new FakeTimeProvider();
        _root = Directory.CreateTempSubdirectory("orchestrator-pv-").FullName;
        _store = new InMemoryObjectStore(time);
        _host = await StartAsync(_store, time, s => s.AddPersistentVolumeBinder(o => o.ProvisioningDirectory = Path.Combine(_root, "provisioned")),
            CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _store.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task Reconcile_PendingClaim_BindsSmallestMatchingVolume(CancellationToken ct)
    {
        await _store.CreateAsync(Volume("big", "10Gi"), ct);
        await _store.CreateAsync(Volume("small", "2Gi"), ct);
        await _store.CreateAsync(Volume("tiny", "512Mi"), ct);
        await _store.CreateAsync(Volume("read-only", "1Gi", accessMode: PersistentVolumeAccessMode.ReadOnlyMany), ct);
        await _store.CreateAsync(Volume("fast", "1Gi", storageClass: "fast"), ct);

        await _store.CreateAsync(Claim("data", "1Gi"), ct);

        var claim = await UntilObjectAsync<PersistentVolumeClaim>(Ns, "data", c => c.IsBound(), ct);
        var volume = await UntilObjectAsync<PersistentVolume>(null, "small", v => v.Status?.Phase == PersistentVolumePhase.Bound, ct);
        Assert.Multiple(() =>
        {
            Assert.That(claim.Spec.VolumeName, Is.EqualTo("small"), "the smallest volume with enough room, the right class and access mode");
            Assert.That(claim.Status!.Capacity[ResourceName.Storage], Is.EqualTo(Quantity.Parse("2Gi")));
            Assert.That(claim.Status.AccessModes, Is.EqualTo(new[] { PersistentVolumeAccessMode.ReadWriteOnce }));
            Assert.That(claim.Metadata.Annotations["pv.kubernetes.io/bind-completed"], Is.EqualTo("yes"));
            Assert.That(volume.Spec.ClaimRef!.Uid, Is.EqualTo(claim.Metadata.Uid));
        });
        await UntilObjectAsync<PersistentVolume>(null, "big", v => v.Status?.Phase == PersistentVolumePhase.Available, ct);
    }

    [Test]
    public async Task Reconcile_NoMatchingVolume_ProvisionsHostPathVolumeDeletedWithClaim(CancellationToken ct)
    {
        var created = await _store.CreateAsync(Claim("scratch", "5Gi"), ct);

        var claim = await UntilObjectAsync<PersistentVolumeClaim>(Ns, "scratch", c => c.IsBound(), ct);
        var volume = (await _store.GetAsync<PersistentVolume>(null, claim.Spec.VolumeName!, ct))!;
        Assert.Multiple(() =>
        {
            Assert.That(volume.Metadata.Name, Is.EqualTo("pvc-" + created.Metadata.Uid));
            Assert.That(volume.Spec.HostPath!.Path, Is.EqualTo(Path.Combine(_root, "provisioned", volume.Metadata.Name!)));
            Assert.That(Directory.Exists(volume.Spec.HostPath.Path), Is.True);
            Assert.That(volume.Spec.Capacity[ResourceName.Storage], Is.EqualTo(Quantity.Parse("5Gi")));
            Assert.That(volume.Spec.PersistentVolumeReclaimPolicy, Is.EqualTo(PersistentVolumeReclaimPolicy.Delete));
        });

        await _store.DeleteAsync<PersistentVolumeClaim>(Ns, "scratch", null, ct);

        var path = volume.Spec.HostPath!.Path;
        await _store.UntilGoneAsync<PersistentVolume>(null, volume.Metadata.Name!, ct);
        await UntilAsync(() => Task.FromResult(!Directory.Exists(path)), ct, "the directory is deleted");
    }

    [Test]
    public async Task Reconcile_ClaimOfRetainedVolumeDeleted_VolumeBecomesReleased(CancellationToken ct)
    {
        await _store.CreateAsync(Volume("keep", "1Gi"), ct);
        await _store.CreateAsync(Claim("mine", "1Gi"), ct);
        await UntilObjectAsync<PersistentVolumeClaim>(Ns, "mine", c => c.IsBound(), ct);

        await _store.DeleteAsync<PersistentVolumeClaim>(Ns, "mine", null, ct);

        var volume = await UntilObjectAsync<PersistentVolume>(null, "keep", v => v.Status?.Phase == PersistentVolumePhase.Released, ct);
        Assert.That(volume.Spec.ClaimRef!.Name, Is.EqualTo("mine"), "a released volume keeps its claim reference until an administrator clears it");

        // A new claim of the same name does not get the released volume: it gets a new one.
        await _store.CreateAsync(Claim("mine", "1Gi"), ct);
        var again = await UntilObjectAsync<PersistentVolumeClaim>(Ns, "mine", c => c.IsBound(), ct);
        Assert.That(again.Spec.VolumeName, Is.Not.EqualTo("keep"));
    }

    [Test]
    public async Task Reconcile_EmptyStorageClassAndNoVolume_StaysPending(CancellationToken ct)
    {
        await _store.CreateAsync(Claim("static", "1Gi") with { Spec = Claim("static", "1Gi").Spec with { StorageClassName = "" } }, ct);
        await UntilAsync(async () => (await _store.ListAsync<Event>(new ListOptions { Namespace = Ns }, ct)).Items.Any(e => e.Reason == "FailedBinding"),
            ct, "a FailedBinding event");
        Assert.That((await _store.GetAsync<PersistentVolumeClaim>(Ns, "static", ct))!.Status!.Phase, Is.EqualTo(PersistentVolumeClaimPhase.Pending));

        await _store.CreateAsync(Volume("late", "1Gi"), ct);

        var claim = await UntilObjectAsync<PersistentVolumeClaim>(Ns, "static", c => c.IsBound(), ct);
        Assert.That(claim.Spec.VolumeName, Is.EqualTo("late"), "a volume that appears later is bound");
    }

    private async Task<T> UntilObjectAsync<T>(string? ns, string name, Func<T, bool> condition, CancellationToken ct) where T : KubernetesObject
    {
        T? last = null;
        await UntilAsync(async () => (last = await _store.GetAsync<T>(ns, name, ct)) is { } obj && condition(obj), ct, $"{typeof(T).Name} {name}");
        return last!;
    }

    private PersistentVolume Volume(string name, string size, string accessMode = PersistentVolumeAccessMode.ReadWriteOnce, string? storageClass = null) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new PersistentVolumeSpec
        {
            Capacity = ImmutableDictionary<string, Quantity>.Empty.Add(ResourceName.Storage, Quantity.Parse(size)),
            AccessModes = [accessMode],
            StorageClassName = storageClass,
            HostPath = new HostPathVolumeSource { Path = Path.Combine(_root, name) },
        },
    };

    private static PersistentVolumeClaim Claim(string name, string size) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Ns },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = [PersistentVolumeAccessMode.ReadWriteOnce],
            Resources = new VolumeResourceRequirements
            {
                Requests = ImmutableDictionary<string, Quantity>.Empty.Add(ResourceName.Storage, Quantity.Parse(size)),
            },
        },
    };
}
