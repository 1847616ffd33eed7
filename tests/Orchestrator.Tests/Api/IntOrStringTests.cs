using System.Text.Json;
using Orchestrator.Api;

namespace Orchestrator.Tests.Api;

public class IntOrStringTests
{
    private static readonly object[] ScaledValues =
    [
        // value, total, roundUp, expected (Kubernetes GetScaledValueFromIntOrPercent)
        new object[] { (IntOrString)"25%", 10, true, 3 },
        new object[] { (IntOrString)"25%", 10, false, 2 },
        new object[] { (IntOrString)"25%", 4, true, 1 },
        new object[] { (IntOrString)"25%", 4, false, 1 },
        new object[] { (IntOrString)"33%", 3, true, 1 },
        new object[] { (IntOrString)"33%", 3, false, 0 },
        new object[] { (IntOrString)"1%", 1, true, 1 },
        new object[] { (IntOrString)"1%", 1, false, 0 },
        new object[] { (IntOrString)"0%", 10, true, 0 },
        new object[] { (IntOrString)"100%", 7, false, 7 },
        new object[] { (IntOrString)"150%", 10, false, 15 },
        new object[] { (IntOrString)"25%", 0, true, 0 },
        new object[] { (IntOrString)"-25%", 10, true, -2 },
        new object[] { (IntOrString)"-25%", 10, false, -3 },
        new object[] { (IntOrString)5, 100, true, 5 },
        new object[] { (IntOrString)5, 1, false, 5 },
    ];

    [TestCaseSource(nameof(ScaledValues))]
    public void GetScaledValue_IntOrPercent_RoundsLikeKubernetes(IntOrString value, int total, bool roundUp, int expected)
    {
        Assert.That(value.GetScaledValue(total, roundUp), Is.EqualTo(expected));
    }

    [TestCase("abc", "not a percentage")]
    [TestCase("25", "not a percentage")]
    [TestCase("x%", "\"x%\"")]
    [TestCase("2.5%", "\"2.5%\"")]
    public void GetScaledValue_NotAPercentage_ThrowsFormatException(string value, string message)
    {
        IntOrString intOrString = value;

        var ex = Assert.Throws<FormatException>(() => intOrString.GetScaledValue(10, roundUp: true));

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void ImplicitConversions_KeepKind()
    {
        IntOrString port = 8080;
        IntOrString name = "http";

        Assert.Multiple(() =>
        {
            Assert.That(port.IsInt, Is.True);
            Assert.That(port.IntValue, Is.EqualTo(8080));
            Assert.That(port.StringValue, Is.Null);
            Assert.That(port.ToString(), Is.EqualTo("8080"));
            Assert.That(name.IsInt, Is.False);
            Assert.That(name.StringValue, Is.EqualTo("http"));
            Assert.That(name.IsPercent, Is.False);
            Assert.That(((IntOrString)"25%").IsPercent, Is.True);
            Assert.That((IntOrString)1, Is.Not.EqualTo((IntOrString)"1"));
            Assert.That((IntOrString)"a", Is.EqualTo(IntOrString.FromString("a")));
            Assert.That(default(IntOrString), Is.EqualTo((IntOrString)0));
        });
    }

    [TestCase("8080", true, "8080")]
    [TestCase("\"http\"", false, "\"http\"")]
    [TestCase("\"8080\"", false, "\"8080\"")]
    [TestCase("\"25%\"", false, "\"25%\"")]
    [TestCase("-1", true, "-1")]
    public void Json_NumberOrString_RoundTripsSameKind(string json, bool isInt, string expected)
    {
        var value = JsonSerializer.Deserialize<IntOrString>(json, KubernetesJson.Options);

        Assert.That(value.IsInt, Is.EqualTo(isInt));
        Assert.That(JsonSerializer.Serialize(value, KubernetesJson.Options), Is.EqualTo(expected));
    }

    [TestCase("1.5")]
    [TestCase("true")]
    [TestCase("null")]
    [TestCase("99999999999")]
    public void Json_NotIntOrString_ThrowsJsonException(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<IntOrString>(json, KubernetesJson.Options));
    }
}
