using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Validation;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Store.StoreTestKit;

namespace Orchestrator.Tests.Store;

[TestFixture]
public sealed class InMemoryObjectStoreWriteTests
{
    private FakeTimeProvider _time = null!;
    private InMemoryObjectStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
        _store = NewStore(_time);
    }

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task Constructor_Always_CreatesSystemNamespacesThatAreActive()
    {
        var list = await _store.ListAsync<Namespace>();

        Assert.That(list.Items.Select(n => n.Metadata.Name), Is.EqualTo(new[] { "default", "kube-node-lease", "kube-public", "kube-system" }));
        Assert.That(list.Items.Select(n => n.Status?.Phase), Is.All.EqualTo(NamespacePhase.Active));
        Assert.That(list.Items.Select(n => n.Spec.Finalizers), Is.All.EqualTo(new[] { "kubernetes" }));
    }

    [Test]
    public async Task CreateAsync_NewPod_SetsStoreOwnedMetadataAndDefaults()
    {
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        var before = _store.CurrentResourceVersion;

        var pod = await _store.CreateAsync<Pod>(NewPod("web") with { Metadata = NewPod("web").Metadata with { Generation = 7, Uid = "mine" } });

        Assert.That(Guid.TryParse(pod.Metadata.Uid, out _), Is.True, "uid is a fresh GUID");
        Assert.That(pod.Metadata.Uid, Is.Not.EqualTo("mine"));
        Assert.That(pod.Metadata.CreationTimestamp, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 10, 0, 1, TimeSpan.Zero)), "whole seconds, as Kubernetes");
        Assert.That(pod.Metadata.Generation, Is.EqualTo(1));
        Assert.That(pod.Rv(), Is.EqualTo(before + 1));
        Assert.That(_store.CurrentResourceVersion, Is.EqualTo(before + 1));
        Assert.That(pod.Spec.Containers[0].ImagePullPolicy, Is.EqualTo(PullPolicy.IfNotPresent), "defaults are applied");
        Assert.That(await _store.GetAsync<Pod>("default", "web"), Is.SameAs(pod));
    }

    [Test]
    public async Task CreateAsync_Job_DefaultsWithTheAssignedUid()
    {
        var job = await _store.CreateAsync<Job>(new Job
        {
            Metadata = new ObjectMeta { Name = "batch", Namespace = "default" },
            Spec = new JobSpec
            {
                Template = new PodTemplateSpec
                {
                    Spec = new PodSpec { RestartPolicy = RestartPolicy.Never, Containers = [new Container { Name = "c", Image = "busybox:1.36" }] },
                },
            },
        });

        Assert.That(job.Spec.Selector?.MatchLabels, Does.ContainKey(WellKnownLabels.JobControllerUid).WithValue(job.Metadata.Uid));
    }

    [Test]
    public async Task CreateAsync_ExistingName_ThrowsAlreadyExists()
    {
        await _store.CreateAsync<Pod>(NewPod("web"));

        var ex = Assert.ThrowsAsync<AlreadyExistsException>(async () => await _store.CreateAsync<Pod>(NewPod("web")));
        Assert.That(ex!.Message, Is.EqualTo("pods \"web\" already exists in namespace \"default\""));
    }

    [Test]
    public async Task CreateAsync_GenerateName_AppendsFiveCharactersOfTheKubernetesAlphabet()
    {
        var template = NewPod("") with { Metadata = NewPod("").Metadata with { Name = null, GenerateName = "web-" } };

        var first = await _store.CreateAsync<Pod>(template);
        var second = await _store.CreateAsync<Pod>(template);

        Assert.That(first.Metadata.Name, Does.Match("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$"));
        Assert.That(second.Metadata.Name, Does.Match("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$"));
        Assert.That(second.Metadata.Name, Is.Not.EqualTo(first.Metadata.Name));
    }

    [Test]
    public async Task CreateAsync_GeneratedNameTaken_RetriesWithAnotherSuffix()
    {
        // The scripted source yields "bbbbb" twice, then "ccccc".
        using var store = NewStore(_time, new InMemoryObjectStoreOptions { Random = new ScriptedRandom([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]) });
        var template = NewPod("") with { Metadata = NewPod("").Metadata with { Name = null, GenerateName = "web-" } };

        var first = await store.CreateAsync<Pod>(template);
        var second = await store.CreateAsync<Pod>(template);

        Assert.That(first.Metadata.Name, Is.EqualTo("web-bbbbb"));
        Assert.That(second.Metadata.Name, Is.EqualTo("web-ccccc"));
    }

    [Test]
    public async Task CreateAsync_InvalidObject_ThrowsValidationAndLeavesStoreUnchanged()
    {
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>(new WatchOptions { ResourceVersion = _store.CurrentResourceVersion.ToString() }).Subscribe(recorder);
        var before = _store.CurrentResourceVersion;
        var invalid = NewPod("Bad_Name") with { Spec = new PodSpec() };

        var ex = Assert.ThrowsAsync<ValidationException>(async () => await _store.CreateAsync<Pod>(invalid));

        Assert.That(ex!.Errors.Select(e => e.Field), Does.Contain("metadata.name").And.Contain("spec.containers"));
        Assert.That(_store.CurrentResourceVersion, Is.EqualTo(before));
        Assert.That((await _store.ListAsync<Pod>()).Items, Is.Empty);
        await _store.CreateAsync<Pod>(NewPod("good"));
        var events = await recorder.WaitForCountAsync(1);
        Assert.That(events.Single().Object.Metadata.Name, Is.EqualTo("good"), "the rejected write produced no event");
    }

    [Test]
    public void CreateAsync_MissingNamespace_ThrowsNotFoundForTheNamespace()
    {
        var ex = Assert.ThrowsAsync<NotFoundException>(async () => await _store.CreateAsync<Pod>(NewPod("web", ns: "nope")));
        Assert.That(ex!.Message, Is.EqualTo("namespaces \"nope\" not found"));
    }

    [Test]
    public async Task CreateAsync_TerminatingNamespace_ThrowsForbidden()
    {
        await _store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = "team" } });
        await _store.DeleteAsync<Namespace>(null, "team");

        var ex = Assert.ThrowsAsync<ForbiddenException>(async () => await _store.CreateAsync<Pod>(NewPod("web", ns: "team")));
        Assert.That(ex!.Message, Does.Contain("because it is being terminated"));
    }

    [Test]
    public void CreateAsync_ResourceVersionSet_ThrowsBadRequest()
    {
        var pod = NewPod("web") with { Metadata = NewPod("web").Metadata with { ResourceVersion = "5" } };
        Assert.ThrowsAsync<BadRequestException>(async () => await _store.CreateAsync<Pod>(pod));
    }

    [Test]
    public void CreateAsync_ClusterScopedKindWithNamespace_ThrowsValidation()
    {
        var node = new Node { Metadata = new ObjectMeta { Name = "n1", Namespace = "default" } };
        var ex = Assert.ThrowsAsync<ValidationException>(async () => await _store.CreateAsync<Node>(node));
        Assert.That(ex!.Errors.Select(e => e.Field), Does.Contain("metadata.namespace"));
    }

    [Test]
    public async Task Writes_OfDifferentKinds_ShareOneIncreasingResourceVersion()
    {
        var start = _store.CurrentResourceVersion;
        var pod = await _store.CreateAsync<Pod>(NewPod("web"));
        var map = await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default" } });
        var node = await _store.CreateAsync<Node>(new Node { Metadata = new ObjectMeta { Name = "n1" } });

        Assert.That(new[] { pod.Rv(), map.Rv(), node.Rv() }, Is.EqualTo(new[] { start + 1, start + 2, start + 3 }));
    }

    [Test]
    public async Task UpdateAsync_StaleResourceVersion_ThrowsConflictWithKubernetesMessage()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));
        await _store.UpdateAsync<Pod>(created.WithLabel("a", "1"));

        var ex = Assert.ThrowsAsync<ConflictException>(async () => await _store.UpdateAsync<Pod>(created.WithLabel("a", "2")));

        Assert.That(ex!.Message, Is.EqualTo(
            "Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again"));
        Assert.That((await _store.GetRequiredAsync<Pod>("default", "web")).Metadata.Labels["a"], Is.EqualTo("1"));
    }

    [Test]
    public async Task UpdateAsync_WithoutResourceVersion_IsUnconditional()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));
        await _store.UpdateAsync<Pod>(created.WithLabel("a", "1"));
        var blind = created.WithLabel("a", "2") with { Metadata = created.WithLabel("a", "2").Metadata with { ResourceVersion = null } };

        var updated = await _store.UpdateAsync<Pod>(blind);

        Assert.That(updated.Metadata.Labels["a"], Is.EqualTo("2"));
    }

    [Test]
    public async Task UpdateAsync_MetadataOnlyChange_KeepsGeneration()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));

        var updated = await _store.UpdateAsync<Pod>(created.WithAnnotation("note", "x"));

        Assert.That(updated.Metadata.Generation, Is.EqualTo(1));
        Assert.That(updated.Rv(), Is.GreaterThan(created.Rv()));
    }

    [Test]
    public async Task UpdateAsync_SpecChange_IncrementsGeneration()
    {
        var created = await _store.CreateAsync<Deployment>(new Deployment
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new DeploymentSpec
            {
                Replicas = 1,
                Selector = new LabelSelector { MatchLabels = Labels(("app", "web")) },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = Labels(("app", "web")) },
                    Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1.27" }] },
                },
            },
        });

        var scaled = await _store.UpdateAsync<Deployment>(created with { Spec = created.Spec with { Replicas = 3 } });
        // A new but equal spec instance is not a change of desired state.
        var copied = await _store.UpdateAsync<Deployment>(scaled.WithLabel("x", "y") with { Spec = scaled.Spec with { } });

        Assert.That(scaled.Metadata.Generation, Is.EqualTo(2));
        Assert.That(copied.Metadata.Generation, Is.EqualTo(2));
    }

    [Test]
    public async Task UpdateAsync_StatusInBody_IsIgnored()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web") with { Status = new PodStatus { Phase = PodPhase.Pending } });

        var updated = await _store.UpdateAsync<Pod>(created.WithLabel("a", "1") with { Status = new PodStatus { Phase = PodPhase.Running } });

        Assert.That(updated.Status?.Phase, Is.EqualTo(PodPhase.Pending));
        Assert.That(updated.Metadata.Labels["a"], Is.EqualTo("1"));
    }

    [Test]
    public async Task UpdateAsync_NothingChanged_KeepsResourceVersionAndEmitsNoEvent()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web", labels: Labels(("app", "web"))));
        var recorder = new WatchRecorder<Pod>();
        using var watch = _store.Watch<Pod>(new WatchOptions { ResourceVersion = created.Metadata.ResourceVersion }).Subscribe(recorder);

        var same = await _store.UpdateAsync<Pod>(created);
        // Equal content in new instances is also no change.
        var copy = await _store.UpdateAsync<Pod>(created with
        {
            Metadata = created.Metadata with { Labels = Labels(("app", "web")) },
            Spec = created.Spec with { Containers = [created.Spec.Containers[0] with { }] },
        });
        await _store.UpdateAsync<Pod>(created.WithLabel("app", "api"));

        Assert.That(same, Is.SameAs(created));
        Assert.That(copy, Is.SameAs(created));
        var events = await recorder.WaitForCountAsync(1);
        Assert.That(events.Single().Object.Metadata.Labels["app"], Is.EqualTo("api"), "only the real change was delivered");
    }

    [Test]
    public async Task UpdateAsync_DifferentUid_ThrowsValidation()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));

        var ex = Assert.ThrowsAsync<ValidationException>(async () =>
            await _store.UpdateAsync<Pod>(created with { Metadata = created.Metadata with { Uid = Guid.NewGuid().ToString() } }));

        Assert.That(ex!.Errors.Single().Field, Is.EqualTo("metadata.uid"));
    }

    [Test]
    public async Task UpdateAsync_StoreOwnedFieldsChanged_KeepsStoredValues()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));

        var updated = await _store.UpdateAsync<Pod>(created.WithLabel("a", "1") with
        {
            Metadata = created.WithLabel("a", "1").Metadata with
            {
                Uid = null,
                CreationTimestamp = DateTimeOffset.UnixEpoch,
                DeletionTimestamp = DateTimeOffset.UnixEpoch,
                Generation = 42,
            },
        });

        Assert.That(updated.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
        Assert.That(updated.Metadata.CreationTimestamp, Is.EqualTo(created.Metadata.CreationTimestamp));
        Assert.That(updated.Metadata.DeletionTimestamp, Is.Null);
        Assert.That(updated.Metadata.Generation, Is.EqualTo(1));
    }

    [Test]
    public void UpdateAsync_Missing_ThrowsNotFound()
    {
        var ex = Assert.ThrowsAsync<NotFoundException>(async () => await _store.UpdateAsync<Pod>(NewPod("ghost")));
        Assert.That(ex!.Message, Is.EqualTo("pods \"ghost\" not found in namespace \"default\""));
    }

    [Test]
    public async Task UpdateAsync_InvalidChange_ThrowsValidationAndKeepsStoredObject()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));

        Assert.ThrowsAsync<ValidationException>(async () => await _store.UpdateAsync<Pod>(created.WithLabel("bad key!", "x")));

        Assert.That(await _store.GetAsync<Pod>("default", "web"), Is.SameAs(created));
    }

    [Test]
    public async Task UpdateStatusAsync_SpecAndMetadataInBody_AreIgnored()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));

        var updated = await _store.UpdateStatusAsync<Pod>(created.WithLabel("a", "1") with
        {
            Spec = created.Spec with { NodeName = "elsewhere" },
            Status = new PodStatus { Phase = PodPhase.Running },
        });

        Assert.That(updated.Status?.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(updated.Spec, Is.SameAs(created.Spec));
        Assert.That(updated.Metadata.Labels, Is.Empty);
        Assert.That(updated.Metadata.Generation, Is.EqualTo(1));
        Assert.That(updated.Rv(), Is.GreaterThan(created.Rv()));
    }

    [Test]
    public async Task UpdateStatusAsync_StaleResourceVersion_ThrowsConflict()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));
        await _store.UpdateAsync<Pod>(created.WithLabel("a", "1"));

        Assert.ThrowsAsync<ConflictException>(async () =>
            await _store.UpdateStatusAsync<Pod>(created with { Status = new PodStatus { Phase = PodPhase.Running } }));
    }

    [Test]
    public async Task UpdateStatusAsync_EqualStatus_KeepsResourceVersion()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));
        var running = await _store.UpdateStatusAsync<Pod>(created with { Status = new PodStatus { Phase = PodPhase.Running } });

        var again = await _store.UpdateStatusAsync<Pod>(running with { Status = new PodStatus { Phase = PodPhase.Running } });

        Assert.That(again, Is.SameAs(running));
    }

    [Test]
    public void UpdateStatusAsync_KindWithoutStatus_ThrowsBadRequest()
    {
        var map = new ConfigMap { Metadata = new ObjectMeta { Name = "cfg", Namespace = "default" } };
        Assert.ThrowsAsync<BadRequestException>(async () => await _store.UpdateStatusAsync<ConfigMap>(map));
    }

    [Test]
    public async Task WriteAsync_AfterDispose_ThrowsObjectDisposed()
    {
        _store.Dispose();

        Assert.ThrowsAsync<ObjectDisposedException>(async () => await _store.CreateAsync<Pod>(NewPod("web")));
        Assert.That(await _store.GetAsync<Namespace>(null, "default"), Is.Not.Null, "reads keep working");
    }

    /// <summary>Returns scripted values from <see cref="Next(int)"/>, for reproducible generated names.</summary>
    private sealed class ScriptedRandom(int[] values) : Random
    {
        private int _next;

        public override int Next(int maxValue) => values[_next++ % values.Length] % maxValue;
    }
}
