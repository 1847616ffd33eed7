using System.Collections.Immutable;
using Orchestrator.Runtime.Simulated;

namespace Orchestrator.Tests.Runtime;

[TestFixture]
public sealed class SimulatedBehaviorTests
{
    private static readonly object[] Cases =
    [
        new object[] { new[] { ("start-delay", "2s") }, "app", (Func<SimulatedBehavior, object>)(b => b.StartDelay), TimeSpan.FromSeconds(2) },
        new object[] { new[] { ("exit-after", "1m30s") }, "app", (Func<SimulatedBehavior, object?>)(b => b.ExitAfter), TimeSpan.FromSeconds(90) },
        new object[] { new[] { ("exit-code", "3") }, "app", (Func<SimulatedBehavior, object>)(b => b.ExitCode), 3 },
        new object[] { new[] { ("crash-loop", "true") }, "app", (Func<SimulatedBehavior, object?>)(b => (b.ExitAfter, b.ExitCode)), (TimeSpan.FromSeconds(1), 1) },
        new object[] { new[] { ("crash-loop", "true"), ("exit-code", "2"), ("exit-after", "500ms") }, "app",
            (Func<SimulatedBehavior, object?>)(b => (b.ExitAfter, b.ExitCode)), (TimeSpan.FromMilliseconds(500), 2) },
        new object[] { new[] { ("cpu-usage", "250m") }, "app", (Func<SimulatedBehavior, object>)(b => b.CpuMillicores), 250L },
        new object[] { new[] { ("memory-usage", "64Mi") }, "app", (Func<SimulatedBehavior, object>)(b => b.MemoryBytes), 64L << 20 },
        new object[] { new[] { ("fail-readiness", "true") }, "app", (Func<SimulatedBehavior, object>)(b => b.FailReadiness), true },
        new object[] { new[] { ("exit-code", "1"), ("worker.exit-code", "7") }, "worker", (Func<SimulatedBehavior, object>)(b => b.ExitCode), 7 },
        new object[] { new[] { ("exit-code", "1"), ("worker.exit-code", "7") }, "web", (Func<SimulatedBehavior, object>)(b => b.ExitCode), 1 },
        new object[] { new[] { ("logs", "one\ntwo\n") }, "app", (Func<SimulatedBehavior, object>)(b => string.Join("|", b.Logs)), "one|two" },
    ];

    [TestCaseSource(nameof(Cases))]
    public void FromAnnotations_Annotation_SetsBehaviour((string Key, string Value)[] annotations, string container, Func<SimulatedBehavior, object?> read, object expected)
    {
        var map = annotations.ToImmutableDictionary(a => SimulatedAnnotations.Prefix + a.Key, a => a.Value);

        var behavior = SimulatedBehavior.FromAnnotations(map, container);

        Assert.That(read(behavior), Is.EqualTo(expected));
    }

    [Test]
    public void FromAnnotations_NoSimulationAnnotations_ReturnsDefault()
    {
        var behavior = SimulatedBehavior.FromAnnotations(ImmutableDictionary<string, string>.Empty.Add("team", "a"), "app");

        Assert.That(behavior, Is.SameAs(SimulatedBehavior.Default));
    }

    [TestCase("exit-after", "soon")]
    [TestCase("exit-code", "one")]
    [TestCase("fail-readiness", "yes please")]
    [TestCase("cpu-usage", "lots")]
    public void FromAnnotations_InvalidValue_ThrowsNamingTheAnnotation(string key, string value)
    {
        var map = ImmutableDictionary<string, string>.Empty.Add(SimulatedAnnotations.Prefix + key, value);

        var error = Assert.Throws<FormatException>(() => SimulatedBehavior.FromAnnotations(map, "app"));

        Assert.That(error!.Message, Does.Contain(SimulatedAnnotations.Prefix + key).And.Contain(value));
    }

    [TestCase("0", 0)]
    [TestCase("300ms", 300)]
    [TestCase("2s", 2000)]
    [TestCase("1.5s", 1500)]
    [TestCase("1m30s", 90_000)]
    [TestCase("2h", 7_200_000)]
    [TestCase("10us", 0.01)]
    public void GoDuration_ValidText_Parses(string text, double milliseconds)
    {
        Assert.That(GoDuration.TryParse(text, out var value), Is.True);
        Assert.That(value.TotalMilliseconds, Is.EqualTo(milliseconds).Within(0.001));
    }

    [TestCase("")]
    [TestCase("5")]
    [TestCase("5 seconds")]
    [TestCase("s")]
    [TestCase("-1s")]
    public void GoDuration_InvalidText_IsRejected(string text) => Assert.That(GoDuration.TryParse(text, out _), Is.False);
}
