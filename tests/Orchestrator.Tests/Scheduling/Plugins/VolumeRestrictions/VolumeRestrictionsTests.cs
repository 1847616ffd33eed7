using Orchestrator.Api;
using Orchestrator.Scheduling;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class VolumeRestrictionsTests
{
    private static Pod WithClaim(Pod pod, string claim) => pod with
    {
        Spec = pod.Spec with
        {
            Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("ReadWriteOncePod", false, null).SetName("PreFilter_UnusedReadWriteOncePodClaim_Fits");
        yield return new TestCaseData("ReadWriteOncePod", true, VolumeRestrictions.ErrReadWriteOncePodConflict).SetName("PreFilter_ReadWriteOncePodClaimInUse_Rejects");
        yield return new TestCaseData("ReadWriteOnce", true, null).SetName("PreFilter_SharedReadWriteOnceClaim_Fits");
    }

    [TestCaseSource(nameof(Cases))]
    public void PreFilter(string accessMode, bool inUse, string? expected)
    {
        var node = Node("n");
        var cache = Cache([node], inUse ? [WithClaim(Pod("holder", nodeName: "n"), "data")] : []);
        cache.SetClaim("default/data", [accessMode]);
        var context = new SchedulingContext(cache);

        var result = new VolumeRestrictions().PreFilter(context, new PodInfo(WithClaim(Pod("p"), "data")));

        Assert.That(result.IsSuccess ? null : result.Reasons.Single(), Is.EqualTo(expected));
    }

    [Test]
    public void PreFilter_HolderRemoved_FitsAgain()
    {
        var cache = Cache([Node("n")], [WithClaim(Pod("holder", nodeName: "n"), "data")]);
        cache.SetClaim("default/data", ["ReadWriteOncePod"]);
        cache.RemovePod("default/holder");

        var result = new VolumeRestrictions().PreFilter(new SchedulingContext(cache), new PodInfo(WithClaim(Pod("p"), "data")));

        Assert.That(result.IsSuccess, Is.True);
    }
}
