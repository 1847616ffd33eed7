using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Controllers;
using static Orchestrator.Tests.Controllers.ReplicaSets.TestWorkloads;

namespace Orchestrator.Tests.Controllers.Deployments;

public sealed class PodTemplateHashTests
{
    private static PodTemplateSpec WithLabels(params (string Key, string Value)[] labels) => Template("web") with
    {
        Metadata = new ObjectMeta { Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
    };

    [Test]
    public void Compute_SameTemplate_IsStableAndUsesTheSafeAlphabet()
    {
        var hash = PodTemplateHash.Compute(Template("web"), null);

        Assert.That(PodTemplateHash.Compute(Template("web"), null), Is.EqualTo(hash));
        Assert.That(hash, Does.Match("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$"));
    }

    [Test]
    public void Compute_LabelOrder_DoesNotMatter()
    {
        var a = WithLabels(("app", "web"), ("tier", "fe"));
        var b = a with { Metadata = a.Metadata with { Labels = ImmutableDictionary<string, string>.Empty.Add("tier", "fe").Add("app", "web") } };

        Assert.That(PodTemplateHash.Compute(b, null), Is.EqualTo(PodTemplateHash.Compute(a, null)));
    }

    [Test]
    public void Compute_DifferentTemplateOrCollisionCount_Differs()
    {
        var hash = PodTemplateHash.Compute(Template("web"), null);

        Assert.That(PodTemplateHash.Compute(Template("web", image: "nginx"), null), Is.Not.EqualTo(hash));
        Assert.That(PodTemplateHash.Compute(Template("web"), 1), Is.Not.EqualTo(hash));
        Assert.That(PodTemplateHash.Compute(Template("web"), 2), Is.Not.EqualTo(PodTemplateHash.Compute(Template("web"), 1)));
    }

    [Test]
    public void EqualIgnoringHash_TemplatesDifferingOnlyInTheHashLabel_AreEqual()
    {
        var plain = WithLabels(("app", "web"));
        var hashed = WithLabels(("app", "web"), (WellKnownLabels.PodTemplateHash, "abc"));

        Assert.That(PodTemplateHash.EqualIgnoringHash(plain, hashed), Is.True);
        Assert.That(PodTemplateHash.EqualIgnoringHash(plain, WithLabels(("app", "api"))), Is.False);
        Assert.That(PodTemplateHash.WithoutHashLabel(hashed).Metadata.Labels.Keys, Is.EqualTo(new[] { "app" }));
    }

    private static PodTemplateSpec WithContainer(Func<Container, Container> change)
    {
        var template = Template("web");
        return template with { Spec = template.Spec with { Containers = [change(template.Spec.Containers[0])] } };
    }

    private static IEnumerable<TestCaseData> SemanticPairs()
    {
        Quantity Q(string text) => Quantity.Parse(text);
        yield return new TestCaseData(WithContainer(c => c with { Resources = new ResourceRequirements() }), Template("web"), true)
            .SetArgDisplayNames("resources {} vs absent");
        yield return new TestCaseData(
            WithContainer(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = Q("0.5") } } }),
            WithContainer(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = Q("500m") } } }), true)
            .SetArgDisplayNames("0.5 vs 500m");
        yield return new TestCaseData(
            WithContainer(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = Q("0.5") } } }),
            WithContainer(c => c with { Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = Q("1") } } }), false)
            .SetArgDisplayNames("0.5 vs 1");
        yield return new TestCaseData(Template("web", image: "nginx"), Template("web"), false).SetArgDisplayNames("other image");
    }

    [TestCaseSource(nameof(SemanticPairs))]
    public void EqualIgnoringHash_SemanticallyEqualTemplates_CompareLikeKubernetesEqualIgnoreHash(PodTemplateSpec a, PodTemplateSpec b, bool equal)
    {
        Assert.That(PodTemplateHash.EqualIgnoringHash(a, b), Is.EqualTo(equal));
        Assert.That(PodTemplateHash.EqualIgnoringHash(b, a), Is.EqualTo(equal));
    }
}
