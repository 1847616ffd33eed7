namespace Orchestrator.Networking.Dns;

/// <summary>Record types (RFC 1035, 2782, 3596, 6891) the cluster DNS server knows.</summary>
internal static class DnsType
{
    public const ushort A = 1;
    public const ushort Ns = 2;
    public const ushort Cname = 5;
    public const ushort Soa = 6;
    public const ushort Ptr = 12;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;
    public const ushort Srv = 33;
    public const ushort Opt = 41;
    public const ushort Any = 255;
}

/// <summary>Response codes (RFC 1035 4.1.1).</summary>
internal static class DnsRcode
{
    public const int NoError = 0;
    public const int FormErr = 1;
    public const int ServFail = 2;
    public const int NxDomain = 3;
    public const int NotImp = 4;
    public const int Refused = 5;

    public static string Name(int rcode) => rcode switch
    {
        NoError => "NOERROR",
        FormErr => "FORMERR",
        ServFail => "SERVFAIL",
        NxDomain => "NXDOMAIN",
        NotImp => "NOTIMP",
        Refused => "REFUSED",
        _ => rcode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
