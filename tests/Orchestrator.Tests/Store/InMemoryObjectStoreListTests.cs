using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;
using static Orchestrator.Tests.Store.StoreTestKit;

namespace Orchestrator.Tests.Store;

[TestFixture]
public sealed class InMemoryObjectStoreListTests
{
    private InMemoryObjectStore _store = null!;

    [SetUp]
    public void SetUp() => _store = NewStore();

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task ListAsync_Always_SortsByNamespaceThenName()
    {
        await _store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = "a" } });
        await _store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = "a-b" } });
        foreach (var (ns, name) in new[] { ("default", "b"), ("a-b", "a"), ("default", "a"), ("a", "z"), ("a", "b-1") })
        {
            await _store.CreateAsync<Pod>(NewPod(name, ns));
        }

        var list = await _store.ListAsync<Pod>();

        Assert.That(list.Items.Select(p => $"{p.Metadata.Namespace}/{p.Metadata.Name}"),
            Is.EqualTo(new[] { "a/b-1", "a/z", "a-b/a", "default/a", "default/b" }));
        Assert.That(list.ResourceVersion, Is.EqualTo(_store.CurrentResourceVersion.ToString()));
        Assert.That(list.Continue, Is.Null);
    }

    [Test]
    public async Task ListAsync_ManyObjectsCreatedAcrossRankRebuilds_StaysSorted()
    {
        // Past a few thousand unsorted keys the store ranks keys once and sorts by rank; keys added later have no rank.
        foreach (var ns in new[] { "b", "a", "c" }) await _store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = ns } });
        var random = new Random(3);
        var names = new HashSet<string>();
        async Task AddAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var key = $"{"abc"[random.Next(3)]}/m{random.Next(1_000_000):D6}";
                if (!names.Add(key)) continue;
                var parts = key.Split('/');
                await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = parts[1], Namespace = parts[0] } });
            }
        }
        static string KeyOf(ConfigMap m) => $"{m.Metadata.Namespace}/{m.Metadata.Name}";

        await AddAsync(5000);
        var first = await _store.ListAsync<ConfigMap>();
        await AddAsync(700);
        foreach (var key in names.Take(300).ToArray())
        {
            await _store.DeleteAsync<ConfigMap>(key.Split('/')[0], key.Split('/')[1]);
            names.Remove(key);
        }
        var second = await _store.ListAsync<ConfigMap>();
        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListAsync<ConfigMap>(new ListOptions { Limit = 97, Continue = token });
            paged.AddRange(page.Items.Select(KeyOf));
            token = page.Continue;
        }
        while (token is not null);

        var expected = names.Order(StringComparer.Ordinal).ToArray();
        Assert.That(first.Items.Select(KeyOf), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(second.Items.Select(KeyOf), Is.EqualTo(expected));
        Assert.That(paged, Is.EqualTo(expected));
    }

    [Test]
    public async Task ListAsync_Namespace_ReturnsOnlyThatNamespace()
    {
        await _store.CreateAsync<Namespace>(new Namespace { Metadata = new ObjectMeta { Name = "other" } });
        await _store.CreateAsync<Pod>(NewPod("a"));
        await _store.CreateAsync<Pod>(NewPod("b", "other"));

        var list = await _store.ListAsync<Pod>(new ListOptions { Namespace = "other" });

        Assert.That(list.Items.Select(p => p.Metadata.Name), Is.EqualTo(new[] { "b" }));
    }

    private static readonly string[] Selectors =
    [
        "app=web", "app==web", "app!=web", "app in (web,db)", "app notin (web)", "tier", "!tier", "app=web,tier=fe",
        "app=web,tier!=fe", "app=nothing", "app=web,tier in (be)", "",
    ];

    [TestCaseSource(nameof(Selectors))]
    public async Task ListAsync_LabelSelector_ReturnsExactlyTheMatchingObjects(string selector)
    {
        string[] apps = ["web", "db", "cache"];
        string[] tiers = ["fe", "be", ""];
        for (var i = 0; i < 60; i++)
        {
            var labels = new Dictionary<string, string> { ["app"] = apps[i % 3] };
            if (tiers[i % 7 % 3] is { Length: > 0 } tier) labels["tier"] = tier;
            await _store.CreateAsync<Pod>(NewPod($"p{i:D2}", labels: labels));
        }
        var all = (await _store.ListAsync<Pod>()).Items;
        var parsed = Selector.Parse(selector);

        var list = await _store.ListAsync<Pod>(new ListOptions { LabelSelector = selector });

        Assert.That(list.Items.Select(p => p.Metadata.Name), Is.EqualTo(all.Where(p => parsed.Matches(p.Metadata.Labels)).Select(p => p.Metadata.Name)));
    }

    [Test]
    public async Task ListAsync_LabelSelectorAfterLabelChanges_UsesCurrentLabels()
    {
        var pod = await _store.CreateAsync<Pod>(NewPod("web", labels: Labels(("app", "old"))));
        await _store.UpdateAsync<Pod>(pod.WithLabel("app", "new"));

        var old = await _store.ListAsync<Pod>(new ListOptions { LabelSelector = "app=old" });
        var current = await _store.ListAsync<Pod>(new ListOptions { LabelSelector = "app=new" });

        Assert.That(old.Items, Is.Empty);
        Assert.That(current.Items.Select(p => p.Metadata.Name), Is.EqualTo(new[] { "web" }));
    }

    [Test]
    public async Task ListAsync_FieldSelectorNodeName_ReturnsPodsBoundToThatNode()
    {
        await _store.CreateAsync<Pod>(NewPod("a", nodeName: "node-1"));
        await _store.CreateAsync<Pod>(NewPod("b", nodeName: "node-2"));
        var c = await _store.CreateAsync<Pod>(NewPod("c"));
        await _store.UpdateAsync<Pod>(c with { Spec = c.Spec with { NodeName = "node-1" } });
        await _store.CreateAsync<Pod>(NewPod("d"));

        var onNode1 = await _store.ListAsync<Pod>(new ListOptions { FieldSelector = "spec.nodeName=node-1" });
        var unscheduled = await _store.ListAsync<Pod>(new ListOptions { FieldSelector = "spec.nodeName=" });
        var notOnNode1 = await _store.ListAsync<Pod>(new ListOptions { FieldSelector = "spec.nodeName!=node-1,metadata.name!=d" });

        Assert.That(onNode1.Items.Select(p => p.Metadata.Name), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(unscheduled.Items.Select(p => p.Metadata.Name), Is.EqualTo(new[] { "d" }));
        Assert.That(notOnNode1.Items.Select(p => p.Metadata.Name), Is.EqualTo(new[] { "b" }));
    }

    [TestCase("spec.nodeName in (a)", null)]
    [TestCase(null, "app in (a")]
    [TestCase("spec.unknownField=x", null)]
    public void ListAsync_InvalidSelector_ThrowsBadRequest(string? fieldSelector, string? labelSelector)
    {
        Assert.ThrowsAsync<BadRequestException>(async () =>
            await _store.ListAsync<Pod>(new ListOptions { FieldSelector = fieldSelector, LabelSelector = labelSelector }));
    }

    [Test]
    public async Task ListAsync_LimitAndContinue_PagesThroughTheSnapshotOfTheFirstPage()
    {
        for (var i = 0; i < 25; i++) await _store.CreateAsync<Pod>(NewPod($"p{i:D2}"));

        var first = await _store.ListAsync<Pod>(new ListOptions { Limit = 10 });
        // Changes after the first page must not show in later pages.
        await _store.DeleteAsync<Pod>("default", "p15");
        await _store.CreateAsync<Pod>(NewPod("p12a"));
        var p20 = await _store.GetRequiredAsync<Pod>("default", "p20");
        await _store.UpdateAsync<Pod>(p20.WithLabel("changed", "yes"));
        var second = await _store.ListAsync<Pod>(new ListOptions { Limit = 10, Continue = first.Continue });
        var third = await _store.ListAsync<Pod>(new ListOptions { Limit = 10, Continue = second.Continue });

        Assert.That(first.Items.Select(p => p.Metadata.Name), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"p{i:D2}")));
        Assert.That(second.Items.Select(p => p.Metadata.Name), Is.EqualTo(Enumerable.Range(10, 10).Select(i => $"p{i:D2}")));
        Assert.That(third.Items.Select(p => p.Metadata.Name), Is.EqualTo(Enumerable.Range(20, 5).Select(i => $"p{i:D2}")));
        Assert.That(third.Items[0].Metadata.Labels, Is.Empty, "p20 as it was at the first page's version");
        Assert.That(new[] { second.ResourceVersion, third.ResourceVersion }, Is.All.EqualTo(first.ResourceVersion));
        Assert.That(new[] { first.RemainingItemCount, second.RemainingItemCount }, Is.EqualTo(new long?[] { 15, 5 }));
        Assert.That(third.Continue, Is.Null);
    }

    [Test]
    public async Task ListAsync_LimitWithSelector_PagesOnlyMatchingObjects()
    {
        for (var i = 0; i < 40; i++) await _store.CreateAsync<Pod>(NewPod($"p{i:D2}", labels: Labels(("even", (i % 2 == 0).ToString().ToLowerInvariant()))));

        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListAsync<Pod>(new ListOptions { LabelSelector = "even=true", Limit = 3, Continue = token });
            names.AddRange(page.Items.Select(p => p.Metadata.Name!));
            token = page.Continue;
        }
        while (token is not null);

        Assert.That(names, Is.EqualTo(Enumerable.Range(0, 20).Select(i => $"p{i * 2:D2}")));
    }

    [Test]
    public async Task ListAsync_ContinueBeyondRetainedHistory_ThrowsResourceExpired()
    {
        using var store = NewStore(options: new InMemoryObjectStoreOptions { WatchHistorySize = 16 });
        for (var i = 0; i < 5; i++) await store.CreateAsync<Pod>(NewPod($"p{i}"));
        var first = await store.ListAsync<Pod>(new ListOptions { Limit = 2 });
        for (var i = 0; i < 40; i++) await store.CreateAsync<Pod>(NewPod($"q{i}"));

        Assert.ThrowsAsync<ResourceExpiredException>(async () => await store.ListAsync<Pod>(new ListOptions { Limit = 2, Continue = first.Continue }));
    }

    [Test]
    public void ListAsync_ForgedContinueToken_ThrowsBadRequest()
    {
        Assert.ThrowsAsync<BadRequestException>(async () => await _store.ListAsync<Pod>(new ListOptions { Continue = "not-a-token" }));
    }

    [Test]
    public async Task ListAsync_DuringConcurrentWrites_ReturnsExactSnapshotsAtTheirVersions()
    {
        // One writer creates, relabels and deletes pods and records the pod set after each write; concurrent lists
        // must equal the recorded set at their resourceVersion, item for item.
        var states = new SortedList<long, Dictionary<string, string>>();
        var current = new Dictionary<string, string>();
        var ct = Deadline();
        var writer = Task.Run(async () =>
        {
            var random = new Random(7);
            for (var i = 0; i < 3000; i++)
            {
                var name = $"p{random.Next(60):D2}";
                KubernetesObject? written;
                var existing = await _store.GetAsync<Pod>("default", name, ct);
                if (existing is null) written = await _store.CreateAsync<Pod>(NewPod(name, labels: Labels(("v", "0"))), ct);
                else if (random.Next(4) == 0) written = await _store.DeleteAsync<Pod>("default", name, null, ct);
                else written = await _store.UpdateAsync<Pod>(existing.WithLabel("v", i.ToString()), ct);
                lock (states)
                {
                    if (written is null) current.Remove(name);
                    else current[name] = written.Metadata.Labels["v"];
                    states[_store.CurrentResourceVersion] = new Dictionary<string, string>(current);
                }
            }
        }, ct);

        var checkedLists = 0;
        while (!writer.IsCompleted)
        {
            // Alternate a full scan and an index read (by namespace).
            var options = checkedLists % 2 == 0 ? new ListOptions { LabelSelector = "v" } : new ListOptions { Namespace = "default" };
            var list = await _store.ListAsync<Pod>(options, ct);
            var rv = long.Parse(list.ResourceVersion);
            Dictionary<string, string> expected;
            lock (states)
            {
                var at = states.Keys.LastOrDefault(k => k <= rv);
                expected = at == 0 ? [] : states[at];
                if (states.Keys.Count == 0 || states.Keys[^1] < rv) continue; // the writer has not recorded this version yet
            }
            Assert.That(list.Items.ToDictionary(p => p.Metadata.Name!, p => p.Metadata.Labels["v"]), Is.EqualTo(expected), $"list at {rv}");
            checkedLists++;
        }
        await writer;
        Assert.That(checkedLists, Is.GreaterThan(0));
    }
}
