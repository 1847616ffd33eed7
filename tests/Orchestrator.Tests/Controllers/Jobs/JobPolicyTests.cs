using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;
using static Orchestrator.Tests.Controllers.Jobs.BatchFixtures;

namespace Orchestrator.Tests.Controllers.Jobs;

/// <summary>
/// <c>podFailurePolicy</c>, <c>backoffLimitPerIndex</c> and <c>successPolicy</c>: the rules themselves as table tests, and
/// the Job controller enforcing them on a mini-cluster with a fake clock.
/// </summary>
[CancelAfter(60_000)]
public sealed class JobPolicyTests
{
    private FakeTimeProvider _time = null!;
    private TestCluster _cluster = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider();
        _cluster = await TestCluster.StartAsync(s => s.AddJobController(), nodes: 2, time: _time);
    }

    [TearDown]
    public async Task TearDown() => await _cluster.DisposeAsync();

    private static PodFailurePolicyRule OnExitCodes(string action, string @operator, params int[] codes) => new()
    {
        Action = action,
        OnExitCodes = new PodFailurePolicyOnExitCodesRequirement { Operator = @operator, Values = codes },
    };

    private static Job WithPolicy(Job job, params PodFailurePolicyRule[] rules) =>
        job with { Spec = job.Spec with { PodFailurePolicy = new PodFailurePolicy { Rules = rules } } };

    private static Pod FailedPod(int exitCode, string container = "work", bool init = false, PodCondition? condition = null)
    {
        var status = new ContainerStatus
        {
            Name = container,
            State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = exitCode } },
        };
        return new Pod
        {
            Metadata = new ObjectMeta { Name = "job-abc", Namespace = Ns },
            Status = new PodStatus
            {
                Phase = PodPhase.Failed,
                ContainerStatuses = init ? [] : [status],
                InitContainerStatuses = init ? [status] : [],
                Conditions = condition is null ? [] : [condition],
            },
        };
    }

    private static IEnumerable<TestCaseData> Matches()
    {
        PodFailurePolicyRule[] rules =
        [
            OnExitCodes(PodFailurePolicyAction.Ignore, "In", 3),
            new() { Action = PodFailurePolicyAction.Ignore, OnPodConditions = [new() { Type = "DisruptionTarget" }] },
            OnExitCodes(PodFailurePolicyAction.FailJob, "In", 42) with { OnExitCodes = new() { ContainerName = "main", Operator = "In", Values = [42] } },
            OnExitCodes(PodFailurePolicyAction.Count, "NotIn", 42, 43),
        ];
        var policy = new PodFailurePolicy { Rules = rules };
        yield return new TestCaseData(policy, FailedPod(3), PodFailurePolicyAction.Ignore, null).SetArgDisplayNames("exit code In");
        yield return new TestCaseData(policy, FailedPod(42, "main"), PodFailurePolicyAction.FailJob,
            "Container main for pod default/job-abc failed with exit code 42 matching FailJob rule at index 2").SetArgDisplayNames("named container");
        yield return new TestCaseData(policy, FailedPod(42, "main", init: true), PodFailurePolicyAction.FailJob,
            "Container main for pod default/job-abc failed with exit code 42 matching FailJob rule at index 2").SetArgDisplayNames("init container");
        yield return new TestCaseData(policy, FailedPod(42, "sidecar"), null, null).SetArgDisplayNames("other container, no rule");
        yield return new TestCaseData(policy, FailedPod(7), PodFailurePolicyAction.Count, null).SetArgDisplayNames("exit code NotIn");
        yield return new TestCaseData(policy, FailedPod(0, condition: new PodCondition { Type = "DisruptionTarget", Status = ConditionStatus.True }),
            PodFailurePolicyAction.Ignore, null).SetArgDisplayNames("pod condition");
        yield return new TestCaseData(policy, FailedPod(0, condition: new PodCondition { Type = "DisruptionTarget", Status = ConditionStatus.False }),
            null, null).SetArgDisplayNames("exit 0 and condition False, no rule");
        var conditionFails = new PodFailurePolicy { Rules = [new() { Action = PodFailurePolicyAction.FailJob, OnPodConditions = [new() { Type = "ConfigIssue" }] }] };
        yield return new TestCaseData(conditionFails, FailedPod(1, condition: new PodCondition { Type = "ConfigIssue", Status = ConditionStatus.True }),
            PodFailurePolicyAction.FailJob, "Pod default/job-abc has condition ConfigIssue matching FailJob rule at index 0").SetArgDisplayNames("condition FailJob");
    }

    [TestCaseSource(nameof(Matches))]
    public void Match_FailedPod_FirstMatchingRuleDecides(PodFailurePolicy policy, Pod pod, string? action, string? message)
    {
        var outcome = JobPolicyRules.Match(policy, pod);

        Assert.That((outcome.Action, outcome.FailJobMessage), Is.EqualTo((action, message)));
    }

    private static IEnumerable<TestCaseData> SuccessPolicies()
    {
        SuccessPolicyRule Rule(string? indexes, int? count) => new() { SucceededIndexes = indexes, SucceededCount = count };
        yield return new TestCaseData(new[] { Rule("0,2", null) }, new[] { 0, 2 }, "Matched rules at index 0").SetArgDisplayNames("all listed");
        yield return new TestCaseData(new[] { Rule("0,2", null) }, new[] { 0, 1 }, null).SetArgDisplayNames("one listed missing");
        yield return new TestCaseData(new[] { Rule("1-3", 2), Rule(null, 3) }, new[] { 0, 3, 4 }, "Matched rules at index 1").SetArgDisplayNames("count");
        yield return new TestCaseData(new[] { Rule("1-3", 2) }, new[] { 1, 3 }, "Matched rules at index 0").SetArgDisplayNames("count within indexes");
        yield return new TestCaseData(new[] { Rule(null, 1) }, Array.Empty<int>(), null).SetArgDisplayNames("none succeeded");
    }

    [TestCaseSource(nameof(SuccessPolicies))]
    public void MatchSuccessPolicy_CompletedIndexes_ReportsTheFirstRuleMet(SuccessPolicyRule[] rules, int[] completed, string? expected)
    {
        var message = JobPolicyRules.MatchSuccessPolicy(new SuccessPolicy { Rules = rules }, new SortedSet<int>(completed), completions: 5);

        Assert.That(message, Is.EqualTo(expected));
    }

    [Test]
    public async Task Reconcile_PodExitCodeMatchesFailJob_FailsTheJobWithPodFailurePolicy(CancellationToken ct)
    {
        var job = WithPolicy(Job("fatal", Template(exitAfter: "1s", exitCode: 42), backoffLimit: 6),
            OnExitCodes(PodFailurePolicyAction.FailJob, "In", 42));
        await _cluster.Store.CreateAsync(job, ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("fatal").Count == 1, "the pod runs", ct);
        var pod = _cluster.RunningPodsOf("fatal").Single();

        _time.Advance(TimeSpan.FromSeconds(1));

        var failed = await _cluster.UntilAsync<Job>(Ns, "fatal", j => j.TrueCondition(JobConditionType.Failed) is not null, "is Failed", ct);
        var expected = $"Container work for pod {Ns}/{pod.Metadata.Name} failed with exit code 42 matching FailJob rule at index 0";
        Assert.Multiple(() =>
        {
            Assert.That(failed.TrueCondition(JobConditionType.Failed)!.Reason, Is.EqualTo(JobPolicyRules.PodFailurePolicyReason));
            Assert.That(failed.TrueCondition(JobConditionType.Failed)!.Message, Is.EqualTo(expected));
            Assert.That(failed.TrueCondition(JobConditionType.FailureTarget)?.Message, Is.EqualTo(expected));
            Assert.That(failed.Status!.Failed, Is.EqualTo(1), "failed at the first failure, far below backoffLimit");
            Assert.That(_cluster.PodsOf("fatal"), Has.Count.EqualTo(1), "no replacement");
        });
    }

    [Test]
    public async Task Reconcile_PodExitCodeMatchesIgnore_ReplacesThePodWithoutCountingIt(CancellationToken ct)
    {
        var job = WithPolicy(Job("tolerant", Template(exitAfter: "1s", exitCode: 3), backoffLimit: 0),
            OnExitCodes(PodFailurePolicyAction.Ignore, "In", 3));
        await _cluster.Store.CreateAsync(job, ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("tolerant").Count == 1, "the pod runs", ct);
        var first = _cluster.RunningPodsOf("tolerant").Single();

        _time.Advance(TimeSpan.FromSeconds(1));

        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("tolerant").Any(p => p.Metadata.Uid != first.Metadata.Uid), "a replacement runs", ct);
        var current = await _cluster.UntilAsync<Job>(Ns, "tolerant",
            j => _cluster.Get<Pod>(Ns, first.Metadata.Name!) is not { } p || !p.Metadata.Finalizers.Contains(WellKnownLabels.JobTrackingFinalizer),
            "the ignored pod is released", ct);
        Assert.Multiple(() =>
        {
            Assert.That(current.Status?.Failed ?? 0, Is.Zero, "an ignored failure is not counted");
            Assert.That(current.IsFinished(), Is.False, "backoffLimit 0 is not exceeded");
        });
    }

    [Test]
    public async Task Reconcile_FailIndexRule_FailsEachIndexWithoutRetryThenTheJob(CancellationToken ct)
    {
        var job = WithPolicy(Job("idx", Template(exitAfter: "1s", exitCode: 42), completions: 2, parallelism: 2, completionMode: JobCompletionMode.Indexed),
            OnExitCodes(PodFailurePolicyAction.FailIndex, "In", 42));
        job = job with { Spec = job.Spec with { BackoffLimitPerIndex = 3 } };
        await _cluster.Store.CreateAsync(job, ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("idx").Count == 2, "both indexes run", ct);

        _time.Advance(TimeSpan.FromSeconds(1));

        var failed = await _cluster.UntilAsync<Job>(Ns, "idx", j => j.TrueCondition(JobConditionType.Failed) is not null, "is Failed", ct);
        Assert.Multiple(() =>
        {
            Assert.That(failed.TrueCondition(JobConditionType.Failed)!.Reason, Is.EqualTo("FailedIndexes"));
            Assert.That(failed.TrueCondition(JobConditionType.Failed)!.Message, Is.EqualTo("Job has failed indexes"));
            Assert.That(failed.Status!.FailedIndexes, Is.EqualTo("0-1"));
            Assert.That(failed.Status.Failed, Is.EqualTo(2));
            Assert.That(_cluster.PodsOf("idx"), Has.Count.EqualTo(2), "FailIndex is not retried despite backoffLimitPerIndex 3");
        });
    }

    [Test]
    public async Task Reconcile_BackoffLimitPerIndex_RetriesEachIndexThatOftenAndRecordsFailedIndexes(CancellationToken ct)
    {
        var job = Job("retry", Template(exitAfter: "1s", exitCode: 1), completions: 1, completionMode: JobCompletionMode.Indexed);
        await _cluster.Store.CreateAsync(job with { Spec = job.Spec with { BackoffLimitPerIndex = 1 } }, ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("retry").Count == 1, "index 0 runs", ct);
        Assert.That(_cluster.RunningPodsOf("retry").Single().Metadata.Annotations[JobPolicyRules.IndexFailureCountAnnotation], Is.EqualTo("0"));

        _time.Advance(TimeSpan.FromSeconds(1));
        await _cluster.UntilAsync<Job>(Ns, "retry", j => j.Status?.Failed == 1, "counts the first failure", ct);
        await _cluster.UntilTickingAsync(() => _cluster.RunningPodsOf("retry").Count == 1, "index 0 is retried", TimeSpan.FromSeconds(1), ct);
        var retry = _cluster.RunningPodsOf("retry").Single();
        Assert.That(retry.Metadata.Annotations[JobPolicyRules.IndexFailureCountAnnotation], Is.EqualTo("1"));
        _time.Advance(TimeSpan.FromSeconds(1));

        var failed = await _cluster.UntilAsync<Job>(Ns, "retry", j => j.TrueCondition(JobConditionType.Failed) is not null, "is Failed", ct);
        Assert.Multiple(() =>
        {
            Assert.That(failed.TrueCondition(JobConditionType.Failed)!.Reason, Is.EqualTo("FailedIndexes"));
            Assert.That(failed.Status!.FailedIndexes, Is.EqualTo("0"));
            Assert.That(failed.Status.Failed, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Reconcile_SuccessPolicyMet_CompletesWithSuccessPolicyBeforeEveryIndexSucceeded(CancellationToken ct)
    {
        var job = Job("leader", Template(exitAfter: "5s"), completions: 3, parallelism: 1, completionMode: JobCompletionMode.Indexed);
        job = job with { Spec = job.Spec with { SuccessPolicy = new SuccessPolicy { Rules = [new() { SucceededIndexes = "0" }] } } };
        await _cluster.Store.CreateAsync(job, ct);
        await _cluster.UntilAsync(() => _cluster.RunningPodsOf("leader").Count == 1, "index 0 runs", ct);

        _time.Advance(TimeSpan.FromSeconds(5));

        var complete = await _cluster.UntilAsync<Job>(Ns, "leader", j => j.TrueCondition(JobConditionType.Complete) is not null, "is Complete", ct);
        Assert.Multiple(() =>
        {
            Assert.That(complete.TrueCondition(JobConditionType.Complete)!.Reason, Is.EqualTo(JobPolicyRules.SuccessPolicyReason));
            Assert.That(complete.TrueCondition(JobConditionType.Complete)!.Message, Is.EqualTo("Matched rules at index 0"));
            Assert.That(complete.TrueCondition(JobConditionType.SuccessCriteriaMet)?.Reason, Is.EqualTo(JobPolicyRules.SuccessPolicyReason));
            Assert.That(complete.Status!.CompletedIndexes, Is.EqualTo("0"));
            Assert.That(_cluster.PodsOf("leader"), Has.Count.EqualTo(1), "indexes 1 and 2 never started");
        });
    }
}
