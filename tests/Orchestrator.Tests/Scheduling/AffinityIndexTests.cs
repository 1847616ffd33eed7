using Orchestrator.Api;
using Orchestrator.Scheduling;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling;

/// <summary>The incrementally maintained affinity counts must always equal what a full scan of the cluster gives.</summary>
public sealed class AffinityIndexTests
{
    private static readonly string[] Colors = ["green", "blue"];

    private static Affinity AntiAffinity(string color, string topologyKey) => new()
    {
        PodAntiAffinity = new PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term(topologyKey, $"color={color}")] },
    };

    [Test]
    public void Filter_AfterRandomChurn_AgreesWithFreshlyBuiltCache()
    {
        var random = new Random(42);
        var nodes = Enumerable.Range(0, 12)
            .Select(i => Node($"n{i}", labels: Labels($"topology.kubernetes.io/zone=z{i % 3}")))
            .ToList();
        var live = new Dictionary<string, Pod>();
        var cache = Cache(nodes);

        for (var step = 0; step < 400; step++)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                var victim = live.Keys.ElementAt(random.Next(live.Count));
                live.Remove(victim);
                cache.RemovePod("default/" + victim);
            }
            else
            {
                var color = Colors[random.Next(Colors.Length)];
                var topology = random.Next(2) == 0 ? WellKnownLabels.Hostname : WellKnownLabels.Zone;
                var pod = Pod($"p{step}", labels: Labels($"color={color}"), nodeName: nodes[random.Next(nodes.Count)].Metadata.Name,
                    affinity: random.Next(2) == 0 ? AntiAffinity(color, topology) : null);
                live[pod.Metadata.Name!] = pod;
                cache.AddOrUpdatePod(pod);
            }
            if (step == 200) cache.AddOrUpdateNode(Node("n0", labels: Labels("topology.kubernetes.io/zone=z2"))); // relabel: rebuild

            if (step % 25 != 0) continue;
            var fresh = Cache(cache.Nodes.Select(n => n.Node), live.Values);
            foreach (var color in Colors)
            {
                foreach (var topology in new[] { WellKnownLabels.Hostname, WellKnownLabels.Zone })
                {
                    var incoming = Pod("incoming", labels: Labels($"color={color}"), affinity: AntiAffinity(color, topology));
                    Assert.That(Feasible(cache, incoming), Is.EqualTo(Feasible(fresh, incoming)), $"step {step}, {color}, {topology}");
                }
            }
        }
    }

    private static string[] Feasible(SchedulerCache cache, Pod pod)
    {
        var context = new SchedulingContext(cache);
        var info = new PodInfo(pod);
        var plugin = new InterPodAffinity();
        if (plugin.PreFilter(context, info).IsSkip) return cache.Nodes.Select(n => n.Name).ToArray();
        return cache.Nodes.Where(n => plugin.Filter(context, info, n).IsSuccess).Select(n => n.Name).Order().ToArray();
    }
}
