using System.Text.Json;
using Orchestrator.Api;

namespace Orchestrator.Tests.Api;

public class QuantityTests
{
    private static readonly object[] ValidQuantities =
    [
        // text, exact value, canonical form
        new object[] { "500m", 0.5m, "500m" },
        new object[] { "128Mi", 134217728m, "128Mi" },
        new object[] { "1.5Gi", 1610612736m, "1536Mi" },
        new object[] { "2e3", 2000m, "2e3" },
        new object[] { "1", 1m, "1" },
        new object[] { "0.5", 0.5m, "500m" },
        new object[] { "100k", 100000m, "100k" },
        new object[] { "1E", 1_000_000_000_000_000_000m, "1E" },
        new object[] { "10E", 10_000_000_000_000_000_000m, "10E" },
        new object[] { "1Ki", 1024m, "1Ki" },
        new object[] { "1.5Ki", 1536m, "1536" },
        new object[] { "0.5Ki", 512m, "512" },
        new object[] { "1024Mi", 1073741824m, "1Gi" },
        new object[] { "1Ei", 1152921504606846976m, "1Ei" },
        new object[] { "12e-3", 0.012m, "12e-3" },
        new object[] { "1E3", 1000m, "1e3" },
        new object[] { "1e+3", 1000m, "1e3" },
        new object[] { "129e6", 129000000m, "129e6" },
        new object[] { "+1", 1m, "1" },
        new object[] { "-1", -1m, "-1" },
        new object[] { "-500m", -0.5m, "-500m" },
        new object[] { "0", 0m, "0" },
        new object[] { "-0", 0m, "0" },
        new object[] { ".5", 0.5m, "500m" },
        new object[] { "1.", 1m, "1" },
        new object[] { "1n", 0.000000001m, "1n" },
        new object[] { "0.1n", 0.000000001m, "1n" },
        new object[] { "-0.1n", -0.000000001m, "-1n" },
        new object[] { "1.5u", 0.0000015m, "1500n" },
        new object[] { "1G", 1000000000m, "1G" },
        new object[] { "2000", 2000m, "2k" },
        new object[] { "128974848", 128974848m, "128974848" },
        new object[] { "1.5", 1.5m, "1500m" },
        new object[] { "0.0001", 0.0001m, "100u" },
    ];

    private static readonly string[] InvalidQuantities =
    [
        "", " ", "abc", "Gi", "1 Gi", "1Gi ", "1.5.2", "1Xi", "1GiB", "1e", "1ee3", "1mi", "1-", "--1", "+", "1e3.5",
        "1e999", "100000000000000000000000000000",
    ];

    [TestCaseSource(nameof(ValidQuantities))]
    public void Parse_ValidText_HasExactValueAndCanonicalForm(string text, decimal value, string canonical)
    {
        var quantity = Quantity.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(quantity.DecimalValue, Is.EqualTo(value));
            Assert.That(quantity.ToCanonicalString(), Is.EqualTo(canonical));
            Assert.That(quantity.ToString(), Is.EqualTo(text), "ToString keeps what the user wrote");
            Assert.That(Quantity.Parse(canonical), Is.EqualTo(quantity), "the canonical form parses back to the same value");
        });
    }

    [TestCaseSource(nameof(InvalidQuantities))]
    public void Parse_InvalidText_ThrowsFormatExceptionQuotingInput(string text)
    {
        var ex = Assert.Throws<FormatException>(() => Quantity.Parse(text));

        Assert.That(ex!.Message, Does.Contain($"\"{text}\""));
        Assert.That(Quantity.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Parse_WrongShape_MessageStatesExpectedForm()
    {
        var ex = Assert.Throws<FormatException>(() => Quantity.Parse("abc"));

        Assert.That(ex!.Message, Is.EqualTo(
            "Invalid quantity \"abc\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    }

    [Test]
    public void Parse_UnknownSuffix_MessageNamesSuffix()
    {
        var ex = Assert.Throws<FormatException>(() => Quantity.Parse("1mi"));

        Assert.That(ex!.Message, Does.Contain("suffix \"mi\"").And.Contains("Ki, Mi, Gi"));
    }

    [Test]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.That(Quantity.TryParse(null, out var quantity), Is.False);
        Assert.That(quantity.IsZero, Is.True);
    }

    private static readonly object[] Comparisons =
    [
        // smaller, larger
        new object[] { "1000Mi", "1Gi" },
        new object[] { "500m", "1" },
        new object[] { "999m", "1" },
        new object[] { "-1", "0" },
        new object[] { "1G", "1Gi" },
        new object[] { "1n", "1u" },
        new object[] { "12e-3", "13m" },
    ];

    [TestCaseSource(nameof(Comparisons))]
    public void Compare_DifferentValues_OrdersByValue(string smaller, string larger)
    {
        var a = Quantity.Parse(smaller);
        var b = Quantity.Parse(larger);

        Assert.Multiple(() =>
        {
            Assert.That(a < b, Is.True);
            Assert.That(b > a, Is.True);
            Assert.That(a.CompareTo(b), Is.Negative);
            Assert.That(a == b, Is.False);
            Assert.That(Quantity.Max(a, b), Is.EqualTo(b));
            Assert.That(Quantity.Min(a, b), Is.EqualTo(a));
        });
    }

    [TestCase("1Gi", "1024Mi")]
    [TestCase("1000m", "1")]
    [TestCase("1k", "1e3")]
    [TestCase("0.5", "500m")]
    [TestCase("1Ki", "1024")]
    [TestCase("0", "0m")]
    public void Equals_SameValueDifferentText_AreEqualWithSameHash(string left, string right)
    {
        var a = Quantity.Parse(left);
        var b = Quantity.Parse(right);

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a == b, Is.True);
            Assert.That(a <= b && a >= b, Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a.CompareTo(b), Is.Zero);
        });
    }

    [TestCase("500m", 500L, 1L)]
    [TestCase("0.1m", 1L, 1L)]
    [TestCase("1.5", 1500L, 2L)]
    [TestCase("-1.5", -1500L, -2L)]
    [TestCase("-0.1m", -1L, -1L)]
    [TestCase("1Ki", 1024000L, 1024L)]
    [TestCase("1Gi", 1073741824000L, 1073741824L)]
    [TestCase("0", 0L, 0L)]
    [TestCase("1e20", long.MaxValue, long.MaxValue)]
    [TestCase("-1e20", long.MinValue, long.MinValue)]
    public void MilliValueAndValue_RoundAwayFromZeroAndSaturate(string text, long milli, long units)
    {
        var quantity = Quantity.Parse(text);

        Assert.That(quantity.MilliValue, Is.EqualTo(milli));
        Assert.That(quantity.Value, Is.EqualTo(units));
    }

    [Test]
    public void Add_SumOfRequests_PrintsCanonicallyInLeftFormat()
    {
        Assert.Multiple(() =>
        {
            Assert.That((Quantity.FromMilli(500) + Quantity.Parse("1")).ToString(), Is.EqualTo("1500m"));
            Assert.That((Quantity.Parse("1Gi") + Quantity.Parse("1Gi")).ToString(), Is.EqualTo("2Gi"));
            Assert.That((Quantity.Parse("100Mi") + Quantity.Parse("100M")).ToString(), Is.EqualTo("204857600"));
            Assert.That((Quantity.Parse("1") - Quantity.Parse("1500m")).ToString(), Is.EqualTo("-500m"));
            Assert.That((Quantity.Parse("100Mi") * 3).ToString(), Is.EqualTo("300Mi"));
            Assert.That((-Quantity.Parse("2Gi")).ToString(), Is.EqualTo("-2Gi"));
        });
    }

    [Test]
    public void Add_ToZero_TakesRightFormat()
    {
        var total = Quantity.Zero;
        foreach (var request in new[] { "512Mi", "512Mi", "1Gi" }) total += Quantity.Parse(request);

        Assert.That(total.ToString(), Is.EqualTo("2Gi"));
        Assert.That(total, Is.EqualTo(Quantity.Parse("2048Mi")));
    }

    [Test]
    public void Factories_ComputedValues_PrintCanonically()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Quantity.FromMilli(1500).ToString(), Is.EqualTo("1500m"));
            Assert.That(Quantity.FromMilli(2000).ToString(), Is.EqualTo("2"));
            Assert.That(Quantity.FromUnits(2000).ToString(), Is.EqualTo("2k"));
            Assert.That(Quantity.FromBytes(128974848).ToString(), Is.EqualTo("123Mi"));
            Assert.That(Quantity.FromBytes(1000).ToString(), Is.EqualTo("1k"), "below 1Ki binary prints as decimal, as in Kubernetes");
            Assert.That(Quantity.FromBytes(2000).ToString(), Is.EqualTo("2000"));
            Assert.That(Quantity.FromBytes(2L * 1024 * 1024 * 1024).ToString(), Is.EqualTo("2Gi"));
            Assert.That(Quantity.FromDecimal(0.0000000001m).ToString(), Is.EqualTo("1n"));
            Assert.That(Quantity.FromDecimal(12.5m, QuantityFormat.DecimalExponent).ToString(), Is.EqualTo("12500e-3"));
        });
    }

    [Test]
    public void Default_IsZero()
    {
        Quantity quantity = default;

        Assert.That(quantity.ToString(), Is.EqualTo("0"));
        Assert.That(quantity.IsZero, Is.True);
        Assert.That(quantity, Is.EqualTo(Quantity.Zero).And.EqualTo(Quantity.Parse("0Gi")));
    }

    [TestCase("\"1.5Gi\"", "\"1.5Gi\"")]
    [TestCase("\"500m\"", "\"500m\"")]
    [TestCase("2", "\"2\"")]
    [TestCase("0.5", "\"0.5\"")]
    [TestCase("1e3", "\"1e3\"")]
    public void Json_StringOrNumber_RoundTripsAsWrittenString(string json, string expected)
    {
        var quantity = JsonSerializer.Deserialize<Quantity>(json, KubernetesJson.Options);

        Assert.That(JsonSerializer.Serialize(quantity, KubernetesJson.Options), Is.EqualTo(expected));
    }

    [Test]
    public void Json_ResourceList_ReadsNumbersAndStrings()
    {
        var resources = KubernetesJson.Deserialize<Dictionary<string, Quantity>>("{\"cpu\":2,\"memory\":\"128Mi\"}");

        Assert.That(resources["cpu"], Is.EqualTo(Quantity.Parse("2000m")));
        Assert.That(resources["memory"].Value, Is.EqualTo(134217728));
        Assert.That(KubernetesJson.Serialize(resources), Is.EqualTo("{\"cpu\":\"2\",\"memory\":\"128Mi\"}"));
    }

    [TestCase("\"abc\"")]
    [TestCase("\"\"")]
    [TestCase("true")]
    [TestCase("{}")]
    public void Json_Invalid_ThrowsJsonException(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Quantity>(json, KubernetesJson.Options));
    }
}
