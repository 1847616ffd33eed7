using System.Text;

namespace Orchestrator.Api.Validation;

/// <summary>
/// Kubernetes' rules for names, label keys and label values (<c>k8s.io/apimachinery/pkg/util/validation</c>).
/// </summary>
/// <remarks>
/// Each rule returns null when the value is valid, otherwise the reason in Kubernetes' words; when several
/// rules are broken the reasons are joined with <c>"; "</c>. Callers put the reason into a field error such as
/// <c>metadata.labels: Invalid value: "a b": ...</c>. All rules are pure, allocation-free on success and thread-safe.
/// </remarks>
public static class NameRules
{
    /// <summary>Maximum length of a DNS-1123 label (a namespace name, or the name part of a label key).</summary>
    public const int Dns1123LabelMaxLength = 63;

    /// <summary>Maximum length of a DNS-1123 subdomain (most object names, label key prefixes).</summary>
    public const int Dns1123SubdomainMaxLength = 253;

    /// <summary>Maximum length of a label value.</summary>
    public const int LabelValueMaxLength = 63;

    /// <summary>Maximum total size in bytes (UTF-8) of an object's annotation keys and values: 256 KiB.</summary>
    public const int TotalAnnotationSizeLimitBytes = 256 * 1024;

    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";
    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

    /// <summary>
    /// A label or annotation key: an optional DNS-1123 subdomain prefix (at most 253 characters) and <c>/</c>, then a
    /// name of at most 63 characters matching <c>([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]</c>, e.g. <c>app.kubernetes.io/name</c>.
    /// </summary>
    public static string? IsQualifiedName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/');
        var name = value;
        string? prefixError = null;
        if (slash >= 0)
        {
            if (value.IndexOf('/', slash + 1) >= 0)
            {
                return "a qualified name " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc") +
                       " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
            }
            var prefix = value[..slash];
            name = value[(slash + 1)..];
            prefixError = prefix.Length == 0 ? "prefix part must be non-empty" : PrefixEach(IsDns1123Subdomain(prefix), "prefix part ");
        }

        string? nameError = null;
        if (name.Length == 0) nameError = "name part must be non-empty";
        else if (name.Length > Dns1123LabelMaxLength) nameError = "name part " + MaxLengthError(Dns1123LabelMaxLength);
        if (!IsQualifiedNamePart(name))
        {
            nameError = Join(nameError, "name part " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }
        return Join(prefixError, nameError);
    }

    /// <summary>A label value: empty, or at most 63 characters matching <c>([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]</c>.</summary>
    public static string? IsValidLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? error = value.Length > LabelValueMaxLength ? MaxLengthError(LabelValueMaxLength) : null;
        if (value.Length > 0 && !IsQualifiedNamePart(value))
        {
            error = Join(error, RegexError(LabelValueMessage, "(" + QualifiedNameFormat + ")?", "MyValue", "my_value", "12345"));
        }
        return error;
    }

    /// <summary>
    /// A DNS-1123 subdomain (the rule for most object names): at most 253 characters, lower-case alphanumerics, '-' and
    /// '.', starting and ending with an alphanumeric, e.g. <c>example.com</c>.
    /// </summary>
    public static string? IsDns1123Subdomain(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? error = value.Length > Dns1123SubdomainMaxLength ? MaxLengthError(Dns1123SubdomainMaxLength) : null;
        if (!IsSubdomainSyntax(value)) error = Join(error, RegexError(Dns1123SubdomainMessage, Dns1123SubdomainFormat, "example.com"));
        return error;
    }

    /// <summary>
    /// A DNS-1123 label (the rule for namespace names): at most 63 characters, lower-case alphanumerics and '-',
    /// starting and ending with an alphanumeric, e.g. <c>my-name</c>.
    /// </summary>
    public static string? IsDns1123Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? error = value.Length > Dns1123LabelMaxLength ? MaxLengthError(Dns1123LabelMaxLength) : null;
        if (!IsLabelSyntax(value, 0, value.Length, letterFirst: false))
        {
            error = Join(error, RegexError(Dns1123LabelMessage, Dns1123LabelFormat, "my-name", "123-abc"));
        }
        return error;
    }

    /// <summary>
    /// A DNS-1035 label (the rule for Service names): like a DNS-1123 label but starting with a letter, e.g. <c>my-name</c>.
    /// </summary>
    public static string? IsDns1035Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? error = value.Length > Dns1123LabelMaxLength ? MaxLengthError(Dns1123LabelMaxLength) : null;
        if (!IsLabelSyntax(value, 0, value.Length, letterFirst: true))
        {
            error = Join(error, RegexError(Dns1035LabelMessage, Dns1035LabelFormat, "my-name", "abc-123"));
        }
        return error;
    }

    /// <summary>A name usable as one URL path segment (the rule for RBAC object names): not <c>.</c> or <c>..</c>, no <c>/</c> or <c>%</c>.</summary>
    public static string? IsPathSegmentName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is "." or "..") return $"may not be '{value}'";
        string? error = null;
        if (value.Contains('/')) error = "may not contain '/'";
        if (value.Contains('%')) error = Join(error, "may not contain '%'");
        return error;
    }

    /// <summary>
    /// The total size of annotations: the UTF-8 bytes of every key and value together must not exceed 256 KiB.
    /// Keys are checked separately with <see cref="IsQualifiedName"/>.
    /// </summary>
    public static string? IsValidAnnotations(IReadOnlyDictionary<string, string> annotations)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        long total = 0;
        foreach (var (key, value) in annotations)
        {
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }
        return total > TotalAnnotationSizeLimitBytes ? $"Too long: must have at most {TotalAnnotationSizeLimitBytes} bytes" : null;
    }

    private static bool IsQualifiedNamePart(string value)
    {
        if (value.Length == 0 || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1])) return false;
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) return false;
        }
        return true;
    }

    private static bool IsSubdomainSyntax(string value)
    {
        if (value.Length == 0) return false;
        var start = 0;
        while (true)
        {
            var dot = value.IndexOf('.', start);
            var end = dot < 0 ? value.Length : dot;
            if (!IsLabelSyntax(value, start, end, letterFirst: false)) return false;
            if (dot < 0) return true;
            start = dot + 1;
        }
    }

    private static bool IsLabelSyntax(string value, int start, int end, bool letterFirst)
    {
        if (end <= start) return false;
        var first = value[start];
        if (letterFirst ? !char.IsAsciiLetterLower(first) : !IsLowerAlphanumeric(first)) return false;
        if (!IsLowerAlphanumeric(value[end - 1])) return false;
        for (var i = start + 1; i < end - 1; i++)
        {
            if (!IsLowerAlphanumeric(value[i]) && value[i] != '-') return false;
        }
        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    private static string MaxLengthError(int length) => $"must be no more than {length} characters";

    private static string RegexError(string message, string format, params string[] examples) =>
        $"{message} (e.g. {string.Join(" or ", examples.Select(e => $"'{e}',"))} regex used for validation is '{format}')";

    private static string? PrefixEach(string? reasons, string prefix) =>
        reasons is null ? null : string.Join("; ", reasons.Split("; ").Select(r => prefix + r));

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : first + "; " + second;
}
