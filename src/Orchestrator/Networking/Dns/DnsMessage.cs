using System.Buffers.Binary;
using System.Text;

namespace Orchestrator.Networking.Dns;

/// <summary>One question of a DNS message.</summary>
/// <param name="Name">The name, lower case, without the trailing dot (empty for the root).</param>
/// <param name="Type">The query type.</param>
/// <param name="Class">The query class (1 = IN).</param>
internal readonly record struct DnsQuestion(string Name, ushort Type, ushort Class);

/// <summary>A resource record read from a message; rdata of names (CNAME) is decompressed into <see cref="Target"/>.</summary>
internal readonly record struct DnsRecord(string Name, ushort Type, ushort Class, uint Ttl, byte[] Data, string? Target);

/// <summary>
/// A parsed DNS query (RFC 1035 4.1): header, the single question, and the EDNS0 OPT record when present (RFC 6891).
/// Parsing follows name compression pointers (backwards only, bounded) and rejects malformed input.
/// </summary>
internal sealed record DnsQuery(ushort Id, ushort Flags, DnsQuestion Question, int QuestionEnd, bool HasEdns, ushort UdpPayloadSize)
{
    public const int HeaderSize = 12;

    /// <summary>Opcode (bits 11-14 of the flags); 0 is a standard query.</summary>
    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>Whether the client asked for recursion (RD).</summary>
    public bool RecursionDesired => (Flags & 0x0100) != 0;

    /// <summary>Whether the message is a response (QR).</summary>
    public bool IsResponse => (Flags & 0x8000) != 0;

    /// <summary>
    /// Parses <paramref name="message"/>. Returns false (and the id when the header was readable) for anything that is
    /// not one well-formed question.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out DnsQuery? query, out ushort id)
    {
        query = null;
        id = 0;
        if (message.Length < HeaderSize) return false;
        id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var qdCount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var anCount = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var nsCount = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var arCount = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        if (qdCount != 1) return false;
        var offset = HeaderSize;
        if (!TryReadName(message, ref offset, out var name) || offset + 4 > message.Length) return false;
        var question = new DnsQuestion(name, BinaryPrimitives.ReadUInt16BigEndian(message[offset..]), BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]));
        offset += 4;
        var questionEnd = offset;
        var hasEdns = false;
        ushort payload = 512;
        for (var i = 0; i < anCount + nsCount + arCount; i++)
        {
            if (!TryReadRecordHeader(message, ref offset, out _, out var type, out var @class, out var dataLength)) return false;
            if (type == DnsType.Opt && i >= anCount + nsCount)
            {
                hasEdns = true;
                payload = Math.Max((ushort)512, @class);
            }
            offset += dataLength;
        }
        query = new DnsQuery(id, flags, question, questionEnd, hasEdns, payload);
        return true;
    }

    /// <summary>Reads the answer section of a response (used for upstream answers to ExternalName targets).</summary>
    public static bool TryReadAnswers(ReadOnlySpan<byte> message, out int rcode, out List<DnsRecord> answers)
    {
        answers = [];
        rcode = -1;
        if (message.Length < HeaderSize) return false;
        rcode = BinaryPrimitives.ReadUInt16BigEndian(message[2..]) & 0xF;
        var qdCount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var anCount = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var offset = HeaderSize;
        for (var i = 0; i < qdCount; i++)
        {
            if (!TryReadName(message, ref offset, out _) || offset + 4 > message.Length) return false;
            offset += 4;
        }
        for (var i = 0; i < anCount; i++)
        {
            if (!TryReadRecordHeader(message, ref offset, out var name, out var type, out var @class, out var dataLength)) return false;
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset - 6)..]);
            string? target = null;
            if (type == DnsType.Cname)
            {
                var at = offset;
                if (!TryReadName(message, ref at, out var t)) return false;
                target = t;
            }
            answers.Add(new DnsRecord(name, type, @class, ttl, message.Slice(offset, dataLength).ToArray(), target));
            offset += dataLength;
        }
        return true;
    }

    /// <summary>Reads a record's name, type, class, TTL and rdata length; leaves <paramref name="offset"/> at the rdata.</summary>
    private static bool TryReadRecordHeader(ReadOnlySpan<byte> message, ref int offset, out string name, out ushort type, out ushort @class, out int dataLength)
    {
        type = @class = 0;
        dataLength = 0;
        if (!TryReadName(message, ref offset, out name) || offset + 10 > message.Length) return false;
        type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        @class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        dataLength = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        offset += 10;
        return offset + dataLength <= message.Length;
    }

    /// <summary>
    /// Reads a possibly compressed name at <paramref name="offset"/> (advanced past it, i.e. past the first pointer).
    /// Pointers must point before the place they occur; names longer than 255 bytes are rejected. The result is lower
    /// case with labels joined by dots (a dot inside a label is kept as an escaped <c>\.</c> so it never matches).
    /// </summary>
    public static bool TryReadName(ReadOnlySpan<byte> message, ref int offset, out string name)
    {
        name = "";
        var text = new StringBuilder();
        var position = offset;
        var jumped = false;
        var length = 0;
        while (true)
        {
            if (position >= message.Length) return false;
            var label = message[position];
            if ((label & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length) return false;
                var pointer = ((label & 0x3F) << 8) | message[position + 1];
                if (pointer >= position) return false; // forward or self pointers could loop
                if (!jumped) offset = position + 2;
                jumped = true;
                position = pointer;
                continue;
            }
            if ((label & 0xC0) != 0) return false; // extended label types are not supported
            position++;
            if (label == 0) break;
            if (position + label > message.Length) return false;
            length += label + 1;
            if (length > 255) return false;
            if (text.Length > 0) text.Append('.');
            foreach (var b in message.Slice(position, label))
            {
                var c = (char)b;
                if (c == '.' || c == '\\') text.Append('\\');
                text.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
            }
            position += label;
        }
        if (!jumped) offset = position;
        name = text.ToString();
        return true;
    }
}
