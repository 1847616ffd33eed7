using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Controllers;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.Deployments.DeploymentTestKit;
using static Orchestrator.Tests.Controllers.ReplicaSets.TestWorkloads;

namespace Orchestrator.Tests.Controllers.Deployments;

[CancelAfter(90_000)]
public sealed class DeploymentRolloutsTests
{
    /// <summary>Rolls out versions 1..<paramref name="versions"/> of <c>web</c>, each with the change cause <c>v&lt;n&gt;</c>.</summary>
    private static async Task<TestCluster> WithVersionsAsync(int versions, CancellationToken ct)
    {
        var cluster = await StartAsync(ct);
        var deployment = Deployment("web", 2, Version("web", 1));
        await cluster.Store.CreateAsync(deployment with
        {
            Metadata = deployment.Metadata with { Annotations = new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "v1" } },
        }, ct);
        await UntilCompleteAsync(cluster, "web", ct);
        for (var version = 2; version <= versions; version++)
        {
            await SetTemplateAsync(cluster, "web", Version("web", version), ct, changeCause: $"v{version}");
            await UntilCompleteAsync(cluster, "web", ct);
        }
        return cluster;
    }

    [Test]
    public async Task GetHistoryAsync_ThreeRollouts_ListsRevisionsWithChangeCauses(CancellationToken ct)
    {
        await using var cluster = await WithVersionsAsync(3, ct);

        var history = await new DeploymentRollouts(cluster.Store).GetHistoryAsync(Ns, "web", ct);

        Assert.That(history.Select(h => (h.Revision, h.ChangeCause)), Is.EqualTo(new[] { (1L, "v1"), (2L, "v2"), (3L, "v3") }));
        Assert.That(history.Select(h => VersionOf(h.Template.Metadata)), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(history.All(h => !h.Template.Metadata.Labels.ContainsKey(WellKnownLabels.PodTemplateHash)), "templates come without the hash label");
    }

    [Test]
    public async Task UndoAsync_NoRevision_RestoresThePreviousTemplateUnderANewRevision(CancellationToken ct)
    {
        await using var cluster = await WithVersionsAsync(2, ct);
        var rollouts = new DeploymentRollouts(cluster.Store);

        var revision = await rollouts.UndoAsync(Ns, "web", cancellationToken: ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(revision, Is.EqualTo(1));
        Assert.That(VersionOf(d.Spec.Template.Metadata), Is.EqualTo(1), "the template of revision 1 is back");
        Assert.That(d.Spec.Template.Metadata.Labels.ContainsKey(WellKnownLabels.PodTemplateHash), Is.False);
        Assert.That(d.Metadata.Annotations["kubernetes.io/change-cause"], Is.EqualTo("v1"), "the revision's change cause comes back with it");
        Assert.That(ReplicaSetsOf(cluster, d), Has.Count.EqualTo(2), "the old ReplicaSet is reused, not recreated");
        var reused = ReplicaSetOfVersion(cluster, d, 1);
        Assert.That(Revision(reused), Is.EqualTo("3"));
        Assert.That(reused.Metadata.Annotations[DeploymentAnnotations.RevisionHistory], Is.EqualTo("1"));
        Assert.That(Revision(d), Is.EqualTo("3"));
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").All(p => VersionOf(p.Metadata) == 1), "the pods run version 1", ct);
        Assert.That((await rollouts.GetHistoryAsync(Ns, "web", ct)).Select(h => h.Revision), Is.EqualTo(new[] { 2L, 3L }));
    }

    [Test]
    public async Task UndoAsync_ToRevision_RestoresThatRevision(CancellationToken ct)
    {
        await using var cluster = await WithVersionsAsync(3, ct);

        var revision = await new DeploymentRollouts(cluster.Store).UndoAsync(Ns, "web", toRevision: 1, ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(revision, Is.EqualTo(1));
        Assert.That(VersionOf(d.Spec.Template.Metadata), Is.EqualTo(1));
        Assert.That(Revision(ReplicaSetOfVersion(cluster, d, 1)), Is.EqualTo("4"));
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").All(p => VersionOf(p.Metadata) == 1), "the pods run version 1", ct);
    }

    /// <summary>
    /// Version <paramref name="version"/> of a template with what Go clients write differently: a quantity (<c>0.5</c>,
    /// canonically <c>500m</c>) and an empty <c>emptyDir</c>.
    /// </summary>
    private static PodTemplateSpec RichVersion(int version)
    {
        var template = Version("web", version);
        var container = template.Spec.Containers[0] with
        {
            Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("0.5") } },
            VolumeMounts = [new VolumeMount { Name = "scratch", MountPath = "/scratch" }],
        };
        return template with
        {
            Spec = template.Spec with { Containers = [container], Volumes = [new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() }] },
        };
    }

    /// <summary>
    /// The template as <c>kubectl rollout undo</c> sends it back: re-encoded by Go, so with <c>creationTimestamp: null</c>,
    /// <c>resources: {}</c> on containers without resources, canonical quantities, and without the hash label.
    /// </summary>
    private static PodTemplateSpec AsKubectlUndoSendsIt(PodTemplateSpec template)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(template))!;
        node["metadata"]!["labels"]!.AsObject().Remove(WellKnownLabels.PodTemplateHash);
        node["metadata"]!["creationTimestamp"] = null;
        foreach (var container in node["spec"]!["containers"]!.AsArray())
        {
            if (container!["resources"] is not { } resources) container["resources"] = new System.Text.Json.Nodes.JsonObject();
            else if (resources["requests"]?["cpu"] is { } cpu) resources["requests"]!["cpu"] = Quantity.Parse(cpu.GetValue<string>()).ToCanonicalString();
        }
        return KubernetesJson.Deserialize<PodTemplateSpec>(node.ToJsonString());
    }

    private static IEnumerable<TestCaseData> OldTemplates()
    {
        yield return new TestCaseData((Func<int, PodTemplateSpec>)(v => Version("web", v))).SetArgDisplayNames("plain");
        yield return new TestCaseData((Func<int, PodTemplateSpec>)RichVersion).SetArgDisplayNames("quantity and emptyDir");
    }

    [TestCaseSource(nameof(OldTemplates))]
    public async Task Update_OldTemplateAsKubectlUndoSendsIt_ReusesTheOldReplicaSetUnderTheNewestRevision(Func<int, PodTemplateSpec> version,
        CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        await cluster.Store.CreateAsync(Deployment("web", 2, version(1)), ct);
        await UntilCompleteAsync(cluster, "web", ct);
        await SetTemplateAsync(cluster, "web", version(2), ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);
        var old = ReplicaSetOfVersion(cluster, d, 1);

        await SetTemplateAsync(cluster, "web", AsKubectlUndoSendsIt(old.Spec.Template), ct);
        d = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(ReplicaSetsOf(cluster, d).Select(rs => rs.Metadata.Name), Is.EquivalentTo(new[] { old.Metadata.Name, ReplicaSetOfVersion(cluster, d, 2).Metadata.Name }),
            "no third ReplicaSet: the one of revision 1 is scaled back up");
        var reused = ReplicaSetOfVersion(cluster, d, 1);
        Assert.That(reused.Metadata.Uid, Is.EqualTo(old.Metadata.Uid));
        Assert.That((Revision(reused), Revision(d), reused.Spec.Replicas), Is.EqualTo(("3", "3", 2)));
        Assert.That(reused.Metadata.Annotations[DeploymentAnnotations.RevisionHistory], Is.EqualTo("1"));
        Assert.That((await new DeploymentRollouts(cluster.Store).GetHistoryAsync(Ns, "web", ct)).Select(h => h.Revision), Is.EqualTo(new[] { 2L, 3L }),
            "revision 1 left the history and came back as the newest");
    }

    [Test]
    public async Task UndoAsync_TemplateWithQuantitiesAndVolumes_ReusesTheOldReplicaSet(CancellationToken ct)
    {
        await using var cluster = await StartAsync(ct);
        await cluster.Store.CreateAsync(Deployment("web", 2, RichVersion(1)), ct);
        await UntilCompleteAsync(cluster, "web", ct);
        for (var v = 2; v <= 3; v++)
        {
            await SetTemplateAsync(cluster, "web", AsKubectlUndoSendsIt(RichVersion(v)), ct);
            await UntilCompleteAsync(cluster, "web", ct);
        }
        var rollouts = new DeploymentRollouts(cluster.Store);
        var before = cluster.List<ReplicaSet>(Ns).Select(rs => rs.Metadata.Uid).ToHashSet();

        await rollouts.UndoAsync(Ns, "web", toRevision: 1, ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(cluster.List<ReplicaSet>(Ns).Select(rs => rs.Metadata.Uid), Is.EquivalentTo(before), "no ReplicaSet created");
        Assert.That((Revision(ReplicaSetOfVersion(cluster, d, 1)), Revision(d)), Is.EqualTo(("4", "4")));
        Assert.That((await rollouts.GetHistoryAsync(Ns, "web", ct)).Select(h => h.Revision), Is.EqualTo(new[] { 2L, 3L, 4L }));
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web").All(p => VersionOf(p.Metadata) == 1), "the pods run version 1", ct);
    }

    [Test]
    public async Task UndoAsync_InvalidRequests_FailLikeKubectl(CancellationToken ct)
    {
        await using var cluster = await WithVersionsAsync(1, ct);
        var rollouts = new DeploymentRollouts(cluster.Store);

        var noHistory = Assert.ThrowsAsync<RolloutException>(() => rollouts.UndoAsync(Ns, "web", cancellationToken: ct));
        Assert.That(noHistory!.Message, Is.EqualTo("no rollout history found for deployment \"web\""));
        var unknown = Assert.ThrowsAsync<RolloutException>(() => rollouts.UndoAsync(Ns, "web", toRevision: 7, ct));
        Assert.That(unknown!.Message, Is.EqualTo("unable to find specified revision 7 in history"));
        Assert.That(await rollouts.UndoAsync(Ns, "web", toRevision: 1, ct), Is.EqualTo(1), "undoing to the current template changes nothing");
        Assert.ThrowsAsync<NotFoundException>(() => rollouts.UndoAsync(Ns, "missing", cancellationToken: ct));
        await rollouts.PauseAsync(Ns, "web", ct);
        Assert.ThrowsAsync<RolloutException>(() => rollouts.UndoAsync(Ns, "web", toRevision: 1, ct));
        Assert.ThrowsAsync<RolloutException>(() => rollouts.RestartAsync(Ns, "web", ct));
    }

    [Test]
    public async Task RestartAsync_RunningDeployment_ReplacesEveryPod(CancellationToken ct)
    {
        await using var cluster = await WithVersionsAsync(1, ct);
        var before = cluster.ActivePods(Ns, "app=web").Select(p => p.Metadata.Uid).ToHashSet();

        await new DeploymentRollouts(cluster.Store).RestartAsync(Ns, "web", ct);
        var d = await UntilCompleteAsync(cluster, "web", ct);

        Assert.That(d.Spec.Template.Metadata.Annotations.ContainsKey(DeploymentRollouts.RestartedAtAnnotation), Is.True);
        Assert.That(Revision(d), Is.EqualTo("2"));
        await cluster.UntilAsync(() => cluster.ActivePods(Ns, "app=web") is { Count: 2 } pods && pods.All(p => !before.Contains(p.Metadata.Uid)),
            "every pod was replaced", ct);
    }

    private static IEnumerable<TestCaseData> Statuses()
    {
        DeploymentStatus Status(int replicas, int updated, int available, long observed = 2) => new()
        {
            ObservedGeneration = observed, Replicas = replicas, UpdatedReplicas = updated, AvailableReplicas = available,
        };
        yield return new TestCaseData(Status(3, 3, 3, observed: 1), false, "Waiting for deployment spec update to be observed...");
        yield return new TestCaseData(Status(4, 1, 3), false, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...");
        yield return new TestCaseData(Status(4, 3, 3), false, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...");
        yield return new TestCaseData(Status(3, 3, 2), false, "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...");
        yield return new TestCaseData(Status(3, 3, 3), true, "deployment \"web\" successfully rolled out");
    }

    [TestCaseSource(nameof(Statuses))]
    public void StatusOf_DeploymentStatus_ReportsLikeKubectlRolloutStatus(DeploymentStatus status, bool complete, string message)
    {
        var deployment = Deployment("web", 3) with { Status = status };
        deployment = deployment with { Metadata = deployment.Metadata with { Generation = 2 } };

        var result = DeploymentRollouts.StatusOf(deployment);

        Assert.That(result, Is.EqualTo(new RolloutStatus(complete, message)));
    }
}
