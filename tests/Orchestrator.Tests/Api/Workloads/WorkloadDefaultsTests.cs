using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Api.Defaulting;

namespace Orchestrator.Tests.Api.Workloads;

public class WorkloadDefaultsTests
{
    private static readonly PodTemplateSpec WebTemplate = new()
    {
        Metadata = new ObjectMeta { Labels = ImmutableDictionary<string, string>.Empty.Add("app", "web") },
        Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
    };

    [Test]
    public void ApplyDefaults_DeploymentFromYamlWithoutOptionalFields_GetsKubernetesDefaults()
    {
        var deployment = KubernetesJson.Deserialize<Deployment>("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}
            """);

        var spec = ObjectDefaulter.ApplyDefaults(deployment).Spec;

        Assert.Multiple(() =>
        {
            Assert.That(spec.Replicas, Is.EqualTo(1));
            Assert.That(spec.RevisionHistoryLimit, Is.EqualTo(10));
            Assert.That(spec.ProgressDeadlineSeconds, Is.EqualTo(600));
            Assert.That(spec.Strategy.Type, Is.EqualTo(DeploymentStrategyType.RollingUpdate));
            Assert.That(spec.Strategy.RollingUpdate, Is.Not.Null);
            Assert.That(spec.Strategy.RollingUpdate!.MaxSurge, Is.EqualTo((IntOrString)"25%"));
            Assert.That(spec.Strategy.RollingUpdate.MaxUnavailable, Is.EqualTo((IntOrString)"25%"));
            Assert.That(spec.Template.Spec.Containers[0].ImagePullPolicy, Is.EqualTo(PullPolicy.Always), "pod template defaults applied");
        });
    }

    [Test]
    public void ApplyDefaults_RecreateDeployment_GetsNoRollingUpdate()
    {
        var deployment = new Deployment { Spec = new DeploymentSpec { Strategy = new DeploymentStrategy { Type = DeploymentStrategyType.Recreate } } };

        var defaulted = ObjectDefaulter.ApplyDefaults(deployment);

        Assert.That(defaulted.Spec.Strategy.RollingUpdate, Is.Null);
    }

    [Test]
    public void ApplyDefaults_EmptyStrategyType_BecomesRollingUpdateWithLimits()
    {
        var deployment = new Deployment { Spec = new DeploymentSpec { Strategy = new DeploymentStrategy { Type = "" } } };

        var strategy = ObjectDefaulter.ApplyDefaults(deployment).Spec.Strategy;

        Assert.That(strategy.Type, Is.EqualTo(DeploymentStrategyType.RollingUpdate));
        Assert.That(strategy.RollingUpdate, Is.EqualTo(new RollingUpdateDeployment()));
    }

    private static IEnumerable<TestCaseData> JobCounts()
    {
        yield return new TestCaseData(null, null, 1, 1).SetArgDisplayNames("both unset");
        yield return new TestCaseData(null, 5, null, 5).SetArgDisplayNames("only parallelism: work queue");
        yield return new TestCaseData(8, null, 8, 1).SetArgDisplayNames("only completions");
        yield return new TestCaseData(8, 2, 8, 2).SetArgDisplayNames("both set");
    }

    [TestCaseSource(nameof(JobCounts))]
    public void ApplyDefaults_Job_DefaultsCompletionsAndParallelismAsKubernetes(int? completions, int? parallelism, int? expectedCompletions, int expectedParallelism)
    {
        var job = new Job { Spec = new JobSpec { Completions = completions, Parallelism = parallelism, Template = WebTemplate } };

        var spec = ObjectDefaulter.ApplyDefaults(job).Spec;

        Assert.Multiple(() =>
        {
            Assert.That(spec.Completions, Is.EqualTo(expectedCompletions));
            Assert.That(spec.Parallelism, Is.EqualTo(expectedParallelism));
        });
    }

    [Test]
    public void ApplyDefaults_Job_SetsBackoffLimitModeSuspendAndLabels()
    {
        var job = new Job { Metadata = new ObjectMeta { Name = "pi" }, Spec = new JobSpec { Template = WebTemplate } };

        var defaulted = ObjectDefaulter.ApplyDefaults(job);

        Assert.Multiple(() =>
        {
            Assert.That(defaulted.Spec.BackoffLimit, Is.EqualTo(6));
            Assert.That(defaulted.Spec.CompletionMode, Is.EqualTo(JobCompletionMode.NonIndexed));
            Assert.That(defaulted.Spec.Suspend, Is.False);
            Assert.That(defaulted.Spec.PodReplacementPolicy, Is.EqualTo(JobPodReplacementPolicy.TerminatingOrFailed));
            Assert.That(defaulted.Metadata.Labels, Is.EqualTo(WebTemplate.Metadata.Labels), "labels copied from the template");
            Assert.That(defaulted.Spec.Selector, Is.Null, "no selector before the store assigns a UID");
        });
    }

    [Test]
    public void ApplyDefaults_JobWithUid_GeneratesSelectorAndPodLabels()
    {
        var template = WebTemplate with { Spec = WebTemplate.Spec with { RestartPolicy = RestartPolicy.Never } };
        var job = new Job { Metadata = new ObjectMeta { Name = "pi", Namespace = "default", Uid = "u-1" }, Spec = new JobSpec { Template = template } };

        var defaulted = ObjectDefaulter.ApplyDefaults(job);

        Assert.Multiple(() =>
        {
            Assert.That(defaulted.Spec.Selector!.MatchLabels, Is.EqualTo(new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = "u-1" }));
            Assert.That(defaulted.Spec.Template.Metadata.Labels, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["app"] = "web",
                ["batch.kubernetes.io/controller-uid"] = "u-1",
                ["controller-uid"] = "u-1",
                ["batch.kubernetes.io/job-name"] = "pi",
                ["job-name"] = "pi",
            }));
            Assert.That(Orchestrator.Api.Validation.ObjectValidator.Validate(defaulted), Is.Empty, "the generated selector matches");
        });
    }

    [Test]
    public void ApplyDefaults_JobWithManualSelector_KeepsTheUsersSelector()
    {
        var selector = new LabelSelector { MatchLabels = WebTemplate.Metadata.Labels };
        var job = new Job
        {
            Metadata = new ObjectMeta { Name = "pi", Uid = "u-1" },
            Spec = new JobSpec { ManualSelector = true, Selector = selector, Template = WebTemplate },
        };

        var defaulted = ObjectDefaulter.ApplyDefaults(job);

        Assert.That(defaulted.Spec.Selector, Is.SameAs(selector));
        Assert.That(defaulted.Spec.Template.Metadata.Labels.ContainsKey("controller-uid"), Is.False);
    }

    [Test]
    public void ApplyDefaults_CronJob_LeavesJobTemplateSpecUnset()
    {
        var cronJob = new CronJob { Spec = new CronJobSpec { Schedule = "@daily", JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = WebTemplate } } } };

        var defaulted = ObjectDefaulter.ApplyDefaults(cronJob);

        Assert.Multiple(() =>
        {
            Assert.That(defaulted.Spec.ConcurrencyPolicy, Is.EqualTo(ConcurrencyPolicy.Allow));
            Assert.That(defaulted.Spec.SuccessfulJobsHistoryLimit, Is.EqualTo(3));
            Assert.That(defaulted.Spec.FailedJobsHistoryLimit, Is.EqualTo(1));
            Assert.That(defaulted.Spec.Suspend, Is.False);
            Assert.That(defaulted.Spec.JobTemplate.Spec.BackoffLimit, Is.Null);
            Assert.That(defaulted.Spec.JobTemplate.Spec.Completions, Is.Null);
            Assert.That(defaulted.Spec.JobTemplate.Spec.Template.Spec.Containers[0].ImagePullPolicy, Is.EqualTo(PullPolicy.IfNotPresent));
        });
    }

    [Test]
    public void ApplyDefaults_StatefulSetWithOnlyRequiredFields_GetsStrategyPolicyAndClaimDefaults()
    {
        var set = new StatefulSet
        {
            Spec = new StatefulSetSpec
            {
                Template = WebTemplate,
                VolumeClaimTemplates = [new PersistentVolumeClaim { Metadata = new ObjectMeta { Name = "data" } }],
            },
        };

        var spec = ObjectDefaulter.ApplyDefaults(set).Spec;

        Assert.Multiple(() =>
        {
            Assert.That(spec.Replicas, Is.EqualTo(1));
            Assert.That(spec.PodManagementPolicy, Is.EqualTo(PodManagementPolicy.OrderedReady));
            Assert.That(spec.UpdateStrategy.Type, Is.EqualTo(StatefulSetUpdateStrategyType.RollingUpdate));
            Assert.That(spec.UpdateStrategy.RollingUpdate!.Partition, Is.Zero);
            Assert.That(spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted, Is.EqualTo(PersistentVolumeClaimRetentionPolicyType.Retain));
            Assert.That(spec.PersistentVolumeClaimRetentionPolicy.WhenScaled, Is.EqualTo(PersistentVolumeClaimRetentionPolicyType.Retain));
            Assert.That(spec.VolumeClaimTemplates[0].Status!.Phase, Is.EqualTo(PersistentVolumeClaimPhase.Pending));
        });
    }

    [Test]
    public void ApplyDefaults_DaemonSet_GetsRollingUpdateOneUnavailableNoSurge()
    {
        var set = new DaemonSet { Spec = new DaemonSetSpec { Template = WebTemplate } };

        var rollingUpdate = ObjectDefaulter.ApplyDefaults(set).Spec.UpdateStrategy.RollingUpdate!;

        Assert.That(rollingUpdate.MaxUnavailable, Is.EqualTo((IntOrString)1));
        Assert.That(rollingUpdate.MaxSurge, Is.EqualTo((IntOrString)0));
    }

    [Test]
    public void ApplyDefaults_HpaWithoutMetrics_TargetsEightyPercentCpu()
    {
        var hpa = new HorizontalPodAutoscaler { Spec = new HorizontalPodAutoscalerSpec { MaxReplicas = 5 } };

        var spec = ObjectDefaulter.ApplyDefaults(hpa).Spec;

        Assert.Multiple(() =>
        {
            Assert.That(spec.MinReplicas, Is.EqualTo(1));
            Assert.That(spec.Metrics, Has.Count.EqualTo(1));
            Assert.That(spec.Metrics[0].Type, Is.EqualTo(MetricSourceType.Resource));
            Assert.That(spec.Metrics[0].Resource!.Name, Is.EqualTo("cpu"));
            Assert.That(spec.Metrics[0].Resource!.Target.AverageUtilization, Is.EqualTo(80));
            Assert.That(spec.Behavior, Is.Null, "behavior is only completed when given");
        });
    }

    [Test]
    public void ApplyDefaults_HpaWithPartialBehavior_FillsEachUnsetRule()
    {
        var hpa = new HorizontalPodAutoscaler
        {
            Spec = new HorizontalPodAutoscalerSpec
            {
                MaxReplicas = 5,
                Behavior = new HorizontalPodAutoscalerBehavior { ScaleDown = new HpaScalingRules { StabilizationWindowSeconds = 60 } },
            },
        };

        var behavior = ObjectDefaulter.ApplyDefaults(hpa).Spec.Behavior!;

        Assert.Multiple(() =>
        {
            Assert.That(behavior.ScaleUp!.StabilizationWindowSeconds, Is.Zero);
            Assert.That(behavior.ScaleUp.SelectPolicy, Is.EqualTo(ScalingPolicySelect.Max));
            Assert.That(behavior.ScaleUp.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)),
                Is.EqualTo(new[] { ("Pods", 4, 15), ("Percent", 100, 15) }));
            Assert.That(behavior.ScaleDown!.StabilizationWindowSeconds, Is.EqualTo(60));
            Assert.That(behavior.ScaleDown.SelectPolicy, Is.EqualTo(ScalingPolicySelect.Max));
            Assert.That(behavior.ScaleDown.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)), Is.EqualTo(new[] { ("Percent", 100, 15) }));
        });
    }

    [Test]
    public void ApplyDefaults_RoleBindingSubjects_GetApiGroupByKind()
    {
        var binding = new RoleBinding
        {
            RoleRef = new RoleRef { ApiGroup = "", Kind = "Role", Name = "reader" },
            Subjects =
            [
                new Subject { Kind = SubjectKind.User, Name = "jane" },
                new Subject { Kind = SubjectKind.Group, Name = "devs" },
                new Subject { Kind = SubjectKind.ServiceAccount, Name = "default" },
            ],
        };

        var defaulted = ObjectDefaulter.ApplyDefaults(binding);

        Assert.That(defaulted.Subjects.Select(s => s.ApiGroup), Is.EqualTo(new[] { RbacApi.Group, RbacApi.Group, null }));
        Assert.That(defaulted.RoleRef.ApiGroup, Is.EqualTo(RbacApi.Group));
    }

    private static IEnumerable<TestCaseData> UndefaultedObjects()
    {
        yield return new TestCaseData(new Deployment { Spec = new DeploymentSpec { Template = WebTemplate } }).SetArgDisplayNames("Deployment");
        yield return new TestCaseData(new ReplicaSet { Spec = new ReplicaSetSpec { Template = WebTemplate } }).SetArgDisplayNames("ReplicaSet");
        yield return new TestCaseData(new StatefulSet
        {
            Spec = new StatefulSetSpec { Template = WebTemplate, VolumeClaimTemplates = [new PersistentVolumeClaim()] },
        }).SetArgDisplayNames("StatefulSet");
        yield return new TestCaseData(new DaemonSet { Spec = new DaemonSetSpec { Template = WebTemplate } }).SetArgDisplayNames("DaemonSet");
        yield return new TestCaseData(new Job { Metadata = new ObjectMeta { Name = "j", Uid = "u" }, Spec = new JobSpec { Template = WebTemplate } })
            .SetArgDisplayNames("Job");
        yield return new TestCaseData(new CronJob { Spec = new CronJobSpec { JobTemplate = new JobTemplateSpec { Spec = new JobSpec { Template = WebTemplate } } } })
            .SetArgDisplayNames("CronJob");
        yield return new TestCaseData(new HorizontalPodAutoscaler
        {
            Spec = new HorizontalPodAutoscalerSpec { Behavior = new HorizontalPodAutoscalerBehavior() },
        }).SetArgDisplayNames("HorizontalPodAutoscaler");
        yield return new TestCaseData(new ClusterRoleBinding { Subjects = [new Subject { Kind = SubjectKind.User, Name = "u" }] })
            .SetArgDisplayNames("ClusterRoleBinding");
    }

    [TestCaseSource(nameof(UndefaultedObjects))]
    public void ApplyDefaults_AppliedTwice_SecondPassReturnsTheSameInstance(KubernetesObject obj)
    {
        var once = ObjectDefaulter.ApplyDefaults(obj);

        var twice = ObjectDefaulter.ApplyDefaults(once);

        Assert.That(once, Is.Not.SameAs(obj), "the first pass had something to default");
        Assert.That(twice, Is.SameAs(once));
    }
}
