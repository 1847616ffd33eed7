using System.Globalization;
using System.Net;
using Orchestrator.Api;
using Orchestrator.Controllers;

namespace Orchestrator.Networking.Dns;

/// <summary>
/// Answers questions about the cluster domain from the informer caches of Services and Endpoints, the way CoreDNS's
/// <c>kubernetes</c> plugin does:
/// <list type="bullet">
/// <item><c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c>: A of the ClusterIP; for a headless Service an A per ready address; for an
/// ExternalName Service a CNAME to <c>spec.externalName</c> (whatever the type asked);</item>
/// <item><c>&lt;hostname&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c>: A of the endpoint with that hostname (or dashed IP);</item>
/// <item><c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c> (and SRV of the Service name itself): SRV per
/// named port, targeting the Service name (ClusterIP) or each endpoint's name (headless), with A records as additional data;</item>
/// <item><c>a-b-c-d.&lt;ns&gt;.pod.&lt;domain&gt;</c>: A of that address;</item>
/// <item>other names in the domain: NXDOMAIN; existing names with no record of the type asked: NODATA. Everything in
/// the domain is authoritative with TTL 5 s; names outside it are forwarded.</item>
/// </list>
/// </summary>
internal sealed class ClusterDnsResolver(ILister<Service> services, ILister<Endpoints> endpoints, string clusterDomain)
{
    /// <summary>TTL of every record the cluster DNS server makes: 5 seconds, as CoreDNS's default.</summary>
    public const uint Ttl = 5;

    private readonly string _domain = clusterDomain.Trim('.').ToLowerInvariant();

    /// <summary>Answers <paramref name="question"/>, or returns <see cref="DnsAnswer.ToForward"/> for names outside the cluster domain.</summary>
    public DnsAnswer Resolve(DnsQuestion question)
    {
        var name = question.Name;
        string rest;
        if (name == _domain) rest = "";
        else if (name.EndsWith("." + _domain, StringComparison.Ordinal)) rest = name[..^(_domain.Length + 1)];
        else return DnsAnswer.ToForward;
        if (question.Class != 1 && question.Class != 255) return DnsAnswer.NxDomain;
        if (rest.Length == 0) return DnsAnswer.NoData;
        var labels = rest.Split('.');
        return labels[^1] switch
        {
            "svc" => ResolveService(question, labels),
            "pod" => ResolvePod(question, labels),
            _ => DnsAnswer.NxDomain,
        };
    }

    private DnsAnswer ResolveService(DnsQuestion question, string[] labels)
    {
        switch (labels.Length)
        {
            case 1: // svc.<domain>
                return DnsAnswer.NoData;
            case 2: // <ns>.svc.<domain>
                return services.List(labels[0]).Count > 0 ? DnsAnswer.NoData : DnsAnswer.NxDomain;
            case 3: // <svc>.<ns>.svc.<domain>
            {
                var service = services.Get(labels[1], labels[0]);
                if (service is null) return DnsAnswer.NxDomain;
                return ServiceRecords(question, service);
            }
            case 4: // <hostname>.<svc>.<ns>.svc.<domain>
            {
                var service = services.Get(labels[2], labels[1]);
                if (service is null) return DnsAnswer.NxDomain;
                var addresses = EndpointAddresses(service).Where(a => a.Label == labels[0]).Select(a => a.Address).Distinct().ToList();
                if (addresses.Count == 0) return DnsAnswer.NxDomain;
                return AddressRecords(question, addresses);
            }
            case 5 when labels[0].StartsWith('_') && labels[1] is "_tcp" or "_udp": // _<port>._<proto>.<svc>.<ns>.svc.<domain>
            {
                var service = services.Get(labels[3], labels[2]);
                if (service is null || service.Spec.Type == ServiceType.ExternalName) return DnsAnswer.NxDomain;
                var protocol = labels[1] == "_tcp" ? Protocol.Tcp : Protocol.Udp;
                var ports = service.Spec.Ports.Where(p => p.Protocol == protocol && string.Equals(p.Name, labels[0][1..], StringComparison.OrdinalIgnoreCase)).ToList();
                if (ports.Count == 0) return DnsAnswer.NxDomain;
                if (question.Type is not (DnsType.Srv or DnsType.Any)) return DnsAnswer.NoData;
                return SrvRecords(question.Name, service, ports);
            }
            default:
                return DnsAnswer.NxDomain;
        }
    }

    private DnsAnswer ServiceRecords(DnsQuestion question, Service service)
    {
        if (service.Spec.Type == ServiceType.ExternalName)
        {
            var target = service.Spec.ExternalName?.Trim().TrimEnd('.');
            if (string.IsNullOrEmpty(target)) return DnsAnswer.NoData;
            return DnsAnswer.Of([new DnsResourceRecord(question.Name, DnsType.Cname, Ttl, Target: target.ToLowerInvariant())]);
        }
        if (question.Type == DnsType.Srv)
        {
            var named = service.Spec.Ports.Where(p => !string.IsNullOrEmpty(p.Name)).ToList();
            return named.Count == 0 ? DnsAnswer.NoData : SrvRecords(question.Name, service, named);
        }
        if (service.Spec.IsHeadless())
        {
            return AddressRecords(question, [.. EndpointAddresses(service).Select(a => a.Address).Distinct()]);
        }
        List<IPAddress> clusterIps = [];
        foreach (var text in service.Spec.ClusterIPs.Count > 0 ? service.Spec.ClusterIPs : [service.Spec.ClusterIP ?? ""])
        {
            if (IPAddress.TryParse(text, out var ip)) clusterIps.Add(ip);
        }
        return AddressRecords(question, clusterIps);
    }

    private DnsAnswer SrvRecords(string name, Service service, List<ServicePort> ports)
    {
        var serviceName = $"{service.Metadata.Name}.{service.Metadata.Namespace}.svc.{_domain}";
        List<DnsResourceRecord> answers = [];
        List<DnsResourceRecord> additional = [];
        if (!service.Spec.IsHeadless())
        {
            foreach (var port in ports) answers.Add(new DnsResourceRecord(name, DnsType.Srv, Ttl, Target: serviceName, Port: (ushort)port.Port, Weight: 100));
            foreach (var text in service.Spec.ClusterIPs.Count > 0 ? service.Spec.ClusterIPs : [service.Spec.ClusterIP ?? ""])
            {
                if (IPAddress.TryParse(text, out var ip)) additional.Add(new DnsResourceRecord(serviceName, DnsResponseWriter.TypeOf(ip), Ttl, ip));
            }
            return DnsAnswer.Of(answers, additional);
        }
        var endpoint = endpoints.Get(service.Metadata.Namespace, service.Metadata.Name!);
        foreach (var port in ports)
        {
            foreach (var subset in endpoint?.Subsets ?? [])
            {
                var endpointPort = subset.Ports.FirstOrDefault(p => (p.Name ?? "") == (port.Name ?? ""));
                if (endpointPort is null) continue;
                var weight = (ushort)Math.Max(1, 100 / Math.Max(1, subset.Addresses.Count));
                foreach (var address in subset.Addresses)
                {
                    if (!IPAddress.TryParse(address.Ip, out var ip)) continue;
                    var target = $"{HostLabel(address, ip)}.{serviceName}";
                    answers.Add(new DnsResourceRecord(name, DnsType.Srv, Ttl, Target: target, Port: (ushort)endpointPort.Port, Weight: weight));
                    if (!additional.Any(r => r.Name == target)) additional.Add(new DnsResourceRecord(target, DnsResponseWriter.TypeOf(ip), Ttl, ip));
                }
            }
        }
        return answers.Count == 0 ? DnsAnswer.NoData : DnsAnswer.Of(answers, additional);
    }

    private static DnsAnswer AddressRecords(DnsQuestion question, List<IPAddress> addresses)
    {
        var type = question.Type;
        if (type is not (DnsType.A or DnsType.Aaaa or DnsType.Any)) return DnsAnswer.NoData;
        var records = addresses
            .Where(a => type == DnsType.Any || DnsResponseWriter.TypeOf(a) == type)
            .Select(a => new DnsResourceRecord(question.Name, DnsResponseWriter.TypeOf(a), Ttl, a))
            .ToList();
        return DnsAnswer.Of(records);
    }

    /// <summary>Ready addresses of the Service's Endpoints with the label that names each: its hostname, or its IP with dashes.</summary>
    private IEnumerable<(string Label, IPAddress Address)> EndpointAddresses(Service service)
    {
        var endpoint = endpoints.Get(service.Metadata.Namespace, service.Metadata.Name!);
        if (endpoint is null) yield break;
        foreach (var subset in endpoint.Subsets)
        {
            foreach (var address in subset.Addresses)
            {
                if (IPAddress.TryParse(address.Ip, out var ip)) yield return (HostLabel(address, ip), ip);
            }
        }
    }

    private static string HostLabel(EndpointAddress address, IPAddress ip) =>
        !string.IsNullOrEmpty(address.Hostname) ? address.Hostname.ToLowerInvariant() : ip.ToString().Replace('.', '-').Replace(':', '-');

    private static DnsAnswer ResolvePod(DnsQuestion question, string[] labels)
    {
        // a-b-c-d.<ns>.pod.<domain>
        if (labels.Length != 3) return labels.Length is 1 or 2 ? DnsAnswer.NoData : DnsAnswer.NxDomain;
        var parts = labels[0].Split('-');
        if (parts.Length != 4 || !parts.All(p => byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _))) return DnsAnswer.NxDomain;
        return AddressRecords(question, [IPAddress.Parse(string.Join('.', parts))]);
    }
}
