using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Benchmarks.Services;

/// <summary>
/// A closed-loop HTTP/1.0 load: each worker connects, sends <c>GET /</c>, reads until the server closes, and starts
/// over, spreading its connections over the targets round-robin. The same code measures the Service and the direct
/// path, so the difference is the proxy's.
/// </summary>
internal static class LoadGenerator
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: bench\r\n\r\n");

    public static async Task<LoadResult> RunAsync(IReadOnlyList<IPEndPoint> targets, int concurrency, TimeSpan duration)
    {
        var result = new LoadResult();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            var errors = new List<string>();
            var buffer = new byte[4096];
            for (var i = w; clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                if (await OneAsync(targets[i % targets.Count], buffer) is { } error) errors.Add(error);
                else latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return (latencies, errors);
        })).ToArray();
        foreach (var (latencies, errors) in await Task.WhenAll(workers))
        {
            result.Latencies.AddRange(latencies);
            foreach (var error in errors) result.ErrorKinds[error] = result.ErrorKinds.GetValueOrDefault(error) + 1;
        }
        result.Seconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    /// <summary>Retries one request until it succeeds (the proxy may not have seen the endpoints yet).</summary>
    public static async Task WaitUntilServedAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (await OneAsync(target, buffer) is not null)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>One request; null when it succeeded, else what failed (a socket error, <c>timeout</c>, or <c>status</c>: no 2xx answer).</summary>
    private static async Task<string?> OneAsync(IPEndPoint target, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(target, timeout.Token);
            await socket.SendAsync(Request, SocketFlags.None, timeout.Token);
            // Read the status line's start ("HTTP/1.0 200"), then the rest until the server closes.
            var total = 0;
            int read;
            while (total < 12 && (read = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token)) > 0) total += read;
            var ok = total >= 12 && buffer[9] == (byte)'2';
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return ok ? null : "status";
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode.ToString();
        }
        catch (OperationCanceledException)
        {
            return "timeout";
        }
    }
}

/// <summary>The requests of one or more runs: latencies of the successful ones, errors, and the time they took.</summary>
internal sealed class LoadResult
{
    public List<double> Latencies { get; } = [];

    /// <summary>Failed requests by what failed.</summary>
    public Dictionary<string, int> ErrorKinds { get; } = [];

    public int Errors => ErrorKinds.Values.Sum();

    public double Seconds { get; set; }

    /// <summary>Successful requests per second.</summary>
    public double Rps => Seconds > 0 ? Latencies.Count / Seconds : 0;

    public void Add(LoadResult other)
    {
        Latencies.AddRange(other.Latencies);
        foreach (var (kind, count) in other.ErrorKinds) ErrorKinds[kind] = ErrorKinds.GetValueOrDefault(kind) + count;
        Seconds += other.Seconds;
    }

    /// <summary>The latency in milliseconds at quantile <paramref name="q"/> (0..1) of the successful requests.</summary>
    public double Percentile(double q)
    {
        if (Latencies.Count == 0) return double.NaN;
        var sorted = Latencies.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}
