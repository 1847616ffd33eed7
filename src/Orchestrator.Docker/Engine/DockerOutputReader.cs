using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// Decodes container output (logs, exec). Without a TTY the engine multiplexes stdout and stderr in frames: an 8-byte
/// header (stream kind, three zero bytes, big-endian payload length) and the payload. With a TTY the output is raw.
/// </summary>
internal static class DockerOutputReader
{
    private const int HeaderSize = 8;
    private const int MaxLineLength = 1024 * 1024;

    /// <summary>
    /// Yields the payload of each frame. The memory is only valid until the next item is requested.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream ends inside a frame or a header is malformed.</exception>
    public static async IAsyncEnumerable<(DockerStreamKind Stream, ReadOnlyMemory<byte> Payload)> ReadFramesAsync(
        Stream stream, [EnumeratorCancellation] CancellationToken ct = default)
    {
        byte[] header = new byte[HeaderSize];
        byte[] payload = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                int got = await ReadAtLeastAsync(stream, header, HeaderSize, ct).ConfigureAwait(false);
                if (got == 0)
                    yield break;
                if (got < HeaderSize)
                    throw new InvalidDataException("The Docker output stream ended inside a frame header.");
                if (header[0] > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0)
                    throw new InvalidDataException("The Docker output stream is not multiplexed (is the container a TTY?).");

                int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)));
                if (length > payload.Length)
                {
                    ArrayPool<byte>.Shared.Return(payload);
                    payload = ArrayPool<byte>.Shared.Rent(length);
                }

                if (await ReadAtLeastAsync(stream, payload, length, ct).ConfigureAwait(false) < length)
                    throw new InvalidDataException("The Docker output stream ended inside a frame.");
                yield return ((DockerStreamKind)header[0], payload.AsMemory(0, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>
    /// Yields the output as lines per stream: multiplexed frames are split and joined at newlines separately for
    /// stdout and stderr; raw (TTY) output is all stdout. A trailing <c>\r</c> is dropped; an unterminated last line
    /// is yielded at the end; a line longer than 1 MiB is yielded in pieces.
    /// </summary>
    public static async IAsyncEnumerable<DockerLogLine> ReadLinesAsync(
        Stream stream, bool multiplexed, bool timestamps, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var pending = new[] { new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>() };
        var lines = new List<DockerLogLine>();
        if (multiplexed)
        {
            await foreach ((DockerStreamKind kind, ReadOnlyMemory<byte> payload) in ReadFramesAsync(stream, ct).ConfigureAwait(false))
            {
                Split(kind, payload.Span, pending[(int)kind], timestamps, lines);
                foreach (DockerLogLine line in lines)
                    yield return line;
                lines.Clear();
            }
        }
        else
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    Split(DockerStreamKind.Stdout, buffer.AsSpan(0, read), pending[1], timestamps, lines);
                    foreach (DockerLogLine line in lines)
                        yield return line;
                    lines.Clear();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        for (int kind = 0; kind < pending.Length; kind++)
        {
            if (pending[kind].WrittenCount > 0)
                yield return ToLine((DockerStreamKind)kind, pending[kind].WrittenSpan, timestamps);
        }
    }

    private static void Split(DockerStreamKind kind, ReadOnlySpan<byte> data, ArrayBufferWriter<byte> pending, bool timestamps, List<DockerLogLine> lines)
    {
        int newline;
        while ((newline = data.IndexOf((byte)'\n')) >= 0)
        {
            if (pending.WrittenCount == 0)
                lines.Add(ToLine(kind, data[..newline], timestamps));
            else
            {
                pending.Write(data[..newline]);
                lines.Add(ToLine(kind, pending.WrittenSpan, timestamps));
                pending.ResetWrittenCount();
            }

            data = data[(newline + 1)..];
        }

        pending.Write(data);
        if (pending.WrittenCount >= MaxLineLength)
        {
            lines.Add(ToLine(kind, pending.WrittenSpan, timestamps));
            pending.ResetWrittenCount();
        }
    }

    private static DockerLogLine ToLine(DockerStreamKind kind, ReadOnlySpan<byte> line, bool timestamps)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
            line = line[..^1];
        DateTimeOffset? timestamp = null;
        if (timestamps)
        {
            int space = line.IndexOf((byte)' ');
            string prefix = Encoding.ASCII.GetString(space >= 0 ? line[..space] : line);
            try
            {
                timestamp = DockerTimestampConverter.Parse(prefix);
                line = space >= 0 ? line[(space + 1)..] : [];
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a timestamp (a continuation piece of a long line): keep the text whole.
            }
        }

        return new DockerLogLine(kind, Encoding.UTF8.GetString(line), timestamp);
    }

    private static async ValueTask<int> ReadAtLeastAsync(Stream stream, byte[] buffer, int count, CancellationToken ct) =>
        count == 0 ? 0 : await stream.ReadAtLeastAsync(buffer.AsMemory(0, count), count, throwOnEndOfStream: false, ct).ConfigureAwait(false);
}
