using Orchestrator.Api;

namespace Orchestrator.Tests.Api.Core;

public class CoreHelpersTests
{
    [Test]
    public void ToString_Secret_ListsKeysButNeverValues()
    {
        var secret = new Secret
        {
            Metadata = new ObjectMeta { Name = "db", Namespace = "prod", Annotations = new Dictionary<string, string> { ["note"] = "hunter2" } },
            Data = new Dictionary<string, byte[]> { ["password"] = "hunter2"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["token"] = "hunter2" },
        };

        var text = secret.ToString();

        Assert.That(text, Does.Not.Contain("hunter2"));
        Assert.That(text, Does.Not.Contain("System.Byte"));
        Assert.That(text, Does.Contain("Name = db").And.Contain("password").And.Contain("token"));
        Assert.That(text, Does.StartWith("Secret {"));
    }

    [Test]
    public void ToString_RecordHoldingSecret_DoesNotLeakValues()
    {
        var secret = new Secret { Data = new Dictionary<string, byte[]> { ["k"] = "hunter2"u8.ToArray() } };

        Assert.That(new { Value = secret }.ToString(), Does.Not.Contain("hunter2"));
    }

    [Test]
    public void GetFieldValue_Pod_SupportsKubernetesFieldSelectors()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = "ns" },
            Spec = new PodSpec { NodeName = "n1", ServiceAccountName = "sa" },
            Status = new PodStatus { Phase = PodPhase.Running, PodIP = "10.0.0.1" },
        };

        Assert.Multiple(() =>
        {
            Assert.That(pod.GetFieldValue("spec.nodeName"), Is.EqualTo("n1"));
            Assert.That(pod.GetFieldValue("spec.restartPolicy"), Is.EqualTo("Always"));
            Assert.That(pod.GetFieldValue("spec.schedulerName"), Is.EqualTo("default-scheduler"));
            Assert.That(pod.GetFieldValue("spec.serviceAccountName"), Is.EqualTo("sa"));
            Assert.That(pod.GetFieldValue("status.phase"), Is.EqualTo("Running"));
            Assert.That(pod.GetFieldValue("status.podIP"), Is.EqualTo("10.0.0.1"));
            Assert.That(pod.GetFieldValue("metadata.namespace"), Is.EqualTo("ns"));
            Assert.That(pod.GetFieldValue("spec.hostname"), Is.Null);
            Assert.That(new Pod().GetFieldValue("spec.nodeName"), Is.EqualTo(""), "unscheduled pods match spec.nodeName=");
        });
    }

    [Test]
    public void GetFieldValue_Event_SupportsInvolvedObjectSelectors()
    {
        var ev = new Event
        {
            InvolvedObject = new ObjectReference { Kind = "Pod", Name = "p", Namespace = "ns", Uid = "u1" },
            Reason = "Scheduled",
            Type = EventType.Normal,
            Source = new EventSource { Component = "default-scheduler" },
        };

        Assert.That(
            new[] { "involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid", "reason", "type", "source" }
                .Select(ev.GetFieldValue),
            Is.EqualTo(new[] { "Pod", "p", "ns", "u1", "Scheduled", "Normal", "default-scheduler" }));
    }

    [Test]
    public void IsReady_PodConditions_FollowsReadyCondition()
    {
        var notReady = new Pod { Status = new PodStatus { Conditions = [new PodCondition { Type = PodConditionType.Ready, Status = ConditionStatus.False }] } };
        var ready = notReady with { Status = new PodStatus { Conditions = [new PodCondition { Type = PodConditionType.Ready, Status = ConditionStatus.True }] } };

        Assert.That(new Pod().IsReady(), Is.False);
        Assert.That(notReady.IsReady(), Is.False);
        Assert.That(ready.IsReady(), Is.True);
        Assert.That(ready.Status!.GetCondition(PodConditionType.PodScheduled), Is.Null);
    }

    private static IEnumerable<TestCaseData> TolerationCases()
    {
        var taint = new Taint { Key = "dedicated", Value = "gpu", Effect = TaintEffect.NoSchedule };
        yield return new TestCaseData(new Toleration { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }, taint, true).SetName("Tolerates_EqualKeyValueEffect_True");
        yield return new TestCaseData(new Toleration { Key = "dedicated", Operator = "Equal", Value = "gpu" }, taint, true).SetName("Tolerates_EmptyEffect_MatchesAnyEffect");
        yield return new TestCaseData(new Toleration { Key = "dedicated", Value = "cpu" }, taint, false).SetName("Tolerates_OtherValue_False");
        yield return new TestCaseData(new Toleration { Key = "dedicated", Operator = "Exists" }, taint, true).SetName("Tolerates_ExistsOnKey_True");
        yield return new TestCaseData(new Toleration { Operator = "Exists" }, taint, true).SetName("Tolerates_ExistsWithoutKey_MatchesEverything");
        yield return new TestCaseData(new Toleration { Key = "dedicated", Operator = "Exists", Effect = "NoExecute" }, taint, false).SetName("Tolerates_OtherEffect_False");
        yield return new TestCaseData(new Toleration { Key = "other", Operator = "Exists" }, taint, false).SetName("Tolerates_OtherKey_False");
    }

    [TestCaseSource(nameof(TolerationCases))]
    public void Tolerates_Taint_FollowsKubernetesMatching(Toleration toleration, Taint taint, bool expected)
    {
        Assert.That(toleration.Tolerates(taint), Is.EqualTo(expected));
    }

    [Test]
    public void For_Object_ReferencesKindNameAndUid()
    {
        var pod = new Pod { Metadata = new ObjectMeta { Name = "p", Namespace = "ns", Uid = "u", ResourceVersion = "7" } };

        Assert.That(ObjectReference.For(pod), Is.EqualTo(new ObjectReference
        {
            Kind = "Pod", ApiVersion = "v1", Name = "p", Namespace = "ns", Uid = "u", ResourceVersion = "7",
        }));
    }
}
