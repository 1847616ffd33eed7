using System.Buffers.Binary;
using System.Text;
using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests.Engine;

/// <summary>Decoding of the engine's multiplexed (8-byte header) and raw output streams.</summary>
public sealed class DockerOutputReaderTests
{
    private static byte[] Frame(DockerStreamKind kind, string text)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);
        byte[] frame = new byte[8 + payload.Length];
        frame[0] = (byte)kind;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    private static async Task<List<DockerLogLine>> ReadLines(byte[] data, bool multiplexed, bool timestamps = false, int chunk = 3)
    {
        var lines = new List<DockerLogLine>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (DockerLogLine line in DockerOutputReader.ReadLinesAsync(new TrickleStream(data, chunk), multiplexed, timestamps, cts.Token))
            lines.Add(line);
        return lines;
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4096)]
    public async Task ReadLinesAsync_InterleavedFramesSplitMidLine_JoinsLinesPerStream(int chunk)
    {
        byte[] data = [
            .. Frame(DockerStreamKind.Stdout, "out-1\nou"),
            .. Frame(DockerStreamKind.Stderr, "err-"),
            .. Frame(DockerStreamKind.Stdout, "t-2\r\n"),
            .. Frame(DockerStreamKind.Stderr, "1\n"),
            .. Frame(DockerStreamKind.Stdout, "tail without newline"),
        ];

        List<DockerLogLine> lines = await ReadLines(data, multiplexed: true, chunk: chunk);

        Assert.That(lines.Where(l => l.Stream == DockerStreamKind.Stdout).Select(l => l.Text), Is.EqualTo(new[] { "out-1", "out-2", "tail without newline" }));
        Assert.That(lines.Where(l => l.Stream == DockerStreamKind.Stderr).Select(l => l.Text), Is.EqualTo(new[] { "err-1" }));
    }

    [Test]
    public async Task ReadLinesAsync_RawTtyOutput_IsAllStdout()
    {
        List<DockerLogLine> lines = await ReadLines(Encoding.UTF8.GetBytes("one\r\ntwo\r\n"), multiplexed: false);

        Assert.That(lines, Is.EqualTo(new[] { new DockerLogLine(DockerStreamKind.Stdout, "one"), new DockerLogLine(DockerStreamKind.Stdout, "two") }));
    }

    [Test]
    public async Task ReadLinesAsync_Timestamps_AreParsedAndStripped()
    {
        byte[] data = Frame(DockerStreamKind.Stdout, "2026-11-22T01:55:13.890254671Z hello world\n");

        DockerLogLine line = (await ReadLines(data, multiplexed: true, timestamps: true)).Single();

        Assert.That(line.Text, Is.EqualTo("hello world"));
        Assert.That(line.Timestamp, Is.EqualTo(new DateTimeOffset(2026, 11, 22, 1, 55, 13, TimeSpan.Zero).AddTicks(8902546)));
    }

    [Test]
    public async Task ReadLinesAsync_MultiByteCharacterSplitAcrossFrames_DecodesWhole()
    {
        byte[] euro = Encoding.UTF8.GetBytes("€\n");
        byte[] first = [(byte)DockerStreamKind.Stdout, 0, 0, 0, 0, 0, 0, 1, euro[0]];
        byte[] second = [(byte)DockerStreamKind.Stdout, 0, 0, 0, 0, 0, 0, (byte)(euro.Length - 1), .. euro[1..]];

        List<DockerLogLine> lines = await ReadLines([.. first, .. second], multiplexed: true);

        Assert.That(lines.Single().Text, Is.EqualTo("€"));
    }

    [Test]
    public void ReadFramesAsync_StreamEndsInsideFrame_ThrowsInvalidData()
    {
        byte[] frame = Frame(DockerStreamKind.Stdout, "truncated payload");

        Assert.ThrowsAsync<InvalidDataException>(async () => await ReadLines(frame[..^4], multiplexed: true));
    }

    [Test]
    public void ReadFramesAsync_RawBytesReadAsMultiplexed_ThrowsInvalidDataNamingTty()
    {
        var error = Assert.ThrowsAsync<InvalidDataException>(async () => await ReadLines(Encoding.UTF8.GetBytes("plain text output\n"), multiplexed: true));
        Assert.That(error!.Message, Does.Contain("TTY"));
    }
}
