namespace Orchestrator.Api.Validation;

/// <summary>Validation of services and endpoints.</summary>
internal static partial class CoreValidation
{
    private static void ValidateService(Service service, ValidationErrors errors)
    {
        var spec = service.Spec;
        if (!ServiceType.All.Contains(spec.Type)) errors.NotSupported("spec.type", spec.Type, ServiceType.All);
        var externalName = spec.Type == ServiceType.ExternalName;
        if (externalName)
        {
            if (string.IsNullOrEmpty(spec.ExternalName)) errors.Required("spec.externalName");
            else if (NameRules.IsDns1123Subdomain(spec.ExternalName.TrimEnd('.')) is { } error) Invalid(errors, "spec.externalName", spec.ExternalName, error);
            if (!string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIP != "None")
            {
                Forbidden(errors, "spec.clusterIP", "may not be set for ExternalName services");
            }
        }
        else if (spec.Ports.Count == 0 && !spec.IsHeadless())
        {
            errors.Required("spec.ports");
        }

        if (!string.IsNullOrEmpty(spec.ClusterIP) && spec.ClusterIP != "None" && !IsIPAddress(spec.ClusterIP))
        {
            Invalid(errors, "spec.clusterIP", spec.ClusterIP, "must be empty, 'None', or a valid IP address");
        }
        if (spec.IsHeadless() && spec.Type is ServiceType.NodePort or ServiceType.LoadBalancer)
        {
            Invalid(errors, "spec.clusterIP", "None", $"may not be set to 'None' for {spec.Type} services");
        }

        ValidateServicePorts(spec, errors);
        MetadataValidation.ValidateLabels(spec.Selector, "spec.selector", errors);

        if (!SessionAffinity.All.Contains(spec.SessionAffinity))
        {
            errors.NotSupported("spec.sessionAffinity", spec.SessionAffinity, SessionAffinity.All);
        }
        if (spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds is { } timeout)
        {
            if (spec.SessionAffinity != SessionAffinity.ClientIP)
            {
                Invalid(errors, "spec.sessionAffinityConfig", "", "must not be set when session affinity is None");
            }
            else if (timeout is < 1 or > 86400)
            {
                Invalid(errors, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout, "must be greater than 0 and less than 86400");
            }
        }
        if (spec.ExternalTrafficPolicy is { } external)
        {
            if (!ServiceTrafficPolicy.All.Contains(external)) errors.NotSupported("spec.externalTrafficPolicy", external, ServiceTrafficPolicy.All);
            else if (spec.Type is ServiceType.ClusterIP or ServiceType.ExternalName)
            {
                Invalid(errors, "spec.externalTrafficPolicy", external, "may only be set when `type` is 'NodePort' or 'LoadBalancer'");
            }
        }
        if (spec.InternalTrafficPolicy is { } internalPolicy && !ServiceTrafficPolicy.All.Contains(internalPolicy))
        {
            errors.NotSupported("spec.internalTrafficPolicy", internalPolicy, ServiceTrafficPolicy.All);
        }
        for (var i = 0; i < spec.IpFamilies.Count; i++)
        {
            if (spec.IpFamilies[i] is not ("IPv4" or "IPv6")) errors.NotSupported($"spec.ipFamilies[{i}]", spec.IpFamilies[i], ["IPv4", "IPv6"]);
        }
        if (spec.IpFamilyPolicy is { } familyPolicy && familyPolicy is not ("SingleStack" or "PreferDualStack" or "RequireDualStack"))
        {
            errors.NotSupported("spec.ipFamilyPolicy", familyPolicy, ["SingleStack", "PreferDualStack", "RequireDualStack"]);
        }
    }

    private static void ValidateServicePorts(ServiceSpec spec, ValidationErrors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var portProtocols = new HashSet<(int, string)>();
        var nodePorts = new HashSet<(int, string)>();
        var requireName = spec.Ports.Count > 1;
        for (var i = 0; i < spec.Ports.Count; i++)
        {
            var port = spec.Ports[i];
            var p = $"spec.ports[{i}]";
            if (string.IsNullOrEmpty(port.Name))
            {
                if (requireName) errors.Required(p + ".name");
            }
            else if (NameRules.IsDns1123Label(port.Name) is { } nameError) Invalid(errors, p + ".name", port.Name, nameError);
            else if (!names.Add(port.Name)) Duplicate(errors, p + ".name", port.Name);

            ValidatePortNumber(port.Port, p + ".port", errors);
            if (port.Protocol.Length == 0) errors.Required(p + ".protocol");
            else if (!Protocol.All.Contains(port.Protocol)) errors.NotSupported(p + ".protocol", port.Protocol, Protocol.All);
            else if (!portProtocols.Add((port.Port, port.Protocol))) Duplicate(errors, p, $"{port.Port}/{port.Protocol}");

            if (port.TargetPort is { } target)
            {
                if (target.IsInt) ValidatePortNumber(target.IntValue, p + ".targetPort", errors);
                else if (IsValidPortName(target.StringValue!) is { } error) Invalid(errors, p + ".targetPort", target.StringValue, error);
            }

            if (port.NodePort != 0)
            {
                if (spec.Type is not (ServiceType.NodePort or ServiceType.LoadBalancer))
                {
                    Forbidden(errors, p + ".nodePort", $"may not be used when `type` is '{spec.Type}'");
                }
                // Whether it is inside the node port range, and free, is checked by the store's allocator (as in Kubernetes).
                else if (port.NodePort is < 1 or > 65535)
                {
                    ValidatePortNumber(port.NodePort, p + ".nodePort", errors);
                }
                else if (!nodePorts.Add((port.NodePort, port.Protocol)))
                {
                    Duplicate(errors, p + ".nodePort", port.NodePort);
                }
            }
        }
    }

    private static void ValidateEndpoints(Endpoints endpoints, ValidationErrors errors)
    {
        for (var i = 0; i < endpoints.Subsets.Count; i++)
        {
            var subset = endpoints.Subsets[i];
            var p = $"subsets[{i}]";
            ValidateEndpointAddresses(subset.Addresses, p + ".addresses", errors);
            ValidateEndpointAddresses(subset.NotReadyAddresses, p + ".notReadyAddresses", errors);
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < subset.Ports.Count; j++)
            {
                var port = subset.Ports[j];
                var pp = $"{p}.ports[{j}]";
                if (string.IsNullOrEmpty(port.Name))
                {
                    if (subset.Ports.Count > 1) errors.Required(pp + ".name");
                }
                else if (NameRules.IsDns1123Label(port.Name) is { } nameError) Invalid(errors, pp + ".name", port.Name, nameError);
                else if (!names.Add(port.Name)) Duplicate(errors, pp + ".name", port.Name);
                ValidatePortNumber(port.Port, pp + ".port", errors);
                if (!Protocol.All.Contains(port.Protocol)) errors.NotSupported(pp + ".protocol", port.Protocol, Protocol.All);
            }
        }
    }

    private static void ValidateEndpointAddresses(IReadOnlyList<EndpointAddress> addresses, string path, ValidationErrors errors)
    {
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            if (address.Ip.Length == 0) errors.Required($"{path}[{i}].ip");
            else if (!IsIPAddress(address.Ip)) Invalid(errors, $"{path}[{i}].ip", address.Ip, "must be a valid IP address");
            if (address.Hostname is { Length: > 0 } hostname && NameRules.IsDns1123Label(hostname) is { } error)
            {
                Invalid(errors, $"{path}[{i}].hostname", hostname, error);
            }
        }
    }
}
