namespace Orchestrator.Store;

/// <summary>Tuning of an <see cref="InMemoryObjectStore"/>. The defaults suit clusters of up to a few hundred thousand objects.</summary>
public sealed record InMemoryObjectStoreOptions
{
    /// <summary>
    /// How many recent changes of each kind are kept (rounded up to a power of two) so that watches can resume from a
    /// resourceVersion and paged lists can continue at theirs. Older versions are reported as expired (410 Gone).
    /// The history holds the previous states of changed objects, so memory grows with it under heavy churn.
    /// Default 100,000.
    /// </summary>
    public int WatchHistorySize { get; init; } = 100_000;

    /// <summary>
    /// How many changes a watcher may fall behind the latest write of its kind before it is failed with
    /// <see cref="Api.Errors.ResourceExpiredException"/>; capped at <see cref="WatchHistorySize"/>. Watchers read
    /// from the shared history, so this costs no memory per watcher. Default 10,000.
    /// </summary>
    public int WatchBufferSize { get; init; } = 10_000;

    /// <summary>How often watches that allow bookmarks receive one. Default one minute.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The source of the five random characters appended to <c>metadata.generateName</c>, and of the picks of free service
    /// IPs and node ports; null uses <see cref="System.Random.Shared"/>. Give a seeded instance for reproducible names in
    /// tests (the store serializes access to it).
    /// </summary>
    public Random? Random { get; init; }

    /// <summary>
    /// The CIDR that Services' <c>spec.clusterIP</c> is allocated from (kube-apiserver's <c>--service-cluster-ip-range</c>):
    /// IPv4 from /12 to /30 or IPv6 from /108 to /126; the network address (and for IPv4 the broadcast address) is never
    /// handed out. Addresses are picked at random, from the upper part of the range first so that the lowest addresses
    /// stay free for users who choose theirs. A Service that asks for an address outside it or one already taken is
    /// rejected (422), and creating one when every address is taken fails (500). Default <c>10.96.0.0/12</c>.
    /// </summary>
    public string ServiceClusterIPRange { get; init; } = "10.96.0.0/12";

    /// <summary>
    /// The ports (<c>min-max</c>, inclusive) that NodePort and LoadBalancer Services' <c>nodePort</c> is allocated from
    /// (kube-apiserver's <c>--service-node-port-range</c>), with the same rules as <see cref="ServiceClusterIPRange"/>.
    /// Default <c>30000-32767</c>.
    /// </summary>
    public string ServiceNodePortRange { get; init; } = "30000-32767";
}
