using System.Net;

namespace Orchestrator.Networking.Dns;

/// <summary>A record to write into a response. Which data fields are used depends on <see cref="Type"/>.</summary>
/// <param name="Name">The owner name (lower case, no trailing dot).</param>
/// <param name="Type">The record type.</param>
/// <param name="Ttl">Time to live in seconds.</param>
/// <param name="Address">A and AAAA: the address.</param>
/// <param name="Target">CNAME and SRV: the target name.</param>
/// <param name="Port">SRV: the port.</param>
/// <param name="Weight">SRV: the weight.</param>
/// <param name="RawData">Other types: the rdata as received from upstream (must contain no compressed names).</param>
internal readonly record struct DnsResourceRecord(
    string Name, ushort Type, uint Ttl, IPAddress? Address = null, string? Target = null, ushort Port = 0, ushort Weight = 0, byte[]? RawData = null);

/// <summary>What the cluster DNS server answers to a question, or that it forwards it.</summary>
/// <param name="Rcode">The response code.</param>
/// <param name="Authoritative">Whether the AA bit is set (names in the cluster domain).</param>
/// <param name="Answers">The answer section.</param>
/// <param name="Additional">The additional section (A records of SRV targets).</param>
/// <param name="Forward">The question is outside the cluster domain and goes to the upstream servers.</param>
internal sealed record DnsAnswer(int Rcode, bool Authoritative, IReadOnlyList<DnsResourceRecord> Answers, IReadOnlyList<DnsResourceRecord> Additional, bool Forward = false)
{
    public static readonly DnsAnswer ToForward = new(DnsRcode.NoError, false, [], [], Forward: true);

    public static readonly DnsAnswer NxDomain = new(DnsRcode.NxDomain, true, [], []);

    public static readonly DnsAnswer NoData = new(DnsRcode.NoError, true, [], []);

    public static DnsAnswer Of(IReadOnlyList<DnsResourceRecord> answers, IReadOnlyList<DnsResourceRecord>? additional = null) =>
        new(DnsRcode.NoError, true, answers, additional ?? []);
}
