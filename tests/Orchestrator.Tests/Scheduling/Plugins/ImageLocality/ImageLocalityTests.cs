using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class ImageLocalityTests
{
    private const long MB = 1024 * 1024;

    private static ContainerImage Image(long size, params string[] names) => new() { Names = names, SizeBytes = size };

    private static IEnumerable<TestCaseData> Cases()
    {
        var withNginx = Node("with", images: [Image(500 * MB, "nginx:1.27")]);
        var without = Node("without");
        yield return new TestCaseData(Pod("p", image: "nginx:1.27"), new[] { withNginx, without }, new long[] { 23, 0 })
            .SetName("Score_ImageOnHalfTheNodes_ScoresScaledSize");
        yield return new TestCaseData(Pod("p", image: "nginx:1.27"), new[] { withNginx, Node("also", images: [Image(500 * MB, "nginx:1.27")]) }, new long[] { 48, 48 })
            .SetName("Score_ImageEverywhere_ScoresFullSize");
        yield return new TestCaseData(Pod("p", image: "redis"), new[] { Node("r", images: [Image(2000 * MB, "redis:latest")]), without }, new long[] { 100, 0 })
            .SetName("Score_UntaggedImage_MatchesLatestAndCapsAt100");
        yield return new TestCaseData(Pod("p", image: "tiny:1"), new[] { Node("t", images: [Image(10 * MB, "tiny:1")]), without }, new long[] { 0, 0 })
            .SetName("Score_SmallImage_BelowThresholdScoresZero");
    }

    [TestCaseSource(nameof(Cases))]
    public void Score(Pod pod, Node[] nodes, long[] expected) =>
        Assert.That(FilterAssert.Scores(new ImageLocality(), pod, nodes), Is.EqualTo(expected));
}
