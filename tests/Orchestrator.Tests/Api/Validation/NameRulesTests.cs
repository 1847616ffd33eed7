using Orchestrator.Api.Validation;

namespace Orchestrator.Tests.Api.Validation;

public class NameRulesTests
{
    private static readonly string Long63 = new('a', 63);
    private static readonly string Long64 = new('a', 64);

    private static IEnumerable<TestCaseData> QualifiedNames()
    {
        yield return Valid("app");
        yield return Valid("a");
        yield return Valid("A_b.c-d9");
        yield return Valid("app.kubernetes.io/name");
        yield return Valid("example.com/MyName");
        yield return Valid(Long63);
        yield return Valid(new string('a', 253) + "/" + Long63);
        yield return Invalid("", "name part must be non-empty");
        yield return Invalid("-a", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
        yield return Invalid("a-", "name part must consist of");
        yield return Invalid("a b", "name part must consist of");
        yield return Invalid(Long64, "name part must be no more than 63 characters");
        yield return Invalid("a/b/c", "a qualified name must consist of");
        yield return Invalid("/a", "prefix part must be non-empty");
        yield return Invalid("a/", "name part must be non-empty");
        yield return Invalid("Example.com/a", "prefix part a lowercase RFC 1123 subdomain must consist of");
        yield return Invalid(new string('a', 254) + "/a", "prefix part must be no more than 253 characters");
    }

    [TestCaseSource(nameof(QualifiedNames))]
    public void IsQualifiedName_Table(string value, string? reason) => AssertRule(NameRules.IsQualifiedName(value), reason);

    private static IEnumerable<TestCaseData> LabelValues()
    {
        yield return Valid("");
        yield return Valid("v");
        yield return Valid("my_value");
        yield return Valid("12345");
        yield return Valid("My.Value-1");
        yield return Valid(Long63);
        yield return Invalid("-v", "a valid label must be an empty string or consist of alphanumeric characters");
        yield return Invalid("v-", "a valid label must be an empty string");
        yield return Invalid("a b", "a valid label must be an empty string");
        yield return Invalid("a/b", "a valid label must be an empty string");
        yield return Invalid(Long64, "must be no more than 63 characters");
    }

    [TestCaseSource(nameof(LabelValues))]
    public void IsValidLabelValue_Table(string value, string? reason) => AssertRule(NameRules.IsValidLabelValue(value), reason);

    private static IEnumerable<TestCaseData> Subdomains()
    {
        yield return Valid("example.com");
        yield return Valid("a");
        yield return Valid("a-b.c-0");
        yield return Valid("0");
        yield return Valid(string.Join(".", Long63, Long63, Long63, new string('a', 61))); // 253 characters
        yield return Invalid("", "a lowercase RFC 1123 subdomain must consist of");
        yield return Invalid("A", "a lowercase RFC 1123 subdomain");
        yield return Invalid("a..b", "a lowercase RFC 1123 subdomain");
        yield return Invalid("-a", "a lowercase RFC 1123 subdomain");
        yield return Invalid("a.", "a lowercase RFC 1123 subdomain");
        yield return Invalid("a_b", "a lowercase RFC 1123 subdomain");
        yield return Invalid(new string('a', 254), "must be no more than 253 characters");
    }

    [TestCaseSource(nameof(Subdomains))]
    public void IsDns1123Subdomain_Table(string value, string? reason) => AssertRule(NameRules.IsDns1123Subdomain(value), reason);

    private static IEnumerable<TestCaseData> Labels()
    {
        yield return Valid("my-name");
        yield return Valid("123-abc");
        yield return Valid(Long63);
        yield return Invalid("a.b", "a lowercase RFC 1123 label must consist of");
        yield return Invalid("A", "a lowercase RFC 1123 label");
        yield return Invalid("a-", "a lowercase RFC 1123 label");
        yield return Invalid("", "a lowercase RFC 1123 label");
        yield return Invalid(Long64, "must be no more than 63 characters");
    }

    [TestCaseSource(nameof(Labels))]
    public void IsDns1123Label_Table(string value, string? reason) => AssertRule(NameRules.IsDns1123Label(value), reason);

    [Test]
    public void IsDns1123Label_Invalid_UsesKubernetesWording()
    {
        Assert.That(NameRules.IsDns1123Label("A"), Is.EqualTo(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end " +
            "with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
    }

    [TestCase("my-name", null)]
    [TestCase("abc-123", null)]
    [TestCase("1abc", "a DNS-1035 label must consist of")]
    [TestCase("a.b", "a DNS-1035 label")]
    public void IsDns1035Label_Table(string value, string? reason) => AssertRule(NameRules.IsDns1035Label(value), reason);

    [TestCase("system:controller:x", null)]
    [TestCase("Admin_Role", null)]
    [TestCase(".", "may not be '.'")]
    [TestCase("..", "may not be '..'")]
    [TestCase("a/b", "may not contain '/'")]
    [TestCase("a%b", "may not contain '%'")]
    public void IsPathSegmentName_Table(string value, string? reason) => AssertRule(NameRules.IsPathSegmentName(value), reason);

    [Test]
    public void IsValidAnnotations_AtLimit_IsValid()
    {
        var annotations = new Dictionary<string, string> { ["k"] = new string('v', NameRules.TotalAnnotationSizeLimitBytes - 1) };

        Assert.That(NameRules.IsValidAnnotations(annotations), Is.Null);
    }

    [Test]
    public void IsValidAnnotations_OverLimitCountingUtf8Bytes_IsTooLong()
    {
        // 'é' is two bytes in UTF-8: the value alone is 256 KiB, plus the key.
        var annotations = new Dictionary<string, string> { ["k"] = new string('é', NameRules.TotalAnnotationSizeLimitBytes / 2) };

        Assert.That(NameRules.IsValidAnnotations(annotations), Is.EqualTo("Too long: must have at most 262144 bytes"));
    }

    private static TestCaseData Valid(string value) => new TestCaseData(value, null).SetName($"{{m}}(valid \"{Shorten(value)}\")");

    private static TestCaseData Invalid(string value, string reason) =>
        new TestCaseData(value, reason).SetName($"{{m}}(invalid \"{Shorten(value)}\")");

    private static string Shorten(string value) => value.Length > 20 ? $"{value[..10]}...({value.Length} chars)" : value;

    private static void AssertRule(string? actual, string? expectedReason)
    {
        if (expectedReason is null) Assert.That(actual, Is.Null);
        else Assert.That(actual, Does.Contain(expectedReason));
    }
}
