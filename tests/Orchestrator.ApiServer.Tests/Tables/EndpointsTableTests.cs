using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.ApiServer.Tables;

namespace Orchestrator.ApiServer.Tests.Tables;

[TestFixture]
public sealed class EndpointsTableTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("{}", "<none>").SetName("ToTable_NoSubsets_None");
        yield return new TestCaseData("""{"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":80}]}]}""", "10.0.0.1:80,10.0.0.2:80")
            .SetName("ToTable_TwoAddresses_IpPortList");
        yield return new TestCaseData("""{"subsets":[{"addresses":[{"ip":"10.0.0.1"}]}]}""", "10.0.0.1").SetName("ToTable_NoPorts_IpOnly");
        yield return new TestCaseData("""{"subsets":[{"notReadyAddresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]}""", "").SetName("ToTable_OnlyNotReady_Empty");
        yield return new TestCaseData(
            """{"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"}],"ports":[{"port":80},{"port":443}]}]}""",
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 3 more...").SetName("ToTable_ManyEndpoints_FirstThreeAndCount");
    }

    [TestCaseSource(nameof(Cases))]
    public void ToTable_Endpoints_PrintsKubectlEndpointsColumn(string body, string expected)
    {
        var obj = (JsonObject)JsonNode.Parse(body)!;
        obj["metadata"] = new JsonObject { ["name"] = "web", ["creationTimestamp"] = "2026-11-22T05:00:00Z" };
        var kind = ApiResources.All.Single(k => k.Plural == "endpoints");

        var table = new TableConverter(TimeProvider.System).ToTable(kind, [obj], "1", null);

        var columns = ((JsonArray)table["columnDefinitions"]!).Select(c => c!["name"]!.GetValue<string>());
        Assert.That(columns, Is.EqualTo(new[] { "Name", "Endpoints", "Age" }));
        Assert.That(table["rows"]![0]!["cells"]![1]!.GetValue<string>(), Is.EqualTo(expected));
    }
}
