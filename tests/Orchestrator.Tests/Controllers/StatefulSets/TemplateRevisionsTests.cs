using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Controllers;

namespace Orchestrator.Tests.Controllers.StatefulSets;

public sealed class TemplateRevisionsTests
{
    private static PodTemplateSpec Template(params (string Key, string Value)[] labels)
    {
        var map = ImmutableDictionary<string, string>.Empty;
        foreach (var (key, value) in labels) map = map.Add(key, value);
        return new PodTemplateSpec
        {
            Metadata = new ObjectMeta { Labels = map },
            Spec = new PodSpec { Containers = [new Container { Name = "main", Image = "busybox:1.36" }] },
        };
    }

    [Test]
    public void DataOf_SameTemplateBuiltInAnotherOrder_SameDataAndHash()
    {
        var a = TemplateRevisions.DataOf(Template(("app", "web"), ("tier", "fe"), ("a", "1")));
        var b = TemplateRevisions.DataOf(Template(("a", "1"), ("tier", "fe"), ("app", "web")));

        Assert.Multiple(() =>
        {
            Assert.That(a.GetRawText(), Is.EqualTo(b.GetRawText()));
            Assert.That(TemplateRevisions.Hash(a, null), Is.EqualTo(TemplateRevisions.Hash(b, null)));
            Assert.That(a.GetRawText(), Does.StartWith("{\"spec\":{\"template\":{"));
        });
    }

    [Test]
    public void Hash_DifferentTemplateOrCollisionCount_Differs()
    {
        var web = TemplateRevisions.DataOf(Template(("app", "web")));
        var api = TemplateRevisions.DataOf(Template(("app", "api")));

        Assert.Multiple(() =>
        {
            Assert.That(TemplateRevisions.Hash(web, null), Is.Not.EqualTo(TemplateRevisions.Hash(api, null)));
            Assert.That(TemplateRevisions.Hash(web, 1), Is.Not.EqualTo(TemplateRevisions.Hash(web, null)));
            Assert.That(TemplateRevisions.Hash(web, null), Does.Match("^[bcdfghjklmnpqrstvwxz2456789]+$"), "Kubernetes' safe alphabet");
        });
    }

    [Test]
    public void TemplateOf_NewRevision_ReturnsTheTemplate()
    {
        var template = Template(("app", "web"));
        var owner = new StatefulSet { Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "u-1" } };

        var revision = TemplateRevisions.New(owner, template, TemplateRevisions.DataOf(template), 3, null);

        Assert.Multiple(() =>
        {
            Assert.That(TemplateRevisions.TemplateOf(revision), Is.EqualTo(template).Using<PodTemplateSpec>((x, y) => KubernetesJson.Serialize(x) == KubernetesJson.Serialize(y)));
            Assert.That(revision.Metadata.Name, Is.EqualTo("web-" + TemplateRevisions.HashOf(revision)));
            Assert.That(revision.Metadata.Labels[WellKnownLabels.ControllerRevisionHash], Is.EqualTo(TemplateRevisions.HashOf(revision)));
            Assert.That(revision.Metadata.Labels["app"], Is.EqualTo("web"));
            Assert.That(revision.Revision, Is.EqualTo(3));
            Assert.That(revision.Metadata.OwnerReferences.Single().Controller, Is.True);
        });
    }
}
