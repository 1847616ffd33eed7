using System.Text;
using Orchestrator.Api;
using Orchestrator.Api.Defaulting;

namespace Orchestrator.Tests.Api.Core;

public class CoreDefaultsTests
{
    [TestCase("nginx", "Always")]
    [TestCase("nginx:latest", "Always")]
    [TestCase("nginx:1.27", "IfNotPresent")]
    [TestCase("registry.local:5000/team/nginx", "Always")]
    [TestCase("registry.local:5000/team/nginx:1.0", "IfNotPresent")]
    [TestCase("nginx@sha256:0123456789abcdef", "IfNotPresent")]
    [TestCase("nginx:latest@sha256:0123456789abcdef", "Always")]
    public void DefaultImagePullPolicy_Image_FollowsKubernetesRule(string image, string expected)
    {
        Assert.That(CoreDefaults.DefaultImagePullPolicy(image), Is.EqualTo(expected));
    }

    [Test]
    public void ApplyDefaults_Pod_SetsPullPolicyOfEveryContainerAndKeepsExplicitOnes()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
            Spec = new PodSpec
            {
                InitContainers = [new Container { Name = "init", Image = "busybox:1.36" }],
                Containers =
                [
                    new Container { Name = "a", Image = "nginx" },
                    new Container { Name = "b", Image = "nginx", ImagePullPolicy = PullPolicy.Never },
                ],
            },
        };

        var defaulted = ObjectDefaulter.ApplyDefaults(pod);

        Assert.That(defaulted.Spec.InitContainers[0].ImagePullPolicy, Is.EqualTo(PullPolicy.IfNotPresent));
        Assert.That(defaulted.Spec.Containers.Select(c => c.ImagePullPolicy), Is.EqualTo(new[] { PullPolicy.Always, PullPolicy.Never }));
    }

    [Test]
    public void ApplyDefaults_DefaultedPod_ReturnsSameInstance()
    {
        var pod = ObjectDefaulter.ApplyDefaults(new Pod { Spec = new PodSpec { Containers = [new Container { Name = "a", Image = "nginx" }] } });

        Assert.That(ObjectDefaulter.ApplyDefaults(pod), Is.SameAs(pod));
    }

    [Test]
    public void ApplyDefaults_PodWithLimitsOnly_RequestsLimitsButTemplateDoesNot()
    {
        var resources = new ResourceRequirements
        {
            Limits = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("1"), ["memory"] = Quantity.Parse("1Gi") },
            Requests = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("100m") },
        };
        var spec = new PodSpec { Containers = [new Container { Name = "a", Image = "x:1", Resources = resources }] };

        var pod = ObjectDefaulter.ApplyDefaults(new Pod { Spec = spec });
        var template = CoreDefaults.DefaultPodTemplate(new PodTemplateSpec { Spec = spec });

        Assert.Multiple(() =>
        {
            Assert.That(pod.Spec.Containers[0].GetRequest("memory"), Is.EqualTo(Quantity.Parse("1Gi")));
            Assert.That(pod.Spec.Containers[0].GetRequest("cpu"), Is.EqualTo(Quantity.Parse("100m")), "explicit request kept");
            Assert.That(pod.Spec.EnableServiceLinks, Is.True);
            Assert.That(template.Spec.Containers[0].GetRequest("memory"), Is.Null);
            Assert.That(ObjectDefaulter.ApplyDefaults(pod), Is.SameAs(pod));
        });
    }

    [Test]
    public void ApplyDefaults_PodWithDeprecatedServiceAccount_SetsServiceAccountName()
    {
        var pod = new Pod { Spec = new PodSpec { ServiceAccount = "builder", Containers = [new Container { Name = "a", Image = "x:1" }] } };

        Assert.That(ObjectDefaulter.ApplyDefaults(pod).Spec.ServiceAccountName, Is.EqualTo("builder"));
    }

    [Test]
    public void ApplyDefaults_ProbeWithExplicitZeros_GetsKubernetesDefaults()
    {
        var probe = new Probe { Exec = new ExecAction { Command = ["true"] }, TimeoutSeconds = 0, PeriodSeconds = 0, SuccessThreshold = 0, FailureThreshold = 5 };
        var pod = new Pod { Spec = new PodSpec { Containers = [new Container { Name = "a", Image = "x:1", LivenessProbe = probe }] } };

        var defaulted = ObjectDefaulter.ApplyDefaults(pod).Spec.Containers[0].LivenessProbe!;

        Assert.That((defaulted.TimeoutSeconds, defaulted.PeriodSeconds, defaulted.SuccessThreshold, defaulted.FailureThreshold),
            Is.EqualTo((1, 10, 1, 5)));
    }

    [Test]
    public void ApplyDefaults_HostNetworkPod_SetsHostPortToContainerPort()
    {
        var pod = new Pod
        {
            Spec = new PodSpec { HostNetwork = true, Containers = [new Container { Name = "a", Image = "x:1", Ports = [new ContainerPort { Port = 8080 }] }] },
        };

        Assert.That(ObjectDefaulter.ApplyDefaults(pod).Spec.Containers[0].Ports[0].HostPort, Is.EqualTo(8080));
    }

    [Test]
    public void ApplyDefaults_Service_SetsTargetPortAffinityTimeoutAndTrafficPolicies()
    {
        var service = new Service
        {
            Spec = new ServiceSpec
            {
                Type = ServiceType.NodePort,
                SessionAffinity = SessionAffinity.ClientIP,
                Ports = [new ServicePort { Name = "http", Port = 80 }, new ServicePort { Name = "api", Port = 81, TargetPort = "api" }],
            },
        };

        var spec = ObjectDefaulter.ApplyDefaults(service).Spec;

        Assert.Multiple(() =>
        {
            Assert.That(spec.Ports[0].TargetPort, Is.EqualTo(IntOrString.FromInt(80)));
            Assert.That(spec.Ports[1].TargetPort, Is.EqualTo(IntOrString.FromString("api")));
            Assert.That(spec.Ports[0].Protocol, Is.EqualTo(Protocol.Tcp));
            Assert.That(spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds, Is.EqualTo(10800));
            Assert.That(spec.ExternalTrafficPolicy, Is.EqualTo(ServiceTrafficPolicy.Cluster));
            Assert.That(spec.InternalTrafficPolicy, Is.EqualTo(ServiceTrafficPolicy.Cluster));
        });
    }

    [Test]
    public void ApplyDefaults_ClusterIPService_LeavesExternalTrafficPolicyUnsetAndAffinityNone()
    {
        var spec = ObjectDefaulter.ApplyDefaults(new Service { Spec = new ServiceSpec { Ports = [new ServicePort { Port = 80 }] } }).Spec;

        Assert.That(spec.ExternalTrafficPolicy, Is.Null);
        Assert.That(spec.SessionAffinity, Is.EqualTo(SessionAffinity.None));
        Assert.That(spec.SessionAffinityConfig, Is.Null);
    }

    [Test]
    public void ApplyDefaults_SecretWithStringData_MergesIntoDataAndClearsStringData()
    {
        var secret = new Secret
        {
            Data = new Dictionary<string, byte[]> { ["user"] = "old"u8.ToArray(), ["keep"] = "k"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["user"] = "admin", ["password"] = "pässword" },
        };

        var defaulted = ObjectDefaulter.ApplyDefaults(secret);

        Assert.Multiple(() =>
        {
            Assert.That(defaulted.StringData, Is.Empty);
            Assert.That(defaulted.GetString("user"), Is.EqualTo("admin"));
            Assert.That(defaulted.GetString("keep"), Is.EqualTo("k"));
            Assert.That(defaulted.Data["password"], Is.EqualTo(Encoding.UTF8.GetBytes("pässword")));
            Assert.That(defaulted.Type, Is.EqualTo(SecretType.Opaque));
            Assert.That(ObjectDefaulter.ApplyDefaults(defaulted), Is.SameAs(defaulted));
        });
    }

    [Test]
    public void ApplyDefaults_ReplicationController_CopiesTemplateLabelsAndDefaultsTemplate()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        var rc = new ReplicationController
        {
            Spec = new ReplicationControllerSpec
            {
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec { Containers = [new Container { Name = "a", Image = "nginx:latest" }] },
                },
            },
        };

        var defaulted = ObjectDefaulter.ApplyDefaults(rc);

        Assert.Multiple(() =>
        {
            Assert.That(defaulted.Spec.Replicas, Is.EqualTo(1));
            Assert.That(defaulted.Spec.Selector, Is.EqualTo(labels));
            Assert.That(defaulted.Metadata.Labels, Is.EqualTo(labels));
            Assert.That(defaulted.Spec.Template.Spec.Containers[0].ImagePullPolicy, Is.EqualTo(PullPolicy.Always));
            Assert.That(ObjectDefaulter.ApplyDefaults(defaulted), Is.SameAs(defaulted));
        });
    }

    [Test]
    public void ApplyDefaults_NodeWithCapacityOnly_AllocatableEqualsCapacity()
    {
        var capacity = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("2") };
        var node = new Node { Status = new NodeStatus { Capacity = capacity } };

        Assert.That(ObjectDefaulter.ApplyDefaults(node).Status!.Allocatable, Is.EqualTo(capacity));
    }

    [Test]
    public void ApplyDefaults_NamespaceAndClaims_GetInitialPhases()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ObjectDefaulter.ApplyDefaults(new Namespace()).Status!.Phase, Is.EqualTo(NamespacePhase.Active));
            Assert.That(ObjectDefaulter.ApplyDefaults(new PersistentVolume()).Status!.Phase, Is.EqualTo(PersistentVolumePhase.Pending));
            Assert.That(ObjectDefaulter.ApplyDefaults(new PersistentVolumeClaim()).Status!.Phase, Is.EqualTo(PersistentVolumeClaimPhase.Pending));
            Assert.That(new PersistentVolume().Spec.PersistentVolumeReclaimPolicy, Is.EqualTo(PersistentVolumeReclaimPolicy.Retain));
        });
    }
}
