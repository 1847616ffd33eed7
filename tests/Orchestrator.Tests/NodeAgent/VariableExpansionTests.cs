using Orchestrator.NodeAgent;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
public sealed class VariableExpansionTests
{
    private static readonly Dictionary<string, string> Vars = new()
    {
        ["VAR_A"] = "A",
        ["VAR_B"] = "B",
        ["EMPTY"] = "",
    };

    // Cases from Kubernetes' third_party/forked/golang/expansion tests.
    [TestCase("$(VAR_A)", "A")]
    [TestCase("___$(VAR_B)___", "___B___")]
    [TestCase("$(VAR_A)-$(VAR_B)", "A-B")]
    [TestCase("$(VAR_A)$(VAR_B)", "AB")]
    [TestCase("$(EMPTY)", "")]
    [TestCase("$(UNKNOWN)", "$(UNKNOWN)")]
    [TestCase("$$(VAR_A)", "$(VAR_A)")]
    [TestCase("$$$(VAR_A)", "$A")]
    [TestCase("$$$$(VAR_A)", "$$(VAR_A)")]
    [TestCase("$(VAR_A", "$(VAR_A")]
    [TestCase("$VAR_A", "$VAR_A")]
    [TestCase("$", "$")]
    [TestCase("$$", "$")]
    [TestCase("no variables", "no variables")]
    [TestCase("f000-$$VAR_A", "f000-$VAR_A")]
    [TestCase("$()", "$()")]
    public void Expand_Input_FollowsKubernetesRules(string input, string expected) =>
        Assert.That(VariableExpansion.Expand(input, name => Vars.GetValueOrDefault(name)), Is.EqualTo(expected));
}
