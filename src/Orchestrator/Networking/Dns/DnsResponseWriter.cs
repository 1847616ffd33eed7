using System.Buffers.Binary;
using System.Net.Sockets;

namespace Orchestrator.Networking.Dns;

/// <summary>
/// Writes a response to a <see cref="DnsQuery"/> (RFC 1035 wire format): the question copied from the request, then
/// the answer and additional records, with name compression (not in SRV targets, RFC 2782), an OPT record when the
/// query had one (RFC 6891), and truncation (TC, no records) when the message exceeds the transport's limit.
/// </summary>
internal sealed class DnsResponseWriter
{
    /// <summary>The UDP payload size advertised in our OPT record.</summary>
    public const ushort AdvertisedUdpSize = 1232;

    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[512];
    private int _length;

    private DnsResponseWriter()
    {
    }

    /// <summary>The largest response for <paramref name="query"/> on UDP: 512 bytes, or its EDNS0 payload size (at most 4096).</summary>
    public static int UdpLimit(DnsQuery query) => query.HasEdns ? Math.Min((int)query.UdpPayloadSize, 4096) : 512;

    /// <summary>Builds the response; <paramref name="maxSize"/> is the transport limit (UDP) or 65535 (TCP).</summary>
    public static byte[] Build(DnsQuery query, ReadOnlySpan<byte> request, DnsAnswer answer, int maxSize)
    {
        var full = new DnsResponseWriter().Write(query, request, answer, truncated: false);
        return full.Length <= maxSize ? full : new DnsResponseWriter().Write(query, request, answer, truncated: true);
    }

    /// <summary>A response carrying only a code: to malformed queries (FORMERR, echoing the id) and when forwarding fails (SERVFAIL).</summary>
    public static byte[] Error(ushort id, ushort requestFlags, int rcode, DnsQuery? query = null, ReadOnlySpan<byte> request = default)
    {
        if (query is not null) return Build(query, request, new DnsAnswer(rcode, false, [], []), 65535);
        var message = new byte[DnsQuery.HeaderSize];
        BinaryPrimitives.WriteUInt16BigEndian(message, id);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)(0x8000 | (requestFlags & 0x7900) | 0x0080 | rcode));
        return message;
    }

    private byte[] Write(DnsQuery query, ReadOnlySpan<byte> request, DnsAnswer answer, bool truncated)
    {
        var flags = 0x8000 | (query.Opcode << 11) | (query.Flags & 0x0100) | 0x0080 | (answer.Rcode & 0xF);
        if (answer.Authoritative) flags |= 0x0400;
        if (truncated) flags |= 0x0200;
        var answers = truncated ? [] : answer.Answers;
        var additional = truncated ? [] : answer.Additional;
        WriteUInt16(query.Id);
        WriteUInt16((ushort)flags);
        WriteUInt16(1);
        WriteUInt16((ushort)answers.Count);
        WriteUInt16(0);
        WriteUInt16((ushort)(additional.Count + (query.HasEdns ? 1 : 0)));

        // The question as the client sent it (keeps its letter case); its suffixes are compression targets.
        var question = request[DnsQuery.HeaderSize..query.QuestionEnd];
        Ensure(question.Length);
        question.CopyTo(_buffer.AsSpan(_length));
        RegisterQuestionName(question);
        _length += question.Length;

        foreach (var record in answers) WriteRecord(record);
        foreach (var record in additional) WriteRecord(record);
        if (query.HasEdns)
        {
            WriteByte(0);
            WriteUInt16(DnsType.Opt);
            WriteUInt16(AdvertisedUdpSize);
            WriteUInt32(0);
            WriteUInt16(0);
        }
        return _buffer.AsSpan(0, _length).ToArray();
    }

    private void RegisterQuestionName(ReadOnlySpan<byte> question)
    {
        List<(int Offset, string Label)> labels = [];
        var position = 0;
        while (position < question.Length && question[position] != 0)
        {
            var length = question[position];
            var label = System.Text.Encoding.ASCII.GetString(question.Slice(position + 1, length)).ToLowerInvariant();
            labels.Add((DnsQuery.HeaderSize + position, label));
            position += length + 1;
        }
        for (var i = 0; i < labels.Count; i++)
        {
            _names.TryAdd(string.Join('.', labels.Skip(i).Select(l => l.Label)), labels[i].Offset);
        }
    }

    private void WriteRecord(DnsResourceRecord record)
    {
        WriteName(record.Name, compress: true);
        WriteUInt16(record.Type);
        WriteUInt16(1);
        WriteUInt32(record.Ttl);
        var lengthAt = _length;
        WriteUInt16(0);
        var start = _length;
        switch (record.Type)
        {
            case DnsType.A or DnsType.Aaaa:
                var bytes = record.Address!.GetAddressBytes();
                Ensure(bytes.Length);
                bytes.CopyTo(_buffer, _length);
                _length += bytes.Length;
                break;
            case DnsType.Cname:
                WriteName(record.Target!, compress: true);
                break;
            case DnsType.Srv:
                WriteUInt16(0);
                WriteUInt16(record.Weight);
                WriteUInt16(record.Port);
                WriteName(record.Target!, compress: false);
                break;
            default:
                var raw = record.RawData ?? [];
                Ensure(raw.Length);
                raw.CopyTo(_buffer, _length);
                _length += raw.Length;
                break;
        }
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(lengthAt), (ushort)(_length - start));
    }

    private void WriteName(string name, bool compress)
    {
        var labels = name.Length == 0 ? [] : name.TrimEnd('.').Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var suffix = string.Join('.', labels[i..]).ToLowerInvariant();
            if (compress && _names.TryGetValue(suffix, out var pointer))
            {
                WriteUInt16((ushort)(0xC000 | pointer));
                return;
            }
            if (_length < 0x3FFF) _names.TryAdd(suffix, _length);
            var label = labels[i];
            if (label.Length is 0 or > 63) throw new ArgumentException($"\"{name}\" is not a valid DNS name.", nameof(name));
            WriteByte((byte)label.Length);
            Ensure(label.Length);
            foreach (var c in label) _buffer[_length++] = (byte)c;
        }
        WriteByte(0);
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    private void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    private void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }

    /// <summary>The record type for an address.</summary>
    public static ushort TypeOf(System.Net.IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? DnsType.Aaaa : DnsType.A;
}
