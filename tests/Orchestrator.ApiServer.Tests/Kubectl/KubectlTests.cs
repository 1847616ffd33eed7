using Orchestrator.Api;
using Orchestrator.ApiServer.Tests.Testing;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Tests.Kubectl;

/// <summary>Drives one embedded cluster with the real kubectl (no extra flags) and asserts on its output and on the store.</summary>
[TestFixture]
[CancelAfter(120_000)]
[NonParallelizable]
public sealed class KubectlTests
{
    private ApiServerCluster _cluster = null!;

    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          labels: {app: web}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
              annotations:
                sim.orchestrator.io/logs: "hello from web\nsecond line"
            spec:
              containers:
              - name: web
                image: nginx:1.25
                ports:
                - containerPort: 80
                env:
                - name: MODE
                  value: prod
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          selector: {app: web}
          ports:
          - port: 80
            targetPort: 80
        """;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        KubectlRunner.Require();
        _cluster = await ApiServerCluster.StartAsync();
        var apply = await _cluster.Kubectl.RunAsync("apply", "-f", _cluster.WriteFile("app.yaml", Manifest));
        Assert.That(apply.ExitCode, Is.Zero, apply.ToString());
        await ApiServerCluster.UntilAsync(async () => (await ReadyReplicasAsync("shop", "web")) == 2, "shop/web has 2 ready replicas");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private async Task<int> ReadyReplicasAsync(string ns, string name) =>
        (await _cluster.Store.GetAsync<Deployment>(ns, name))?.Status?.ReadyReplicas ?? 0;

    [Test]
    public async Task Version_PrintsServerVersion()
    {
        var output = await _cluster.Kubectl.OkAsync("version");
        Assert.That(output, Does.Contain("Server Version: v1.32.0-orchestrator"));
    }

    [Test]
    public async Task ApiResources_ListsEveryKindWithShortNames()
    {
        var output = await _cluster.Kubectl.OkAsync("api-resources");
        Assert.That(output, Does.Match(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment"));
        Assert.That(output, Does.Match(@"nodes\s+no\s+v1\s+false\s+Node"));
        Assert.That(output, Does.Match(@"horizontalpodautoscalers\s+hpa\s+autoscaling/v2\s+true\s+HorizontalPodAutoscaler"));
        Assert.That(output, Does.Contain("clusterrolebindings"));
    }

    [Test]
    public async Task Apply_MultiDocument_CreatesEveryObject()
    {
        Assert.That(await _cluster.Store.GetAsync<Service>("shop", "web"), Is.Not.Null);
        var deployment = await _cluster.Store.GetAsync<Deployment>("shop", "web");
        Assert.That(deployment!.Metadata.Annotations, Does.ContainKey("kubectl.kubernetes.io/last-applied-configuration"));
        var output = await _cluster.Kubectl.OkAsync("get", "deployments", "-n", "shop");
        Assert.That(output, Does.Match(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE"));
        Assert.That(output, Does.Match(@"web\s+2/2\s+2\s+2\s+\d+s"));
    }

    [Test]
    public async Task Get_Pods_ShowsKubectlColumnsAndWideColumns()
    {
        var output = await _cluster.Kubectl.OkAsync("get", "pods", "-n", "shop");
        Assert.That(output, Does.Match(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE"));
        Assert.That(output, Does.Match(@"web-\S+\s+1/1\s+Running\s+0"));
        var wide = await _cluster.Kubectl.OkAsync("get", "pods", "-n", "shop", "-o", "wide");
        Assert.That(wide, Does.Match(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE"));
    }

    [Test]
    public async Task Get_ServicesAndNodes_ShowKubectlColumns()
    {
        var services = await _cluster.Kubectl.OkAsync("get", "svc", "-n", "shop");
        Assert.That(services, Does.Match(@"NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE"));
        Assert.That(services, Does.Match(@"web\s+ClusterIP\s+\S+\s+<none>\s+80/TCP"));
        var nodes = await _cluster.Kubectl.OkAsync("get", "nodes");
        Assert.That(nodes, Does.Match(@"NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION"));
        Assert.That(nodes, Does.Contain("Ready"));
    }

    [Test]
    public async Task Get_ServicesAndEndpointsTogether_ShowEachKindsColumns()
    {
        await _cluster.Kubectl.OkAsync("apply", "-f", _cluster.WriteFile("manual.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: manual, namespace: shop}
            spec:
              ports: [{port: 8080, protocol: TCP}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: manual, namespace: shop}
            subsets:
            - addresses: [{ip: 10.1.2.3}, {ip: 10.1.2.4}]
              ports: [{port: 8080}]
            """));

        var output = await _cluster.Kubectl.OkAsync("get", "svc,endpoints", "-n", "shop");

        Assert.That(output, Does.Match(@"NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE"));
        Assert.That(output, Does.Match(@"service/manual\s+ClusterIP\s+\S+\s+<none>\s+8080/TCP\s+\d+s"));
        Assert.That(output, Does.Match(@"NAME\s+ENDPOINTS\s+AGE"));
        Assert.That(output, Does.Match(@"endpoints/manual\s+10\.1\.2\.3:8080,10\.1\.2\.4:8080\s+\d+s"));
    }

    [Test]
    public async Task Get_OutputFormatsAndSelectors_MatchKubectl()
    {
        var yaml = await _cluster.Kubectl.OkAsync("get", "deployment", "web", "-n", "shop", "-o", "yaml");
        Assert.That(yaml, Does.Contain("kind: Deployment").And.Contain("name: web"));
        var json = await _cluster.Kubectl.OkAsync("get", "pods", "-n", "shop", "-o", "json");
        Assert.That(json, Does.Contain("\"kind\": \"List\"").And.Contain("\"kind\": \"Pod\""));
        var all = await _cluster.Kubectl.OkAsync("get", "pods", "-A", "-l", "app=web", "--field-selector", "status.phase=Running");
        Assert.That(all, Does.Match(@"NAMESPACE\s+NAME\s+READY"));
        Assert.That(all, Does.Match(@"shop\s+web-"));
        var none = await _cluster.Kubectl.RunAsync("get", "pods", "-n", "shop", "-l", "app=nothing");
        Assert.That(none.Stderr, Does.Contain("No resources found in shop namespace."));
    }

    [Test]
    public async Task Get_Missing_ReportsNotFound()
    {
        var result = await _cluster.Kubectl.RunAsync("get", "pod", "nope", "-n", "shop");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("Error from server (NotFound): pods \"nope\" not found"));
    }

    [Test]
    public async Task ApplyTwice_ChangedImage_RollsOutNewReplicaSet()
    {
        const string v1 = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: roll, namespace: default}
            spec:
              replicas: 2
              selector: {matchLabels: {app: roll}}
              template:
                metadata: {labels: {app: roll}}
                spec:
                  containers:
                  - {name: app, image: "app:1", env: [{name: A, value: "1"}]}
            """;
        await _cluster.Kubectl.OkAsync("apply", "-f", _cluster.WriteFile("roll.yaml", v1));
        var second = await _cluster.Kubectl.OkAsync("apply", "-f", _cluster.WriteFile("roll.yaml", v1.Replace("app:1", "app:2")));
        Assert.That(second, Does.Contain("deployment.apps/roll configured"));
        var status = await _cluster.Kubectl.OkAsync("rollout", "status", "deployment/roll", "--timeout=30s");
        Assert.That(status, Does.Contain("successfully rolled out"));
        var stored = await _cluster.Store.GetAsync<Deployment>("default", "roll");
        Assert.That(stored!.Spec.Template.Spec.Containers[0].Image, Is.EqualTo("app:2"));
        Assert.That(stored.Spec.Template.Spec.Containers[0].Env.Single().Name, Is.EqualTo("A"));

        var history = await _cluster.Kubectl.OkAsync("rollout", "history", "deployment/roll");
        Assert.That(history, Does.Match(@"1\s+<none>").And.Match(@"2\s+<none>"));
        Assert.That(await _cluster.Kubectl.OkAsync("rollout", "undo", "deployment/roll"), Does.Contain("rolled back"));
        await ApiServerCluster.UntilAsync(async () =>
            (await _cluster.Store.GetAsync<Deployment>("default", "roll"))!.Spec.Template.Spec.Containers[0].Image == "app:1", "undo restores app:1");
        await _cluster.Kubectl.OkAsync("rollout", "undo", "deployment/roll", "--to-revision=2");
        await ApiServerCluster.UntilAsync(async () =>
            (await _cluster.Store.GetAsync<Deployment>("default", "roll"))!.Spec.Template.Spec.Containers[0].Image == "app:2", "undo to revision 2");

        Assert.That(await _cluster.Kubectl.OkAsync("rollout", "pause", "deployment/roll"), Does.Contain("paused"));
        Assert.That((await _cluster.Store.GetAsync<Deployment>("default", "roll"))!.Spec.Paused, Is.True);
        Assert.That(await _cluster.Kubectl.OkAsync("rollout", "resume", "deployment/roll"), Does.Contain("resumed"));
        Assert.That((await _cluster.Store.GetAsync<Deployment>("default", "roll"))!.Spec.Paused, Is.Not.True);

        var deleted = await _cluster.Kubectl.OkAsync("delete", "-f", _cluster.WriteFile("roll.yaml", v1));
        Assert.That(deleted, Does.Contain("deployment.apps \"roll\" deleted"));
        Assert.That(await _cluster.Store.GetAsync<Deployment>("default", "roll"), Is.Null);
    }

    [Test]
    public async Task ScaleLabelAnnotate_ChangeTheStoredObject()
    {
        await _cluster.Kubectl.OkAsync("apply", "-f", _cluster.WriteFile("sc.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: sc}
            spec:
              replicas: 1
              selector: {matchLabels: {app: sc}}
              template:
                metadata: {labels: {app: sc}}
                spec: {containers: [{name: app, image: "app:1"}]}
            """));
        Assert.That(await _cluster.Kubectl.OkAsync("scale", "deployment/sc", "--replicas=3"), Does.Contain("deployment.apps/sc scaled"));
        await _cluster.Kubectl.OkAsync("label", "deployment", "sc", "tier=fe");
        await _cluster.Kubectl.OkAsync("annotate", "deployment", "sc", "note=hello");
        var stored = await _cluster.Store.GetAsync<Deployment>("default", "sc");
        Assert.That(stored!.Spec.Replicas, Is.EqualTo(3));
        Assert.That(stored.Metadata.Labels["tier"], Is.EqualTo("fe"));
        Assert.That(stored.Metadata.Annotations["note"], Is.EqualTo("hello"));
        await _cluster.Kubectl.OkAsync("label", "deployment", "sc", "tier-");
        Assert.That((await _cluster.Store.GetAsync<Deployment>("default", "sc"))!.Metadata.Labels, Does.Not.ContainKey("tier"));
        await ApiServerCluster.UntilAsync(async () => (await _cluster.Store.GetAsync<Deployment>("default", "sc"))!.Status?.ReadyReplicas == 3, "sc has 3 ready");
    }

    [Test]
    public async Task CreateConfigMapAndSecret_StoresData()
    {
        await _cluster.Kubectl.OkAsync("create", "configmap", "cfg", "--from-literal=color=blue");
        await _cluster.Kubectl.OkAsync("create", "secret", "generic", "sec", "--from-literal=password=s3cret");
        Assert.That((await _cluster.Store.GetAsync<ConfigMap>("default", "cfg"))!.Data["color"], Is.EqualTo("blue"));
        Assert.That((await _cluster.Store.GetAsync<Secret>("default", "sec"))!.GetString("password"), Is.EqualTo("s3cret"));
        var output = await _cluster.Kubectl.OkAsync("get", "configmaps,secrets");
        Assert.That(output, Does.Match(@"configmap/cfg\s+1").And.Match(@"secret/sec\s+Opaque\s+1"));
    }

    [Test]
    public async Task Logs_ReadsContainerOutput()
    {
        var pod = (await _cluster.Kubectl.OkAsync("get", "pods", "-n", "shop", "-o", "name")).Split('\n')[0].Trim();
        var logs = await _cluster.Kubectl.OkAsync("logs", "-n", "shop", pod);
        Assert.That(logs, Is.EqualTo("hello from web\nsecond line\n"));
        var tail = await _cluster.Kubectl.OkAsync("logs", "-n", "shop", pod, "--tail=1");
        Assert.That(tail, Is.EqualTo("second line\n"));
    }

    [Test]
    public async Task Describe_PodAndDeployment_ShowEvents()
    {
        var pod = (await _cluster.Kubectl.OkAsync("get", "pods", "-n", "shop", "-o", "name")).Split('\n')[0].Trim();
        var describedPod = await _cluster.Kubectl.OkAsync("describe", "-n", "shop", pod);
        Assert.That(describedPod, Does.Contain("Image:          nginx").And.Contain("Scheduled"));
        var describedDeployment = await _cluster.Kubectl.OkAsync("describe", "deployment", "web", "-n", "shop");
        Assert.That(describedDeployment, Does.Contain("ScalingReplicaSet").And.Contain("NewReplicaSet:"));
    }

    [Test]
    public async Task GetWatch_ShowsChangesAsTheyHappen()
    {
        var info = KubectlRunner.StartInfo(_cluster.Api.KubeconfigPath!, ["get", "configmaps", "-n", "kube-public", "-w"]);
        using var process = System.Diagnostics.Process.Start(info)!;
        try
        {
            await _cluster.Store.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "watched", Namespace = "kube-public" } });
            var header = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(header, Does.Match(@"NAME\s+DATA\s+AGE"));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            while (line is not null && !line.StartsWith("watched", StringComparison.Ordinal));
            Assert.That(line, Does.Match(@"watched\s+0\s+\d+s"));
            await _cluster.Store.UpdateAsync(new ConfigMap
            {
                Metadata = new ObjectMeta { Name = "watched", Namespace = "kube-public" },
                Data = new Dictionary<string, string> { ["k"] = "v" },
            });
            line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(line, Does.Match(@"watched\s+1\s+\d+s"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Test]
    public async Task DeletePod_RemovesItGracefully()
    {
        await _cluster.Kubectl.OkAsync("run", "lonely", "--image=app:1");
        await ApiServerCluster.UntilAsync(async () => (await _cluster.Store.GetAsync<Pod>("default", "lonely"))?.Status?.Phase == "Running", "lonely runs");
        Assert.That(await _cluster.Kubectl.OkAsync("delete", "pod", "lonely"), Does.Contain("pod \"lonely\" deleted"));
        Assert.That(await _cluster.Store.GetAsync<Pod>("default", "lonely"), Is.Null);
    }

    [Test]
    public async Task Apply_UnknownField_IsRejectedByStrictValidation()
    {
        var path = _cluster.WriteFile("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {a: b}\nbogus: 1\n");
        var result = await _cluster.Kubectl.RunAsync("apply", "-f", path);
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("unknown field \"bogus\""));
        Assert.That(await _cluster.Store.GetAsync<ConfigMap>("default", "bad"), Is.Null);
    }

    [Test]
    public async Task WrongToken_IsUnauthorized()
    {
        var kubeconfig = File.ReadAllText(_cluster.Api.KubeconfigPath!).Replace(_cluster.Api.Token, "wrong-token");
        var runner = new KubectlRunner(_cluster.WriteFile("wrong.kubeconfig", kubeconfig));
        var result = await runner.RunAsync("get", "pods");
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain("You must be logged in to the server"));
    }
}
