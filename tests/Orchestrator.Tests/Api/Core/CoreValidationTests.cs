using Orchestrator.Api;
using Orchestrator.Api.Validation;

namespace Orchestrator.Tests.Api.Core;

public class CoreValidationTests
{
    private static readonly ObjectMeta Meta = new() { Name = "web", Namespace = "default" };

    private static Container ValidContainer => new()
    {
        Name = "web",
        Image = "nginx:1.27",
        Ports = [new ContainerPort { Name = "http", Port = 80 }],
        VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }],
        ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/", Port = "http" } },
        Resources = new ResourceRequirements
        {
            Requests = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("100m") },
            Limits = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("1") },
        },
        Env = [new EnvVar { Name = "MODE", Value = "prod" }],
    };

    private static PodSpec ValidSpec => new()
    {
        Containers = [ValidContainer],
        Volumes = [new Volume { Name = "data", EmptyDir = new EmptyDirVolumeSource() }],
    };

    private static Pod PodWith(Func<PodSpec, PodSpec> change) => new() { Metadata = Meta, Spec = change(ValidSpec) };

    private static Pod PodWithContainer(Func<Container, Container> change) =>
        PodWith(s => s with { Containers = [change(ValidContainer)] });

    private static Service ServiceWith(ServiceSpec spec) => new() { Metadata = Meta, Spec = spec };

    private static IEnumerable<TestCaseData> InvalidObjects()
    {
        TestCaseData Case(string name, KubernetesObject obj, string field, string reason) =>
            new TestCaseData(obj, field, reason).SetName("Validate_" + name + "_Rejected");

        // Pods
        yield return Case("PodWithoutContainers", PodWith(s => s with { Containers = [] }), "spec.containers", "Required value");
        yield return Case("ContainerNameNotDns1123", PodWithContainer(c => c with { Name = "Web_1" }), "spec.containers[0].name", "Invalid value: \"Web_1\": a lowercase RFC 1123 label");
        yield return Case("DuplicateContainerName", PodWith(s => s with { Containers = [ValidContainer, ValidContainer with { Ports = [] }] }), "spec.containers[1].name", "Duplicate value: \"web\"");
        yield return Case("InitAndAppContainerSameName", PodWith(s => s with { InitContainers = [new Container { Name = "web", Image = "busybox" }] }), "spec.containers[0].name", "Duplicate value: \"web\"");
        yield return Case("ContainerWithoutImage", PodWithContainer(c => c with { Image = "" }), "spec.containers[0].image", "Required value");
        yield return Case("ContainerPortZero", PodWithContainer(c => c with { Ports = [new ContainerPort { Port = 0 }] }), "spec.containers[0].ports[0].containerPort", "Required value");
        yield return Case("ContainerPortTooLarge", PodWithContainer(c => c with { Ports = [new ContainerPort { Port = 70000 }] }), "spec.containers[0].ports[0].containerPort", "Invalid value: 70000: must be between 1 and 65535, inclusive");
        yield return Case("HostPortTooLarge", PodWithContainer(c => c with { Ports = [new ContainerPort { Port = 80, HostPort = 65536 }] }), "spec.containers[0].ports[0].hostPort", "Invalid value: 65536");
        yield return Case("PortProtocolUnsupported", PodWithContainer(c => c with { Ports = [new ContainerPort { Port = 80, Protocol = "HTTP" }] }), "spec.containers[0].ports[0].protocol", "Unsupported value: \"HTTP\": supported values: \"TCP\", \"UDP\", \"SCTP\"");
        yield return Case("DuplicatePortName", PodWithContainer(c => c with { Ports = [new ContainerPort { Name = "http", Port = 80 }, new ContainerPort { Name = "http", Port = 81 }] }), "spec.containers[0].ports[1].name", "Duplicate value: \"http\"");
        yield return Case("PortNameTooLong", PodWithContainer(c => c with { Ports = [new ContainerPort { Name = "a-very-long-port-name", Port = 80 }] }), "spec.containers[0].ports[0].name", "Invalid value: \"a-very-long-port-name\": must be no more than 15 characters");
        yield return Case("VolumeMountOfMissingVolume", PodWith(s => s with { Volumes = [] }), "spec.containers[0].volumeMounts[0].name", "Not found: \"data\"");
        yield return Case("DuplicateVolumeName", PodWith(s => s with { Volumes = [.. s.Volumes, .. s.Volumes] }), "spec.volumes[1].name", "Duplicate value: \"data\"");
        yield return Case("VolumeWithoutSource", PodWith(s => s with { Volumes = [new Volume { Name = "data" }] }), "spec.volumes[0]", "Required value: must specify a volume type");
        yield return Case("VolumeWithTwoSources", PodWith(s => s with { Volumes = [new Volume { Name = "data", EmptyDir = new(), HostPath = new HostPathVolumeSource { Path = "/x" } }] }), "spec.volumes[0]", "Forbidden: may not specify more than 1 volume type");
        yield return Case("ConfigMapVolumeWithoutName", PodWith(s => s with { Volumes = [new Volume { Name = "data", ConfigMap = new ConfigMapVolumeSource() }] }), "spec.volumes[0].configMap.name", "Required value");
        yield return Case("DuplicateMountPath", PodWithContainer(c => c with { VolumeMounts = [.. c.VolumeMounts, .. c.VolumeMounts] }), "spec.containers[0].volumeMounts[1].mountPath", "Invalid value: \"/data\": must be unique");
        yield return Case("RestartPolicyUnsupported", PodWith(s => s with { RestartPolicy = "Sometimes" }), "spec.restartPolicy", "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
        yield return Case("DnsPolicyUnsupported", PodWith(s => s with { DnsPolicy = "Cluster" }), "spec.dnsPolicy", "Unsupported value: \"Cluster\"");
        yield return Case("ProbeWithoutHandler", PodWithContainer(c => c with { LivenessProbe = new Probe() }), "spec.containers[0].livenessProbe", "Required value: must specify a handler type");
        yield return Case("ProbeWithTwoHandlers", PodWithContainer(c => c with { LivenessProbe = new Probe { Exec = new ExecAction { Command = ["true"] }, TcpSocket = new TcpSocketAction { Port = 80 } } }), "spec.containers[0].livenessProbe", "Forbidden: may not specify more than 1 handler type");
        yield return Case("LivenessSuccessThresholdNotOne", PodWithContainer(c => c with { LivenessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = 80 }, SuccessThreshold = 2 } }), "spec.containers[0].livenessProbe.successThreshold", "Invalid value: 2: must be 1");
        yield return Case("ProbePortOutOfRange", PodWithContainer(c => c with { ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Port = 0 } } }), "spec.containers[0].readinessProbe.httpGet.port", "Invalid value: 0");
        yield return Case("InitContainerWithProbe", PodWith(s => s with { InitContainers = [new Container { Name = "init", Image = "busybox", ReadinessProbe = new Probe { Exec = new ExecAction { Command = ["true"] } } }] }), "spec.initContainers[0].readinessProbe", "Forbidden");
        yield return Case("RequestAboveLimit", PodWithContainer(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("2") }, Limits = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("1") } } }), "spec.containers[0].resources.requests", "Invalid value: \"2\": must be less than or equal to cpu limit of 1");
        yield return Case("EnvNameStartsWithDigit", PodWithContainer(c => c with { Env = [new EnvVar { Name = "1MODE", Value = "x" }] }), "spec.containers[0].env[0].name", "Invalid value: \"1MODE\": a valid environment variable name");
        yield return Case("EnvValueAndValueFrom", PodWithContainer(c => c with { Env = [new EnvVar { Name = "A", Value = "x", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } } }] }), "spec.containers[0].env[0].valueFrom", "Invalid value: \"\": may not be specified when `value` is not empty");
        yield return Case("EnvFieldRefUnsupported", PodWithContainer(c => c with { Env = [new EnvVar { Name = "A", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "spec.containers" } } }] }), "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath", "Unsupported value: \"spec.containers\"");
        yield return Case("ImagePullPolicyUnsupported", PodWithContainer(c => c with { ImagePullPolicy = "Sometimes" }), "spec.containers[0].imagePullPolicy", "Unsupported value");
        yield return Case("TolerationExistsWithValue", PodWith(s => s with { Tolerations = [new Toleration { Key = "k", Operator = "Exists", Value = "v" }] }), "spec.tolerations[0].operator", "Invalid value: \"Exists\": value must be empty when `operator` is 'Exists'");
        yield return Case("TolerationEmptyKeyEqual", PodWith(s => s with { Tolerations = [new Toleration { Operator = "Equal", Value = "v" }] }), "spec.tolerations[0].operator", "Invalid value: \"Equal\": operator must be Exists when `key` is empty");
        yield return Case("TolerationEffectUnsupported", PodWith(s => s with { Tolerations = [new Toleration { Key = "k", Operator = "Exists", Effect = "NoRun" }] }), "spec.tolerations[0].effect", "Unsupported value: \"NoRun\"");
        yield return Case("NodeSelectorBadValue", PodWith(s => s with { NodeSelector = new Dictionary<string, string> { ["zone"] = "a b" } }), "spec.nodeSelector", "Invalid value: \"a b\"");
        yield return Case("NodeAffinityWithoutTerms", PodWith(s => s with { Affinity = new Affinity { NodeAffinity = new NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector() } } }), "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", "Required value");
        yield return Case("PodAffinityWithoutTopologyKey", PodWith(s => s with { Affinity = new Affinity { PodAffinity = new PodAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [new PodAffinityTerm()] } } }), "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "Required value: can not be empty");
        yield return Case("PreferredWeightOutOfRange", PodWith(s => s with { Affinity = new Affinity { PodAntiAffinity = new PodAntiAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new WeightedPodAffinityTerm { Weight = 101, PodAffinityTerm = new PodAffinityTerm { TopologyKey = "zone" } }] } } }), "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", "Invalid value: 101: must be in the range 1-100");
        yield return Case("ActiveDeadlineZero", PodWith(s => s with { ActiveDeadlineSeconds = 0 }), "spec.activeDeadlineSeconds", "Invalid value: 0");
        yield return Case("NegativeGracePeriod", PodWith(s => s with { TerminationGracePeriodSeconds = -1 }), "spec.terminationGracePeriodSeconds", "Invalid value: -1: must be greater than or equal to 0");

        // Services
        var http = new ServicePort { Name = "http", Port = 80 };
        yield return Case("ServicePortOutOfRange", ServiceWith(new ServiceSpec { Ports = [http with { Port = 0 }] }), "spec.ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive");
        yield return Case("ServiceWithoutPorts", ServiceWith(new ServiceSpec()), "spec.ports", "Required value");
        yield return Case("ServicePortNameMissingWithTwoPorts", ServiceWith(new ServiceSpec { Ports = [http, new ServicePort { Port = 81 }] }), "spec.ports[1].name", "Required value");
        yield return Case("ServicePortNameDuplicate", ServiceWith(new ServiceSpec { Ports = [http, http with { Port = 81 }] }), "spec.ports[1].name", "Duplicate value: \"http\"");
        yield return Case("ServicePortProtocolUnsupported", ServiceWith(new ServiceSpec { Ports = [http with { Protocol = "ICMP" }] }), "spec.ports[0].protocol", "Unsupported value: \"ICMP\"");
        yield return Case("ServiceTargetPortNameInvalid", ServiceWith(new ServiceSpec { Ports = [http with { TargetPort = "Not_Valid" }] }), "spec.ports[0].targetPort", "Invalid value: \"Not_Valid\"");
        yield return Case("NodePortNotAPort", ServiceWith(new ServiceSpec { Type = ServiceType.NodePort, Ports = [http with { NodePort = 70000 }] }), "spec.ports[0].nodePort", "Invalid value: 70000: must be between 1 and 65535, inclusive");
        yield return Case("NodePortOnClusterIP", ServiceWith(new ServiceSpec { Ports = [http with { NodePort = 30080 }] }), "spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'");
        yield return Case("ServiceTypeUnsupported", ServiceWith(new ServiceSpec { Type = "Ingress", Ports = [http] }), "spec.type", "Unsupported value: \"Ingress\"");
        yield return Case("ServiceSelectorBadKey", ServiceWith(new ServiceSpec { Ports = [http], Selector = new Dictionary<string, string> { ["bad key"] = "x" } }), "spec.selector", "Invalid value: \"bad key\"");
        yield return Case("ExternalNameMissing", ServiceWith(new ServiceSpec { Type = ServiceType.ExternalName }), "spec.externalName", "Required value");
        yield return Case("SessionAffinityUnsupported", ServiceWith(new ServiceSpec { Ports = [http], SessionAffinity = "Cookie" }), "spec.sessionAffinity", "Unsupported value: \"Cookie\"");
        yield return Case("ClusterIPNotAnAddress", ServiceWith(new ServiceSpec { Ports = [http], ClusterIP = "10.0.0" }), "spec.clusterIP", "Invalid value: \"10.0.0\"");

        // ConfigMaps, Secrets
        yield return Case("ConfigMapKeyWithSlash", new ConfigMap { Metadata = Meta, Data = new Dictionary<string, string> { ["a/b"] = "x" } }, "data", "Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters");
        yield return Case("ConfigMapKeyDotDot", new ConfigMap { Metadata = Meta, Data = new Dictionary<string, string> { [".."] = "x" } }, "data", "Invalid value: \"..\": must not be '..'");
        yield return Case("ConfigMapKeyInDataAndBinaryData", new ConfigMap { Metadata = Meta, Data = new Dictionary<string, string> { ["k"] = "x" }, BinaryData = new Dictionary<string, byte[]> { ["k"] = [1] } }, "data", "Invalid value: \"k\": duplicate of key present in binaryData");
        yield return Case("SecretKeyWithSpace", new Secret { Metadata = Meta, Data = new Dictionary<string, byte[]> { ["my key"] = [1] } }, "data", "Invalid value: \"my key\"");
        yield return Case("TlsSecretWithoutKey", new Secret { Metadata = Meta, Type = SecretType.Tls, Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1] } }, "data[tls.key]", "Required value");

        // Replication controllers
        var template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } }, Spec = ValidSpec };
        var selector = new Dictionary<string, string> { ["app"] = "api" };
        yield return Case("RcSelectorNotMatchingTemplate", new ReplicationController { Metadata = Meta, Spec = new ReplicationControllerSpec { Selector = selector, Template = template } }, "spec.template.metadata.labels", "Invalid value: \"{app: web}\": `selector` does not match template `labels`");
        yield return Case("RcTemplateContainerWithoutImage", new ReplicationController { Metadata = Meta, Spec = new ReplicationControllerSpec { Selector = template.Metadata.Labels, Template = template with { Spec = ValidSpec with { Containers = [ValidContainer with { Image = "" }] } } } }, "spec.template.spec.containers[0].image", "Required value");
        yield return Case("RcTemplateRestartNever", new ReplicationController { Metadata = Meta, Spec = new ReplicationControllerSpec { Selector = template.Metadata.Labels, Template = template with { Spec = ValidSpec with { RestartPolicy = RestartPolicy.Never } } } }, "spec.template.spec.restartPolicy", "Unsupported value: \"Never\": supported values: \"Always\"");
        yield return Case("RcNegativeReplicas", new ReplicationController { Metadata = Meta, Spec = new ReplicationControllerSpec { Replicas = -1, Selector = template.Metadata.Labels, Template = template } }, "spec.replicas", "Invalid value: -1");

        // Storage, nodes, events
        yield return Case("PvcWithoutStorageRequest", new PersistentVolumeClaim { Metadata = Meta, Spec = new PersistentVolumeClaimSpec { AccessModes = [PersistentVolumeAccessMode.ReadWriteOnce] } }, "spec.resources[storage]", "Required value");
        yield return Case("PvcWithoutAccessModes", new PersistentVolumeClaim { Metadata = Meta, Spec = new PersistentVolumeClaimSpec { Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, Quantity> { ["storage"] = Quantity.Parse("1Gi") } } } }, "spec.accessModes", "Required value: at least 1 access mode is required");
        yield return Case("PvWithoutVolumeType", new PersistentVolume { Metadata = new ObjectMeta { Name = "pv" }, Spec = new PersistentVolumeSpec { AccessModes = ["ReadWriteOnce"], Capacity = new Dictionary<string, Quantity> { ["storage"] = Quantity.Parse("1Gi") } } }, "spec", "Required value: must specify a volume type");
        yield return Case("NodeTaintEffectUnsupported", new Node { Metadata = new ObjectMeta { Name = "n1" }, Spec = new NodeSpec { Taints = [new Taint { Key = "k", Effect = "Evict" }] } }, "spec.taints[0].effect", "Unsupported value: \"Evict\"");
        yield return Case("EndpointsAddressNotAnIP", new Endpoints { Metadata = Meta, Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "pod-a" }], Ports = [new EndpointPort { Port = 80 }] }] }, "subsets[0].addresses[0].ip", "Invalid value: \"pod-a\": must be a valid IP address");
        yield return Case("EndpointsUnnamedPorts", new Endpoints { Metadata = Meta, Subsets = [new EndpointSubset { Ports = [new EndpointPort { Name = "a", Port = 80 }, new EndpointPort { Port = 81 }] }] }, "subsets[0].ports[1].name", "Required value");
        yield return Case("EventNamespaceMismatch", new Event { Metadata = Meta, InvolvedObject = new ObjectReference { Kind = "Pod", Name = "p", Namespace = "other" } }, "involvedObject.namespace", "Invalid value: \"other\": does not match event.namespace");
    }

    [TestCaseSource(nameof(InvalidObjects))]
    public void Validate_InvalidObject_ReportsFieldAndReason(KubernetesObject obj, string field, string reason)
    {
        var errors = ObjectValidator.Validate(obj);

        Assert.That(errors.Select(e => e.ToString()), Has.Some.StartsWith($"{field}: {reason}"), string.Join("\n", errors));
    }

    private static IEnumerable<TestCaseData> ValidObjects()
    {
        yield return new TestCaseData(new Pod { Metadata = Meta, Spec = ValidSpec }).SetName("Validate_ValidPod_NoErrors");
        yield return new TestCaseData(new Pod
        {
            Metadata = Meta,
            Spec = ValidSpec with
            {
                InitContainers = [new Container { Name = "sidecar", Image = "envoy:1", RestartPolicy = RestartPolicy.Always, ReadinessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = 9901 } } }],
                Tolerations = [new Toleration { Operator = "Exists" }, new Toleration { Key = "k", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 300 }],
                Affinity = new Affinity
                {
                    NodeAffinity = new NodeAffinity
                    {
                        RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
                        {
                            NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = "cores", Operator = "Gt", Values = ["2"] }] }],
                        },
                    },
                },
            },
        }).SetName("Validate_PodWithSidecarTolerationsAndAffinity_NoErrors");
        yield return new TestCaseData(new Service
        {
            Metadata = Meta,
            Spec = new ServiceSpec
            {
                Type = ServiceType.NodePort,
                Selector = new Dictionary<string, string> { ["app"] = "web" },
                Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = "http", NodePort = 30080 }, new ServicePort { Name = "dns", Port = 53, Protocol = "UDP" }],
            },
        }).SetName("Validate_NodePortService_NoErrors");
        yield return new TestCaseData(new Service { Metadata = Meta, Spec = new ServiceSpec { ClusterIP = "None" } }).SetName("Validate_HeadlessServiceWithoutPorts_NoErrors");
        yield return new TestCaseData(new ConfigMap { Metadata = Meta, Data = new Dictionary<string, string> { ["app.properties"] = "a=1\nb=2\n", ["KEY_1"] = "x" } }).SetName("Validate_ConfigMap_NoErrors");
        yield return new TestCaseData(new ReplicationController
        {
            Metadata = Meta,
            Spec = new ReplicationControllerSpec
            {
                Selector = new Dictionary<string, string> { ["app"] = "web" },
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" } }, Spec = ValidSpec },
            },
        }).SetName("Validate_ReplicationController_NoErrors");
        yield return new TestCaseData(new PersistentVolume
        {
            Metadata = new ObjectMeta { Name = "pv1" },
            Spec = new PersistentVolumeSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Capacity = new Dictionary<string, Quantity> { ["storage"] = Quantity.Parse("1Gi") },
                HostPath = new HostPathVolumeSource { Path = "/tmp/pv1" },
            },
        }).SetName("Validate_HostPathPersistentVolume_NoErrors");
        yield return new TestCaseData(new Endpoints
        {
            Metadata = Meta,
            Subsets =
            [
                new EndpointSubset
                {
                    Addresses = [new EndpointAddress { Ip = "10.0.0.5", NodeName = "n1", TargetRef = new ObjectReference { Kind = "Pod", Name = "web-1", Namespace = "default" } }],
                    NotReadyAddresses = [new EndpointAddress { Ip = "fd00::6" }],
                    Ports = [new EndpointPort { Name = "http", Port = 8080 }, new EndpointPort { Name = "dns", Port = 53, Protocol = "UDP" }],
                },
            ],
        }).SetName("Validate_Endpoints_NoErrors");
        yield return new TestCaseData(new Node
        {
            Metadata = new ObjectMeta { Name = "node-1" },
            Spec = new NodeSpec { Taints = [new Taint { Key = "node.kubernetes.io/not-ready", Effect = TaintEffect.NoExecute }, new Taint { Key = "node.kubernetes.io/not-ready", Effect = TaintEffect.NoSchedule }] },
        }).SetName("Validate_NodeWithSameTaintKeyTwoEffects_NoErrors");
    }

    [TestCaseSource(nameof(ValidObjects))]
    public void Validate_ValidObject_NoErrors(KubernetesObject obj)
    {
        Assert.That(ObjectValidator.Validate(obj), Is.Empty);
    }

    [Test]
    public void ValidatePodTemplate_InvalidSpec_PrefixesPaths()
    {
        var errors = new ValidationErrors();
        var template = new PodTemplateSpec { Spec = ValidSpec with { Containers = [ValidContainer with { Image = "" }] } };

        CoreValidation.ValidatePodTemplate(template, "spec.template", errors);

        Assert.That(errors.Errors.Select(e => e.Field), Is.EqualTo(new[] { "spec.template.spec.containers[0].image" }));
    }
}
