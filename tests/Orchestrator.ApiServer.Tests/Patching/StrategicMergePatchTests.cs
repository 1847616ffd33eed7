using System.Text.Json.Nodes;
using Orchestrator.ApiServer.Patching;

namespace Orchestrator.ApiServer.Tests.Patching;

public sealed class StrategicMergePatchTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(
            """{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"1"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"2"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}""").SetName("Apply_ContainersByName_MergesMatchingElement");
        yield return new TestCaseData(
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","$patch":"delete"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"2"}]}]}}""").SetName("Apply_PatchDeleteDirective_RemovesEnvByName");
        yield return new TestCaseData(
            """{"ports":[{"containerPort":80,"name":"http"}]}""",
            """{"ports":[{"containerPort":443,"name":"https"}]}""",
            """{"ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}]}""").SetName("Apply_ContainerPorts_MergeByContainerPort");
        yield return new TestCaseData(
            """{"args":["a","b"],"metadata":{"labels":{"x":"1","y":"2"}}}""",
            """{"args":["c"],"metadata":{"labels":{"x":null}}}""",
            """{"args":["c"],"metadata":{"labels":{"y":"2"}}}""").SetName("Apply_PrimitiveListAndNull_ReplaceAndDelete");
        yield return new TestCaseData(
            """{"containers":[{"name":"a"},{"name":"b"}]}""",
            """{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","image":"x"}]}""",
            """{"containers":[{"name":"b"},{"name":"a","image":"x"}]}""").SetName("Apply_SetElementOrder_ReordersAndIsNotStored");
        yield return new TestCaseData(
            """{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}""",
            """{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}""",
            """{"strategy":{"type":"Recreate"}}""").SetName("Apply_RetainKeys_DropsOtherFields");
    }

    [TestCaseSource(nameof(Cases))]
    public void Apply(string original, string patch, string expected)
    {
        var result = StrategicMergePatch.Apply(JsonNode.Parse(original)!, JsonNode.Parse(patch));
        Assert.That(JsonNode.DeepEquals(result, JsonNode.Parse(expected)), Is.True, result.ToJsonString());
    }

    [Test]
    public void JsonPatch_AddReplaceRemove_AppliesInOrder()
    {
        var result = JsonPatch.Apply(JsonNode.Parse("""{"a":{"b":1},"list":[1,2]}""")!,
            JsonNode.Parse("""[{"op":"replace","path":"/a/b","value":2},{"op":"add","path":"/list/-","value":3},{"op":"remove","path":"/list/0"},{"op":"add","path":"/c","value":"x"}]"""));
        Assert.That(result.ToJsonString(), Is.EqualTo("""{"a":{"b":2},"list":[2,3],"c":"x"}"""));
    }

    [Test]
    public void MergePatch_NullRemovesAndObjectsMerge()
    {
        var result = MergePatch.Apply(JsonNode.Parse("""{"a":{"b":1,"c":2},"d":[1]}"""), JsonNode.Parse("""{"a":{"b":null},"d":[2]}"""));
        Assert.That(result!.ToJsonString(), Is.EqualTo("""{"a":{"c":2},"d":[2]}"""));
    }
}
