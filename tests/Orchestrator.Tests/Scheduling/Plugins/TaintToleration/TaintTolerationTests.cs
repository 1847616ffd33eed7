using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class TaintTolerationTests
{
    private static Taint Taint(string key, string? value, string effect) => new() { Key = key, Value = value, Effect = effect };

    private static IEnumerable<TestCaseData> FilterCases()
    {
        yield return new TestCaseData(Pod("p"), Node("n"), null).SetName("Filter_NoTaints_Fits");
        yield return new TestCaseData(Pod("p"), Node("n", taints: [Taint("dedicated", "gpu", TaintEffect.NoSchedule)]),
            "node(s) had untolerated taint {dedicated: gpu}").SetName("Filter_UntoleratedNoSchedule_Rejects");
        yield return new TestCaseData(Pod("p"), Node("n", taints: [Taint("dedicated", "gpu", TaintEffect.NoExecute)]),
            "node(s) had untolerated taint {dedicated: gpu}").SetName("Filter_UntoleratedNoExecute_Rejects");
        yield return new TestCaseData(Pod("p"), Node("n", taints: [Taint("dedicated", "gpu", TaintEffect.PreferNoSchedule)]), null)
            .SetName("Filter_PreferNoScheduleOnly_Fits");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = "dedicated", Operator = TolerationOperator.Equal, Value = "gpu", Effect = TaintEffect.NoSchedule }]),
            Node("n", taints: [Taint("dedicated", "gpu", TaintEffect.NoSchedule)]), null).SetName("Filter_EqualToleration_Fits");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = "dedicated", Value = "cpu" }]),
            Node("n", taints: [Taint("dedicated", "gpu", TaintEffect.NoSchedule)]),
            "node(s) had untolerated taint {dedicated: gpu}").SetName("Filter_TolerationWithOtherValue_Rejects");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = "dedicated", Operator = TolerationOperator.Exists }]),
            Node("n", taints: [Taint("dedicated", "gpu", TaintEffect.NoSchedule), Taint("zone", "x", TaintEffect.NoExecute)]),
            "node(s) had untolerated taint {zone: x}").SetName("Filter_SecondTaintUntolerated_RejectsNamingIt");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = "dedicated", Operator = TolerationOperator.Exists, Effect = TaintEffect.NoExecute }]),
            Node("n", taints: [Taint("dedicated", "gpu", TaintEffect.NoSchedule)]),
            "node(s) had untolerated taint {dedicated: gpu}").SetName("Filter_TolerationForOtherEffect_Rejects");
    }

    [TestCaseSource(nameof(FilterCases))]
    public void Filter(Pod pod, Node node, string? expected) =>
        Assert.That(FilterAssert.Run(new TaintToleration(), pod, node), Is.EqualTo(expected));

    private static IEnumerable<TestCaseData> ScoreCases()
    {
        var clean = Node("clean");
        var one = Node("one", taints: [Taint("a", "1", TaintEffect.PreferNoSchedule)]);
        var two = Node("two", taints: [Taint("a", "1", TaintEffect.PreferNoSchedule), Taint("b", "2", TaintEffect.PreferNoSchedule)]);
        yield return new TestCaseData(Pod("p"), new[] { clean, one, two }, new long[] { 100, 50, 0 })
            .SetName("Score_MorePreferNoScheduleTaints_ScoresLower");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = "a", Operator = TolerationOperator.Exists, Effect = TaintEffect.PreferNoSchedule }]),
            new[] { clean, one, two }, new long[] { 100, 100, 0 }).SetName("Score_ToleratedPreferNoSchedule_NotCounted");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = "a", Operator = TolerationOperator.Exists, Effect = TaintEffect.NoSchedule }]),
            new[] { clean, one }, new long[] { 100, 0 }).SetName("Score_TolerationForNoScheduleOnly_DoesNotHelp");
        yield return new TestCaseData(Pod("p"), new[] { clean, Node("clean2") }, new long[] { 100, 100 })
            .SetName("Score_NoTaintsAnywhere_AllMax");
    }

    [TestCaseSource(nameof(ScoreCases))]
    public void Score(Pod pod, Node[] nodes, long[] expected) =>
        Assert.That(FilterAssert.Scores(new TaintToleration(), pod, nodes), Is.EqualTo(expected));
}
