namespace Orchestrator.Docker.Tests.Engine;

/// <summary>A read-only in-memory stream that returns at most a few bytes per read, like a slow socket.</summary>
internal sealed class TrickleStream(byte[] data, int maxBytesPerRead) : MemoryStream(data, writable: false)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxBytesPerRead));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, maxBytesPerRead)], cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        base.ReadAsync(buffer, offset, Math.Min(count, maxBytesPerRead), cancellationToken);
}
