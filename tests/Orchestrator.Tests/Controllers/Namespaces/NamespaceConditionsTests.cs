using Orchestrator.Controllers;

namespace Orchestrator.Tests.Controllers.Namespaces;

public sealed class NamespaceConditionsTests
{
    [Test]
    public void Conditions_SameStateTwice_SecondCallChangesNothing()
    {
        var state = new NamespaceReconciler.ContentState();
        state.Count("pods", []);
        state.Count("pods", ["a"]);
        state.Count("replicasets.apps", ["a", "b"]);
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var first = NamespaceReconciler.Conditions(state, [], now);
        var second = NamespaceReconciler.Conditions(state, first!, now.AddMinutes(1));

        Assert.That(first!.Single(c => c.Type == NamespaceConditionTypes.ContentRemaining).Message,
            Is.EqualTo("Some resources are remaining: pods has 2 resource instances, replicasets.apps has 1 resource instances"));
        Assert.That(first!.Single(c => c.Type == NamespaceConditionTypes.FinalizersRemaining).Message,
            Is.EqualTo("Some content in the namespace has finalizers remaining: a in 2 resource instances, b in 1 resource instances"));
        Assert.That(first!.Select(c => c.Type), Has.Exactly(5).Items);
        Assert.That(second, Is.Null, "an unchanged state is not written again");
    }
}
