using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api;

namespace Orchestrator.Tests.Api.Core;

public class CoreJsonTests
{
    private const string NginxPod = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": { "name": "nginx", "namespace": "web", "labels": { "app": "nginx" } },
          "spec": {
            "containers": [
              {
                "name": "nginx",
                "image": "nginx:1.27",
                "args": ["-g", "daemon off;"],
                "ports": [ { "name": "http", "containerPort": 80, "protocol": "TCP" } ],
                "env": [
                  { "name": "MODE", "value": "prod" },
                  { "name": "POD_IP", "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": "status.podIP" } } },
                  { "name": "PASSWORD", "valueFrom": { "secretKeyRef": { "name": "db", "key": "password", "optional": true } } }
                ],
                "envFrom": [ { "prefix": "CFG_", "configMapRef": { "name": "settings" } } ],
                "resources": {
                  "limits": { "cpu": "500m", "memory": "128Mi" },
                  "requests": { "cpu": "250m", "memory": "64Mi" }
                },
                "volumeMounts": [ { "name": "html", "mountPath": "/usr/share/nginx/html", "readOnly": true } ],
                "livenessProbe": {
                  "httpGet": { "path": "/healthz", "port": "http", "httpHeaders": [ { "name": "X-Probe", "value": "1" } ] },
                  "initialDelaySeconds": 5,
                  "periodSeconds": 15
                },
                "readinessProbe": { "tcpSocket": { "port": 80 }, "timeoutSeconds": 2 },
                "lifecycle": { "preStop": { "exec": { "command": ["nginx", "-s", "quit"] } } },
                "securityContext": { "runAsNonRoot": true, "capabilities": { "drop": ["ALL"] } }
              }
            ],
            "volumes": [
              { "name": "html", "configMap": { "name": "site", "items": [ { "key": "index.html", "path": "index.html" } ], "defaultMode": 420 } },
              { "name": "cache", "emptyDir": { "medium": "Memory", "sizeLimit": "64Mi" } }
            ],
            "nodeSelector": { "kubernetes.io/os": "linux" },
            "tolerations": [ { "key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule" } ],
            "affinity": {
              "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                  "nodeSelectorTerms": [ { "matchExpressions": [ { "key": "zone", "operator": "In", "values": ["a", "b"] } ] } ]
                }
              },
              "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                  { "weight": 100, "podAffinityTerm": { "labelSelector": { "matchLabels": { "app": "nginx" } }, "topologyKey": "kubernetes.io/hostname" } }
                ]
              }
            }
          },
          "status": {
            "phase": "Running",
            "conditions": [ { "type": "Ready", "status": "True", "lastTransitionTime": "2024-05-01T12:00:00Z" } ],
            "podIP": "10.0.0.5",
            "podIPs": [ { "ip": "10.0.0.5" } ],
            "containerStatuses": [
              {
                "name": "nginx", "ready": true, "started": true, "restartCount": 1, "image": "nginx:1.27", "imageID": "sha256:abc",
                "state": { "running": { "startedAt": "2024-05-01T12:00:00Z" } },
                "lastState": { "terminated": { "exitCode": 137, "reason": "OOMKilled", "finishedAt": "2024-05-01T11:59:00Z" } }
              }
            ]
          }
        }
        """;

    private const string WebService = """
        {
          "apiVersion": "v1",
          "kind": "Service",
          "metadata": { "name": "web", "namespace": "web" },
          "spec": {
            "type": "NodePort",
            "selector": { "app": "nginx" },
            "ports": [
              { "name": "http", "protocol": "TCP", "port": 80, "targetPort": "http", "nodePort": 30080 },
              { "name": "metrics", "protocol": "TCP", "port": 9090, "targetPort": 9090 }
            ],
            "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": { "clientIP": { "timeoutSeconds": 600 } }
          }
        }
        """;

    private const string MultiLineConfigMap = """
        {
          "apiVersion": "v1",
          "kind": "ConfigMap",
          "metadata": { "name": "settings", "namespace": "web" },
          "data": {
            "nginx.conf": "server {\n  listen 80;\n  location / { root /usr/share/nginx/html; }\n}\n",
            "MODE": "prod"
          },
          "binaryData": { "logo.png": "iVBORw0KGgo=" }
        }
        """;

    private const string Base64Secret = """
        {
          "apiVersion": "v1",
          "kind": "Secret",
          "metadata": { "name": "db", "namespace": "web" },
          "type": "kubernetes.io/basic-auth",
          "data": { "username": "YWRtaW4=", "password": "czNjcjN0" }
        }
        """;

    private static IEnumerable<TestCaseData> Manifests()
    {
        yield return new TestCaseData(typeof(Pod), NginxPod).SetName("RoundTrip_NginxPodWithProbesAndResources");
        yield return new TestCaseData(typeof(Service), WebService).SetName("RoundTrip_ServiceWithNamedTargetPort");
        yield return new TestCaseData(typeof(ConfigMap), MultiLineConfigMap).SetName("RoundTrip_ConfigMapWithMultiLineValue");
        yield return new TestCaseData(typeof(Secret), Base64Secret).SetName("RoundTrip_SecretWithBase64Data");
    }

    [TestCaseSource(nameof(Manifests))]
    public void Serialize_DeserializedManifest_KeepsEveryFieldAndIsStable(Type type, string json)
    {
        var obj = JsonSerializer.Deserialize(json, type, KubernetesJson.Options)!;
        var written = JsonSerializer.Serialize(obj, type, KubernetesJson.Options);

        var missing = FindMissing(JsonNode.Parse(json), JsonNode.Parse(written), "");
        Assert.That(missing, Is.Empty, $"written JSON: {written}");

        var again = JsonSerializer.Serialize(JsonSerializer.Deserialize(written, type, KubernetesJson.Options), type, KubernetesJson.Options);
        Assert.That(again, Is.EqualTo(written));
    }

    [Test]
    public void Deserialize_NginxPod_MapsKubernetesFieldNames()
    {
        var pod = KubernetesJson.Deserialize<Pod>(NginxPod);

        var container = pod.Spec.Containers[0];
        Assert.Multiple(() =>
        {
            Assert.That(container.Ports[0].Port, Is.EqualTo(80));
            Assert.That(container.GetLimit("memory"), Is.EqualTo(Quantity.Parse("128Mi")));
            Assert.That(container.GetRequest("cpu"), Is.EqualTo(Quantity.Parse("250m")));
            Assert.That(container.GetRequest("ephemeral-storage"), Is.Null);
            Assert.That(container.LivenessProbe!.HttpGet!.Port, Is.EqualTo(IntOrString.FromString("http")));
            Assert.That(container.LivenessProbe.TimeoutSeconds, Is.EqualTo(1), "default");
            Assert.That(container.LivenessProbe.FailureThreshold, Is.EqualTo(3), "default");
            Assert.That(container.ReadinessProbe!.TcpSocket!.Port, Is.EqualTo(IntOrString.FromInt(80)));
            Assert.That(container.Env[1].ValueFrom!.FieldRef!.FieldPath, Is.EqualTo("status.podIP"));
            Assert.That(pod.Spec.Volumes[1].EmptyDir!.SizeLimit, Is.EqualTo(Quantity.Parse("64Mi")));
            Assert.That(pod.Status!.ContainerStatuses[0].LastState!.Terminated!.ExitCode, Is.EqualTo(137));
            Assert.That(pod.Status.StartTime, Is.Null);
            Assert.That(pod.IsReady(), Is.True);
        });
    }

    [Test]
    public void Deserialize_MinimalPod_HasStaticApiServerDefaults()
    {
        var pod = KubernetesJson.Deserialize<Pod>("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"a","image":"busybox","ports":[{"containerPort":8080}]}]}}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(pod.Spec.RestartPolicy, Is.EqualTo("Always"));
            Assert.That(pod.Spec.DnsPolicy, Is.EqualTo("ClusterFirst"));
            Assert.That(pod.Spec.TerminationGracePeriodSeconds, Is.EqualTo(30));
            Assert.That(pod.Spec.SchedulerName, Is.EqualTo("default-scheduler"));
            Assert.That(pod.Spec.Containers[0].TerminationMessagePath, Is.EqualTo("/dev/termination-log"));
            Assert.That(pod.Spec.Containers[0].TerminationMessagePolicy, Is.EqualTo("File"));
            Assert.That(pod.Spec.Containers[0].Ports[0].Protocol, Is.EqualTo("TCP"));
        });
    }

    [Test]
    public void Serialize_NewPod_OmitsNullsEmptyCollectionsAndZeroOptionals()
    {
        var json = KubernetesJson.Serialize(new Pod { Spec = new PodSpec { Containers = [new Container { Name = "a", Image = "b" }] } });

        Assert.That(json, Does.Not.Contain("null"));
        Assert.That(json, Does.Not.Contain("[]"));
        Assert.That(json, Does.Not.Contain("hostNetwork"));
        Assert.That(json, Does.Not.Contain("stdin"));
        Assert.That(json, Does.Not.Contain("\"status\""));
        Assert.That(json, Does.Contain("\"restartPolicy\":\"Always\""));
    }

    [Test]
    public void Deserialize_UnknownContainerField_Throws()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"a","image":"b","imagePolicy":"Always"}]}}
            """;

        var ex = Assert.Throws<JsonException>(() => KubernetesJson.Deserialize<Pod>(json));
        Assert.That(ex!.Message, Does.Contain("imagePolicy"));
    }

    [Test]
    public void Deserialize_Secret_DecodesBase64()
    {
        var secret = KubernetesJson.Deserialize<Secret>(Base64Secret);

        Assert.That(secret.GetString("username"), Is.EqualTo("admin"));
        Assert.That(secret.GetString("password"), Is.EqualTo("s3cr3t"));
        Assert.That(secret.GetString("missing"), Is.Null);
    }

    [Test]
    public void Deserialize_NodeStatus_ReadsQuantitiesAndDaemonEndpointPort()
    {
        var node = KubernetesJson.Deserialize<Node>("""
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},
             "spec":{"taints":[{"key":"k","value":"v","effect":"NoExecute","timeAdded":"2024-05-01T12:00:00Z"}]},
             "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},
                       "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2024-05-01T12:00:00Z"}],
                       "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
                       "nodeInfo":{"kubeletVersion":"v1.30.0","operatingSystem":"linux","architecture":"amd64"}}}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(node.Status!.Capacity["memory"], Is.EqualTo(Quantity.Parse("8Gi")));
            Assert.That(node.Status.DaemonEndpoints!.KubeletEndpoint!.Port, Is.EqualTo(10250));
            Assert.That(node.Status.NodeInfo!.KubeletVersion, Is.EqualTo("v1.30.0"));
            Assert.That(node.Spec.Taints[0].Effect, Is.EqualTo(TaintEffect.NoExecute));
            Assert.That(node.IsReady(), Is.True);
        });
    }

    // Every value in `expected` must appear at the same place in `actual`; `actual` may have more (defaults).
    private static List<string> FindMissing(JsonNode? expected, JsonNode? actual, string path)
    {
        var missing = new List<string>();
        switch (expected)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (actual is JsonObject a && a.TryGetPropertyValue(key, out var av)) missing.AddRange(FindMissing(value, av, $"{path}.{key}"));
                    else missing.Add($"{path}.{key}");
                }
                break;
            case JsonArray array:
                if (actual is not JsonArray actualArray || actualArray.Count != array.Count)
                {
                    missing.Add(path);
                    break;
                }
                for (var i = 0; i < array.Count; i++) missing.AddRange(FindMissing(array[i], actualArray[i], $"{path}[{i}]"));
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual)) missing.Add($"{path} ({expected?.ToJsonString()} != {actual?.ToJsonString()})");
                break;
        }
        return missing;
    }
}
