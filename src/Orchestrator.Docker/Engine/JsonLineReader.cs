using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// Reads a stream of newline-separated JSON values (events, pull progress) and yields each value as soon as its line
/// is complete, from one pooled buffer.
/// </summary>
internal static class JsonLineReader
{
    private const int InitialBufferSize = 16 * 1024;
    private const int MaxLineLength = 16 * 1024 * 1024;

    /// <exception cref="JsonException">A line is not a valid value of <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidDataException">A line is longer than 16 MiB.</exception>
    public static async IAsyncEnumerable<T> ReadAsync<T>(Stream stream, JsonTypeInfo<T> typeInfo, [EnumeratorCancellation] CancellationToken ct = default)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                int newline;
                while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0)
                {
                    T? item = Parse(buffer.AsSpan(start, newline), typeInfo);
                    start += newline + 1;
                    if (item is not null)
                        yield return item;
                }

                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxLineLength)
                        throw new InvalidDataException($"A JSON line from the Docker engine is longer than {MaxLineLength} bytes.");
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await stream.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    T? last = Parse(buffer.AsSpan(0, end), typeInfo);
                    if (last is not null)
                        yield return last;
                    yield break;
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T? Parse<T>(ReadOnlySpan<byte> line, JsonTypeInfo<T> typeInfo)
    {
        line = line.Trim(" \t\r"u8);
        return line.IsEmpty ? default : JsonSerializer.Deserialize(line, typeInfo);
    }
}
