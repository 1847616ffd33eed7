using Orchestrator.Api;
using Orchestrator.Store;
namespace Orchestrator.Tests.Client;
public sealed class ScratchTests
{
    [Test, CancelAfter(10_000)]
    public async Task Scratch(CancellationToken ct)
    {
        using var store = new InMemoryObjectStore();
        await store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "a", Namespace = "default" } }, ct);
        var got = new TaskCompletionSource<string>();
        using var s = store.Watch<ConfigMap>(new WatchOptions { Namespace = "default" }).Subscribe(new Obs(got));
        TestContext.Progress.WriteLine("result " + await got.Task.WaitAsync(TimeSpan.FromSeconds(5), ct));
    }
    private sealed class Obs(TaskCompletionSource<string> t) : IObserver<WatchEvent<ConfigMap>>
    {
        public void OnNext(WatchEvent<ConfigMap> v) => t.TrySetResult(v.Type + " " + v.Object.Metadata.Name);
        public void OnError(Exception e) => t.TrySetResult("ERR " + e);
        public void OnCompleted() => t.TrySetResult("done");
    }
}
