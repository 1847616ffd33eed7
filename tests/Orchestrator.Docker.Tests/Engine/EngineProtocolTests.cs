using System.Text;
using System.Text.Json;
using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>The small wire formats: filters, registry auth, image references, timestamps, JSON lines, version negotiation.</summary>
public sealed class EngineProtocolTests
{
    [Test]
    public void DockerFilters_ToJson_UsesTheEnginesMapOfTrueFormatSorted()
    {
        DockerFilters filters = DockerFilters.Label("orchestrator.test", "true").Add("type", "container").WithLabel("b");

        Assert.That(filters.ToJson(), Is.EqualTo("""{"label":{"b":true,"orchestrator.test=true":true},"type":{"container":true}}"""));
        Assert.That(DockerFilters.Empty.IsEmpty, Is.True);
    }

    [Test]
    public void RegistryAuth_ToHeaderValue_IsBase64UrlOfLowercaseJson()
    {
        var auth = new RegistryAuth { Username = "ci", Password = "s3cr+t/?>", ServerAddress = "127.0.0.1:5000" };

        string header = auth.ToHeaderValue();
        string json = Encoding.UTF8.GetString(Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/')));

        Assert.That(header, Does.Not.Contain("+").And.Not.Contain("/"));
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.GetProperty("username").GetString(), Is.EqualTo("ci"));
        Assert.That(document.RootElement.GetProperty("password").GetString(), Is.EqualTo("s3cr+t/?>"));
        Assert.That(document.RootElement.GetProperty("serveraddress").GetString(), Is.EqualTo("127.0.0.1:5000"));
        Assert.That(document.RootElement.TryGetProperty("identitytoken", out _), Is.False);
    }

    [Test]
    public void RegistryAuth_ToString_HidesSecrets()
    {
        var auth = new RegistryAuth { Username = "ci", Password = "hunter2", IdentityToken = "tok-123" };

        Assert.That(auth.ToString(), Does.Contain("ci").And.Not.Contain("hunter2").And.Not.Contain("tok-123"));
    }

    [TestCase("busybox", "busybox", "latest")]
    [TestCase("busybox:1.36", "busybox", "1.36")]
    [TestCase("127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app", "latest")]
    [TestCase("127.0.0.1:5000/team/app:1.0", "127.0.0.1:5000/team/app", "1.0")]
    [TestCase("app@sha256:abc", "app", "sha256:abc")]
    [TestCase("registry:5000/app:1.0@sha256:abc", "registry:5000/app", "sha256:abc")]
    public void SplitImageReference_SeparatesRepositoryFromTagOrDigest(string image, string repository, string tag) =>
        Assert.That(DockerEngineClient.SplitImageReference(image), Is.EqualTo((repository, tag)));

    [TestCase("2026-11-22T01:55:13.890254671Z", 637_000_000_000_000_000L)]
    [TestCase("0001-01-01T00:00:00Z", 0L)]
    [TestCase("", 0L)]
    public void DockerTimestampConverter_Parse_HandlesNanosecondsAndGoZeroTime(string text, long _)
    {
        DateTimeOffset? parsed = DockerTimestampConverter.Parse(text);

        if (text.StartsWith("2026", StringComparison.Ordinal))
            Assert.That(parsed, Is.EqualTo(new DateTimeOffset(2026, 11, 22, 1, 55, 13, TimeSpan.Zero).AddTicks(8902546)));
        else
            Assert.That(parsed, Is.Null);
    }

    [Test]
    public void UnixTime_FormatsSecondsWithNanosecondFraction()
    {
        DateTimeOffset time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(1234567);

        Assert.That(DockerEngineClient.UnixTime(time), Is.EqualTo("1700000000.123456700"));
    }

    [TestCase("1.41", "1.41")]
    [TestCase("1.45", "1.45")]
    [TestCase("1.47", "1.47")]
    [TestCase("1.50", "1.47")]
    public void Negotiate_ServerVersion_UsesTheLowerOfServerAndClientMaximum(string server, string expected) =>
        Assert.That(DockerEngineClient.Negotiate(new DockerVersionResponse { ApiVersion = server, Version = "x" }), Is.EqualTo(Version.Parse(expected)));

    [Test]
    public void Negotiate_EngineOlderThan2010_ThrowsNamingTheRequirement()
    {
        var error = Assert.Throws<NotSupportedException>(() => DockerEngineClient.Negotiate(new DockerVersionResponse { ApiVersion = "1.40", Version = "19.03.15" }));

        Assert.That(error!.Message, Does.Contain("1.40").And.Contain("1.41").And.Contain("20.10"));
    }

    [Test]
    public async Task JsonLineReader_ValuesSplitAcrossReads_YieldsEachValue()
    {
        byte[] data = Encoding.UTF8.GetBytes(
            "{\"status\":\"Pulling from x\",\"id\":\"1.0\"}\n\n{\"status\":\"Already exists\",\"progressDetail\":{},\"id\":\"abc\"}\r\n{\"error\":\"boom\",\"errorDetail\":{\"message\":\"boom detail\"}}");
        var messages = new List<PullProgressMessage>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await foreach (PullProgressMessage message in JsonLineReader.ReadAsync(new TrickleStream(data, 5), DockerJsonContext.Default.PullProgressMessage, cts.Token))
            messages.Add(message);

        Assert.That(messages.Select(m => m.Status), Is.EqualTo(new[] { "Pulling from x", "Already exists", null }));
        Assert.That(messages[2].ErrorMessage, Is.EqualTo("boom detail"));
        Assert.That(messages[0].ErrorMessage, Is.Null);
    }

    [Test]
    public void ParseErrorMessage_EngineJson_ReturnsMessageElseRawText()
    {
        Assert.That(DockerEngineClient.ParseErrorMessage("""{"message":"No such image: x:1"}"""), Is.EqualTo("No such image: x:1"));
        Assert.That(DockerEngineClient.ParseErrorMessage("page not found\n"), Is.EqualTo("page not found"));
        Assert.That(DockerEngineClient.ParseErrorMessage("  "), Is.Null);
    }
}
