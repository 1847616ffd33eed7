using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.ReplicaSets.TestWorkloads;

namespace Orchestrator.Tests.Controllers.Deployments;

/// <summary>Steps shared by the Deployment controller and rollout API tests.</summary>
internal static class DeploymentTestKit
{
    /// <summary>A cluster with the Deployment controller (and with it the ReplicaSet controller).</summary>
    public static Task<TestCluster> StartAsync(CancellationToken ct, TimeProvider? time = null, int nodes = 3) =>
        TestCluster.StartAsync(s => s.AddDeploymentController(), nodes: nodes, time: time, ct: ct);

    /// <summary>The template of <paramref name="app"/> at <paramref name="version"/> (an annotation, so each version hashes differently).</summary>
    public static PodTemplateSpec Version(string app, int version) =>
        Template(app, annotations: ImmutableDictionary<string, string>.Empty.Add(VersionAnnotation, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public const string VersionAnnotation = "example.com/version";

    /// <summary>Like <see cref="Version"/>, with pods that run but never become ready.</summary>
    public static PodTemplateSpec NeverReadyVersion(string app, int version)
    {
        var template = NeverReadyTemplate(app);
        return template with
        {
            Metadata = template.Metadata with
            {
                Annotations = template.Metadata.Annotations.ToImmutableDictionary()
                    .SetItem(VersionAnnotation, version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            },
        };
    }

    /// <summary>Changes the Deployment's template, recording <paramref name="changeCause"/> like <c>kubectl --record</c>.</summary>
    public static async Task<Deployment> SetTemplateAsync(TestCluster cluster, string name, PodTemplateSpec template, CancellationToken ct,
        string? changeCause = null) =>
        await cluster.Store.UpdateWithRetryAsync<Deployment>(Ns, name, d => d with
        {
            Metadata = changeCause is null
                ? d.Metadata
                : d.Metadata with { Annotations = d.Metadata.Annotations.ToImmutableDictionary().SetItem("kubernetes.io/change-cause", changeCause) },
            Spec = d.Spec with { Template = template },
        }, ct);

    public static async Task<Deployment> UpdateSpecAsync(TestCluster cluster, string name, Func<DeploymentSpec, DeploymentSpec> change, CancellationToken ct) =>
        await cluster.Store.UpdateWithRetryAsync<Deployment>(Ns, name, d => d with { Spec = change(d.Spec) }, ct);

    /// <summary>Waits until the rollout of the Deployment's current spec is complete, as <c>kubectl rollout status</c> does.</summary>
    public static async Task<Deployment> UntilCompleteAsync(TestCluster cluster, string name, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TestCluster.DefaultTimeout);
        try
        {
            await new DeploymentRollouts(cluster.Store).WaitForRolloutAsync(Ns, name, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var d = cluster.Get<Deployment>(Ns, name);
            Assert.Fail($"Timed out waiting for the rollout of {name}: {DeploymentRollouts.StatusOf(d!).Message}");
        }
        return cluster.Get<Deployment>(Ns, name)!;
    }

    /// <summary>The ReplicaSets the Deployment controls, oldest first (by version within a second).</summary>
    public static IReadOnlyList<ReplicaSet> ReplicaSetsOf(TestCluster cluster, Deployment d) =>
        [.. cluster.List<ReplicaSet>(Ns).Where(rs => ControllerOf(rs)?.Uid == d.Metadata.Uid).OrderBy(rs => rs.Metadata.CreationTimestamp).ThenBy(rs => VersionOf(rs.Spec.Template.Metadata))];

    /// <summary>The ReplicaSet of the template <see cref="Version"/> made for <paramref name="version"/>.</summary>
    public static ReplicaSet ReplicaSetOfVersion(TestCluster cluster, Deployment d, int version) =>
        ReplicaSetsOf(cluster, d).Single(rs => VersionOf(rs.Spec.Template.Metadata) == version);

    /// <summary>The version a pod or template was made from; 0 without one.</summary>
    public static int VersionOf(ObjectMeta meta) =>
        meta.Annotations.TryGetValue(VersionAnnotation, out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public static string Revision(KubernetesObject obj) => obj.Metadata.Annotations.GetValueOrDefault(WellKnownLabels.DeploymentRevision) ?? "";

    public static DeploymentCondition? Condition(Deployment d, string type) => d.Status?.GetCondition(type);
}
