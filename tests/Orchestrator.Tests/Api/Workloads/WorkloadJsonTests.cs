using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api;

namespace Orchestrator.Tests.Api.Workloads;

public class WorkloadJsonTests
{
    private static IEnumerable<TestCaseData> Manifests()
    {
        yield return new TestCaseData(typeof(Deployment), WorkloadManifests.NginxDeployment).SetArgDisplayNames("Deployment");
        yield return new TestCaseData(typeof(Job), WorkloadManifests.PiJob).SetArgDisplayNames("Job");
        yield return new TestCaseData(typeof(CronJob), WorkloadManifests.HelloCronJob).SetArgDisplayNames("CronJob");
        yield return new TestCaseData(typeof(StatefulSet), WorkloadManifests.WebStatefulSet).SetArgDisplayNames("StatefulSet");
        yield return new TestCaseData(typeof(HorizontalPodAutoscaler), WorkloadManifests.PhpApacheHpa).SetArgDisplayNames("HorizontalPodAutoscaler");
        yield return new TestCaseData(typeof(DaemonSet), WorkloadManifests.FluentdDaemonSet).SetArgDisplayNames("DaemonSet");
        yield return new TestCaseData(typeof(RoleBinding), WorkloadManifests.PodReaderRoleBinding).SetArgDisplayNames("RoleBinding");
        yield return new TestCaseData(typeof(ClusterRole), WorkloadManifests.MonitoringClusterRole).SetArgDisplayNames("ClusterRole");
        yield return new TestCaseData(typeof(ControllerRevision), WorkloadManifests.WebControllerRevision).SetArgDisplayNames("ControllerRevision");
    }

    [TestCaseSource(nameof(Manifests))]
    public void RoundTrip_KubectlOutput_SerializesToTheSameJson(Type type, string json)
    {
        var obj = (KubernetesObject)JsonSerializer.Deserialize(json, type, KubernetesJson.Options)!;

        var written = KubernetesJson.SerializeToUtf8Bytes(obj);

        var expected = JsonNode.Parse(json);
        var actual = JsonNode.Parse(written);
        Assert.That(JsonNode.DeepEquals(expected, actual), Is.True, $"Expected:\n{expected}\nActual:\n{actual}");
    }

    [TestCaseSource(nameof(Manifests))]
    public void ApplyDefaults_KubectlOutput_ChangesNothing(Type type, string json)
    {
        var obj = (KubernetesObject)JsonSerializer.Deserialize(json, type, KubernetesJson.Options)!;

        var defaulted = Orchestrator.Api.Defaulting.ObjectDefaulter.ApplyDefaults(obj);

        Assert.That(defaulted, Is.SameAs(obj), "objects read from a cluster are already defaulted");
    }

    [Test]
    public void Deserialize_NginxDeployment_ReadsTypedFields()
    {
        var deployment = KubernetesJson.Deserialize<Deployment>(WorkloadManifests.NginxDeployment);

        Assert.Multiple(() =>
        {
            Assert.That(deployment.Spec.Replicas, Is.EqualTo(3));
            Assert.That(deployment.Spec.Selector!.MatchLabels["app"], Is.EqualTo("nginx"));
            Assert.That(deployment.Spec.Strategy.RollingUpdate!.MaxSurge, Is.EqualTo((IntOrString)"25%"));
            Assert.That(deployment.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("nginx:1.14.2"));
            Assert.That(deployment.Status!.GetCondition(DeploymentConditionType.Available)!.Reason, Is.EqualTo("MinimumReplicasAvailable"));
            Assert.That(deployment.Status.UnavailableReplicas, Is.Zero);
        });
    }

    [Test]
    public void Deserialize_IntegerMaxSurge_KeepsTheNumberAndWritesItBack()
    {
        var json = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
             "spec":{"selector":{"matchLabels":{"a":"b"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"0%"}},
                     "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}
            """;

        var deployment = KubernetesJson.Deserialize<Deployment>(json);
        var rollingUpdate = deployment.Spec.Strategy.RollingUpdate!;
        var written = JsonNode.Parse(KubernetesJson.Serialize(deployment))!["spec"]!["strategy"]!["rollingUpdate"]!;

        Assert.Multiple(() =>
        {
            Assert.That(rollingUpdate.MaxSurge.IsInt, Is.True);
            Assert.That(rollingUpdate.MaxSurge.IntValue, Is.EqualTo(1));
            Assert.That(rollingUpdate.MaxUnavailable.StringValue, Is.EqualTo("0%"));
            Assert.That(written["maxSurge"]!.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
            Assert.That(written["maxUnavailable"]!.GetValue<string>(), Is.EqualTo("0%"));
        });
    }

    [Test]
    public void Serialize_MinimalDeployment_WritesKubernetesDefaultsAndOmitsZeroOptionalFields()
    {
        var deployment = new Deployment { Metadata = new ObjectMeta { Name = "web" } };

        var spec = JsonNode.Parse(KubernetesJson.Serialize(deployment))!["spec"]!.AsObject();

        Assert.Multiple(() =>
        {
            Assert.That(spec["replicas"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(spec["revisionHistoryLimit"]!.GetValue<int>(), Is.EqualTo(10));
            Assert.That(spec["progressDeadlineSeconds"]!.GetValue<int>(), Is.EqualTo(600));
            Assert.That(spec["strategy"]!["type"]!.GetValue<string>(), Is.EqualTo("RollingUpdate"));
            Assert.That(spec.ContainsKey("minReadySeconds"), Is.False, "omitempty int");
            Assert.That(spec.ContainsKey("paused"), Is.False, "omitempty bool");
            Assert.That(spec.ContainsKey("selector"), Is.False, "unset selector");
        });
    }

    [Test]
    public void Serialize_JobTemplateOfCronJob_LeavesJobSpecDefaultsUnset()
    {
        var cronJob = new CronJob { Spec = new CronJobSpec { Schedule = "@hourly" } };

        var jobSpec = JsonNode.Parse(KubernetesJson.Serialize(cronJob))!["spec"]!["jobTemplate"]!["spec"]!.AsObject();

        Assert.That(jobSpec.Select(p => p.Key), Is.EquivalentTo(new[] { "template" }));
    }

    [Test]
    public void Deserialize_UnknownWorkloadField_IsRejected()
    {
        var json = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replica":3}}""";

        Assert.That(() => KubernetesJson.Deserialize<Deployment>(json), Throws.InstanceOf<JsonException>());
    }
}
