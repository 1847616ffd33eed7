using System.Text.Json;
using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>Endpoint discovery: precedence of options, DOCKER_HOST, contexts and defaults, in a temporary config dir.</summary>
public sealed class DockerEndpointResolverTests
{
    private string configDirectory = null!;

    [SetUp]
    public void CreateConfigDirectory()
    {
        configDirectory = Path.Combine(Path.GetTempPath(), "orch-docker-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(configDirectory);
    }

    [TearDown]
    public void DeleteConfigDirectory() => Directory.Delete(configDirectory, recursive: true);

    [Test]
    public void ContextId_IsSha256OfTheName_AsTheDockerCliStoresIt()
    {
        Assert.That(DockerEndpointResolver.ContextId("default"), Is.EqualTo("37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"));
        Assert.That(DockerEndpointResolver.ContextId("remote"), Is.EqualTo("b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a"));
    }

    [Test]
    public void Resolve_ExplicitHost_WinsOverDockerHostAndContext()
    {
        WriteContext("remote", "tcp://10.0.0.9:2376", currentContext: true);
        var resolver = Resolver(("DOCKER_HOST", "unix:///from/env.sock"));

        IReadOnlyList<DockerEndpoint> endpoints = resolver.Resolve(Options() with { Host = "unix:///explicit.sock" });

        Assert.That(endpoints.Select(e => e.Address), Is.EqualTo(new[] { "unix:///explicit.sock" }));
        Assert.That(endpoints[0].Source, Does.Contain("DockerEndpointOptions.Host"));
    }

    [Test]
    public void Resolve_DockerHostSet_WinsOverCurrentContext()
    {
        WriteContext("remote", "tcp://10.0.0.9:2376", currentContext: true);

        IReadOnlyList<DockerEndpoint> endpoints = Resolver(("DOCKER_HOST", "unix:///from/env.sock")).Resolve(Options());

        Assert.That(endpoints, Has.Count.EqualTo(1));
        Assert.That(endpoints[0].Address, Is.EqualTo("unix:///from/env.sock"));
        Assert.That(endpoints[0].Source, Is.EqualTo("DOCKER_HOST"));
        Assert.That(endpoints[0].Tls, Is.Null);
    }

    [Test]
    public void Resolve_CurrentContextInConfig_UsesItsEndpointAndTlsFolder()
    {
        WriteContext("remote", "tcp://10.0.0.9:2376", currentContext: true, withTls: true);

        IReadOnlyList<DockerEndpoint> endpoints = Resolver().Resolve(Options());

        Assert.That(endpoints, Has.Count.EqualTo(1));
        Assert.That(endpoints[0].Address, Is.EqualTo("tcp://10.0.0.9:2376"));
        Assert.That(endpoints[0].Source, Does.Contain("context \"remote\"").And.Contain("currentContext"));
        Assert.That(endpoints[0].Tls, Is.Not.Null);
        Assert.That(endpoints[0].Tls!.CertificatePath, Is.EqualTo(Path.Combine(configDirectory, "contexts", "tls", DockerEndpointResolver.ContextId("remote"), "docker")));
        Assert.That(endpoints[0].Tls!.Verify, Is.True);
        Assert.That(endpoints[0].UsesTls, Is.True);
    }

    [Test]
    public void Resolve_DockerContextVariable_OverridesCurrentContext()
    {
        WriteContext("remote", "tcp://10.0.0.9:2376", currentContext: true);
        WriteContext("other", "unix:///other.sock", currentContext: false);

        IReadOnlyList<DockerEndpoint> endpoints = Resolver(("DOCKER_CONTEXT", "other")).Resolve(Options());

        Assert.That(endpoints.Single().Address, Is.EqualTo("unix:///other.sock"));
        Assert.That(endpoints.Single().Source, Does.Contain("DOCKER_CONTEXT"));
    }

    [Test]
    public void Resolve_DefaultContext_TriesThePlatformDefaultsInOrder()
    {
        File.WriteAllText(Path.Combine(configDirectory, "config.json"), """{"currentContext":"default"}""");
        var resolver = new DockerEndpointResolver(Env(), ["unix:///first.sock", "unix:///second.sock"]);

        IReadOnlyList<DockerEndpoint> endpoints = resolver.Resolve(Options());

        Assert.That(endpoints.Select(e => e.Address), Is.EqualTo(new[] { "unix:///first.sock", "unix:///second.sock" }));
        Assert.That(endpoints.Select(e => e.Source), Is.All.EqualTo("default"));
    }

    [Test]
    public void Resolve_PlatformDefaults_StartWithVarRunDockerSockThenRootlessSocket()
    {
        if (OperatingSystem.IsWindows())
            Assert.Ignore("Unix socket defaults.");
        var resolver = new DockerEndpointResolver(Env(("XDG_RUNTIME_DIR", "/run/user/1000"), ("HOME", "/home/dev")));

        IReadOnlyList<string> addresses = [.. resolver.Resolve(Options()).Select(e => e.Address)];

        Assert.That(addresses[0], Is.EqualTo("unix:///var/run/docker.sock"));
        Assert.That(addresses[1], Is.EqualTo("unix:///run/user/1000/docker.sock"));
        Assert.That(addresses, Does.Contain("unix:///home/dev/.docker/desktop/docker.sock"));
    }

    [Test]
    public void Resolve_MissingContext_ThrowsNamingTheMissingFile()
    {
        File.WriteAllText(Path.Combine(configDirectory, "config.json"), """{"currentContext":"gone"}""");

        var error = Assert.Throws<DockerEngineUnavailableException>(() => Resolver().Resolve(Options()));

        Assert.That(error!.Message, Does.Contain("context \"gone\"").And.Contain("meta.json").And.Contain("docker context use"));
    }

    [Test]
    public void Resolve_DockerCertPathAndTlsVerify_UseVerifiedTls()
    {
        IReadOnlyList<DockerEndpoint> endpoints = Resolver(
            ("DOCKER_HOST", "tcp://127.0.0.1:2376"), ("DOCKER_CERT_PATH", "/certs"), ("DOCKER_TLS_VERIFY", "1")).Resolve(Options());

        Assert.That(endpoints.Single().Tls, Is.EqualTo(new DockerTlsSettings("/certs", Verify: true)));
        Assert.That(endpoints.Single().UsesTls, Is.True);
    }

    [Test]
    public void Resolve_DockerCertPathWithoutTlsVerify_UsesTlsWithoutVerification()
    {
        IReadOnlyList<DockerEndpoint> endpoints = Resolver(("DOCKER_HOST", "tcp://127.0.0.1:2376"), ("DOCKER_CERT_PATH", "/certs")).Resolve(Options());

        Assert.That(endpoints.Single().Tls, Is.EqualTo(new DockerTlsSettings("/certs", Verify: false)));
    }

    [Test]
    public void Resolve_TlsVerifyWithoutCertPath_ReadsCertificatesFromConfigDirectory()
    {
        IReadOnlyList<DockerEndpoint> endpoints = Resolver(("DOCKER_HOST", "tcp://127.0.0.1:2376"), ("DOCKER_TLS_VERIFY", "1")).Resolve(Options());

        Assert.That(endpoints.Single().Tls, Is.EqualTo(new DockerTlsSettings(configDirectory, Verify: true)));
    }

    [Test]
    public void Resolve_NoConfigDirectoryOption_UsesDockerConfigVariable()
    {
        WriteContext("remote", "tcp://10.0.0.9:2376", currentContext: true);
        var resolver = new DockerEndpointResolver(Env(("DOCKER_CONFIG", configDirectory)));

        IReadOnlyList<DockerEndpoint> endpoints = resolver.Resolve(new DockerEndpointOptions());

        Assert.That(endpoints.Single().Address, Is.EqualTo("tcp://10.0.0.9:2376"));
    }

    private static IEnumerable<TestCaseData> HostCases()
    {
        yield return new TestCaseData("unix:///var/run/docker.sock", "unix:///var/run/docker.sock", "unix");
        yield return new TestCaseData("/run/orch-docker2.sock", "unix:///run/orch-docker2.sock", "unix");
        yield return new TestCaseData("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375", "tcp");
        yield return new TestCaseData("tcp://docker.example", "tcp://docker.example:2375", "tcp");
        yield return new TestCaseData("npipe:////./pipe/docker_engine", "npipe:////./pipe/docker_engine", "npipe");
    }

    [TestCaseSource(nameof(HostCases))]
    public void Parse_SupportedHost_NormalizesAddress(string host, string address, string scheme)
    {
        DockerEndpoint endpoint = DockerEndpoint.Parse(host, "test");

        Assert.That(endpoint.Address, Is.EqualTo(address));
        Assert.That(endpoint.Host.Scheme, Is.EqualTo(scheme));
    }

    [Test]
    public void Parse_NamedPipe_ExtractsPipeName() =>
        Assert.That(DockerEndpoint.Parse("npipe:////./pipe/docker_engine", "test").PipeName, Is.EqualTo("docker_engine"));

    [TestCase("ssh://user@host")]
    [TestCase("unix://")]
    [TestCase("not a host")]
    public void Parse_UnsupportedHost_ThrowsFormatExceptionNamingTheSource(string host)
    {
        var error = Assert.Throws<FormatException>(() => DockerEndpoint.Parse(host, "DOCKER_HOST"));
        Assert.That(error!.Message, Does.Contain("DOCKER_HOST"));
    }

    private DockerEndpointOptions Options() => new() { ConfigDirectory = configDirectory };

    private static DockerEndpointResolver Resolver(params (string Name, string Value)[] variables) =>
        new(Env(variables), ["unix:///default.sock"]);

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    private void WriteContext(string name, string host, bool currentContext, bool withTls = false)
    {
        string id = DockerEndpointResolver.ContextId(name);
        string meta = Path.Combine(configDirectory, "contexts", "meta", id);
        Directory.CreateDirectory(meta);
        File.WriteAllText(Path.Combine(meta, "meta.json"), JsonSerializer.Serialize(new
        {
            Name = name,
            Metadata = new { Description = "test" },
            Endpoints = new { docker = new { Host = host, SkipTLSVerify = false } },
        }));
        if (withTls)
            Directory.CreateDirectory(Path.Combine(configDirectory, "contexts", "tls", id, "docker"));
        if (currentContext)
            File.WriteAllText(Path.Combine(configDirectory, "config.json"), $$"""{"auths":{},"currentContext":"{{name}}"}""");
    }
}
