namespace Orchestrator.Tests.Api.Workloads;

/// <summary>
/// Objects as <c>kubectl get -o json</c> prints them from a Kubernetes 1.30 cluster (defaults applied), minus the
/// <c>creationTimestamp: null</c> Kubernetes writes into embedded templates.
/// </summary>
internal static class WorkloadManifests
{
    public const string NginxDeployment = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {
            "annotations": { "deployment.kubernetes.io/revision": "1" },
            "creationTimestamp": "2024-05-01T12:00:00Z",
            "generation": 1,
            "labels": { "app": "nginx" },
            "name": "nginx-deployment",
            "namespace": "default",
            "resourceVersion": "1234",
            "uid": "5f3b2c1e-1111-2222-3333-444455556666"
          },
          "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "selector": { "matchLabels": { "app": "nginx" } },
            "strategy": {
              "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": "25%" },
              "type": "RollingUpdate"
            },
            "template": {
              "metadata": { "labels": { "app": "nginx" } },
              "spec": {
                "containers": [
                  {
                    "image": "nginx:1.14.2",
                    "imagePullPolicy": "IfNotPresent",
                    "name": "nginx",
                    "ports": [ { "containerPort": 80, "protocol": "TCP" } ],
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                  }
                ],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30
              }
            }
          },
          "status": {
            "availableReplicas": 3,
            "conditions": [
              {
                "lastTransitionTime": "2024-05-01T12:00:10Z",
                "lastUpdateTime": "2024-05-01T12:00:10Z",
                "message": "Deployment has minimum availability.",
                "reason": "MinimumReplicasAvailable",
                "status": "True",
                "type": "Available"
              },
              {
                "lastTransitionTime": "2024-05-01T12:00:00Z",
                "lastUpdateTime": "2024-05-01T12:00:10Z",
                "message": "ReplicaSet \"nginx-deployment-86dcfdf4c6\" has successfully progressed.",
                "reason": "NewReplicaSetAvailable",
                "status": "True",
                "type": "Progressing"
              }
            ],
            "observedGeneration": 1,
            "readyReplicas": 3,
            "replicas": 3,
            "updatedReplicas": 3
          }
        }
        """;

    public const string PiJob = """
        {
          "apiVersion": "batch/v1",
          "kind": "Job",
          "metadata": {
            "labels": {
              "batch.kubernetes.io/controller-uid": "863452e6-270d-420e-9b94-53a54146c223",
              "batch.kubernetes.io/job-name": "pi",
              "controller-uid": "863452e6-270d-420e-9b94-53a54146c223",
              "job-name": "pi"
            },
            "name": "pi",
            "namespace": "default",
            "uid": "863452e6-270d-420e-9b94-53a54146c223"
          },
          "spec": {
            "backoffLimit": 4,
            "completionMode": "NonIndexed",
            "completions": 1,
            "manualSelector": false,
            "parallelism": 1,
            "podReplacementPolicy": "TerminatingOrFailed",
            "selector": { "matchLabels": { "batch.kubernetes.io/controller-uid": "863452e6-270d-420e-9b94-53a54146c223" } },
            "suspend": false,
            "template": {
              "metadata": {
                "labels": {
                  "batch.kubernetes.io/controller-uid": "863452e6-270d-420e-9b94-53a54146c223",
                  "batch.kubernetes.io/job-name": "pi",
                  "controller-uid": "863452e6-270d-420e-9b94-53a54146c223",
                  "job-name": "pi"
                }
              },
              "spec": {
                "containers": [
                  {
                    "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"],
                    "image": "perl:5.34.0",
                    "imagePullPolicy": "IfNotPresent",
                    "name": "pi",
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                  }
                ],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Never",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30
              }
            }
          },
          "status": {
            "completionTime": "2024-05-01T12:01:05Z",
            "conditions": [
              {
                "lastProbeTime": "2024-05-01T12:01:05Z",
                "lastTransitionTime": "2024-05-01T12:01:05Z",
                "message": "Reached expected number of succeeded pods",
                "reason": "CompletionsReached",
                "status": "True",
                "type": "SuccessCriteriaMet"
              },
              {
                "lastProbeTime": "2024-05-01T12:01:05Z",
                "lastTransitionTime": "2024-05-01T12:01:05Z",
                "message": "Reached expected number of succeeded pods",
                "reason": "CompletionsReached",
                "status": "True",
                "type": "Complete"
              }
            ],
            "ready": 0,
            "startTime": "2024-05-01T12:00:00Z",
            "succeeded": 1,
            "terminating": 0,
            "uncountedTerminatedPods": {}
          }
        }
        """;

    public const string HelloCronJob = """
        {
          "apiVersion": "batch/v1",
          "kind": "CronJob",
          "metadata": { "name": "hello", "namespace": "default" },
          "spec": {
            "concurrencyPolicy": "Forbid",
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {
              "metadata": { "labels": { "app": "hello" } },
              "spec": {
                "activeDeadlineSeconds": 120,
                "template": {
                  "metadata": { "labels": { "app": "hello" } },
                  "spec": {
                    "containers": [
                      {
                        "command": ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"],
                        "image": "busybox:1.28",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "hello",
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                      }
                    ],
                    "dnsPolicy": "ClusterFirst",
                    "restartPolicy": "OnFailure",
                    "schedulerName": "default-scheduler",
                    "securityContext": {},
                    "terminationGracePeriodSeconds": 30
                  }
                }
              }
            },
            "schedule": "*/5 * * * *",
            "startingDeadlineSeconds": 60,
            "successfulJobsHistoryLimit": 3,
            "suspend": false,
            "timeZone": "Etc/UTC"
          },
          "status": {
            "active": [
              {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "name": "hello-28571234",
                "namespace": "default",
                "resourceVersion": "999",
                "uid": "0c8e1f6a-aaaa-bbbb-cccc-ddddeeeeffff"
              }
            ],
            "lastScheduleTime": "2024-05-01T12:05:00Z",
            "lastSuccessfulTime": "2024-05-01T12:00:07Z"
          }
        }
        """;

    public const string WebStatefulSet = """
        {
          "apiVersion": "apps/v1",
          "kind": "StatefulSet",
          "metadata": { "generation": 1, "name": "web", "namespace": "default" },
          "spec": {
            "persistentVolumeClaimRetentionPolicy": { "whenDeleted": "Retain", "whenScaled": "Retain" },
            "podManagementPolicy": "OrderedReady",
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "selector": { "matchLabels": { "app": "nginx" } },
            "serviceName": "nginx",
            "template": {
              "metadata": { "labels": { "app": "nginx" } },
              "spec": {
                "containers": [
                  {
                    "image": "registry.k8s.io/nginx-slim:0.8",
                    "imagePullPolicy": "IfNotPresent",
                    "name": "nginx",
                    "ports": [ { "containerPort": 80, "name": "web", "protocol": "TCP" } ],
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "volumeMounts": [ { "mountPath": "/usr/share/nginx/html", "name": "www" } ]
                  }
                ],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 10
              }
            },
            "updateStrategy": { "rollingUpdate": { "partition": 0 }, "type": "RollingUpdate" },
            "volumeClaimTemplates": [
              {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": { "name": "www" },
                "spec": {
                  "accessModes": ["ReadWriteOnce"],
                  "resources": { "requests": { "storage": "1Gi" } },
                  "volumeMode": "Filesystem"
                },
                "status": { "phase": "Pending" }
              }
            ]
          },
          "status": {
            "availableReplicas": 3,
            "collisionCount": 0,
            "currentReplicas": 3,
            "currentRevision": "web-6b9d8f7c5",
            "observedGeneration": 1,
            "readyReplicas": 3,
            "replicas": 3,
            "updateRevision": "web-6b9d8f7c5",
            "updatedReplicas": 3
          }
        }
        """;

    public const string PhpApacheHpa = """
        {
          "apiVersion": "autoscaling/v2",
          "kind": "HorizontalPodAutoscaler",
          "metadata": { "name": "php-apache", "namespace": "default" },
          "spec": {
            "behavior": {
              "scaleDown": {
                "policies": [ { "periodSeconds": 15, "type": "Percent", "value": 100 } ],
                "selectPolicy": "Max",
                "stabilizationWindowSeconds": 300
              },
              "scaleUp": {
                "policies": [
                  { "periodSeconds": 15, "type": "Pods", "value": 4 },
                  { "periodSeconds": 15, "type": "Percent", "value": 100 }
                ],
                "selectPolicy": "Max",
                "stabilizationWindowSeconds": 0
              }
            },
            "maxReplicas": 10,
            "metrics": [
              { "resource": { "name": "cpu", "target": { "averageUtilization": 50, "type": "Utilization" } }, "type": "Resource" },
              { "pods": { "metric": { "name": "packets-per-second" }, "target": { "averageValue": "1k", "type": "AverageValue" } }, "type": "Pods" },
              {
                "object": {
                  "describedObject": { "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "main-route" },
                  "metric": { "name": "requests-per-second" },
                  "target": { "type": "Value", "value": "10k" }
                },
                "type": "Object"
              }
            ],
            "minReplicas": 1,
            "scaleTargetRef": { "apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache" }
          },
          "status": {
            "conditions": [
              {
                "lastTransitionTime": "2024-05-01T12:00:00Z",
                "message": "recommended size matches current size",
                "reason": "ReadyForNewScale",
                "status": "True",
                "type": "AbleToScale"
              }
            ],
            "currentMetrics": [
              { "resource": { "current": { "averageUtilization": 0, "averageValue": "1m" }, "name": "cpu" }, "type": "Resource" }
            ],
            "currentReplicas": 1,
            "desiredReplicas": 1
          }
        }
        """;

    public const string FluentdDaemonSet = """
        {
          "apiVersion": "apps/v1",
          "kind": "DaemonSet",
          "metadata": { "name": "fluentd-elasticsearch", "namespace": "kube-system" },
          "spec": {
            "revisionHistoryLimit": 10,
            "selector": { "matchLabels": { "name": "fluentd-elasticsearch" } },
            "template": {
              "metadata": { "labels": { "name": "fluentd-elasticsearch" } },
              "spec": {
                "containers": [
                  {
                    "image": "quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
                    "imagePullPolicy": "IfNotPresent",
                    "name": "fluentd-elasticsearch",
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                  }
                ],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30
              }
            },
            "updateStrategy": { "rollingUpdate": { "maxSurge": 0, "maxUnavailable": 1 }, "type": "RollingUpdate" }
          },
          "status": { "currentNumberScheduled": 2, "desiredNumberScheduled": 2, "numberMisscheduled": 0, "numberReady": 0, "numberUnavailable": 2 }
        }
        """;

    public const string PodReaderRoleBinding = """
        {
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "kind": "RoleBinding",
          "metadata": { "name": "read-pods", "namespace": "default" },
          "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader" },
          "subjects": [
            { "apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane" },
            { "kind": "ServiceAccount", "name": "default", "namespace": "kube-system" }
          ]
        }
        """;

    public const string MonitoringClusterRole = """
        {
          "apiVersion": "rbac.authorization.k8s.io/v1",
          "kind": "ClusterRole",
          "metadata": { "name": "monitoring" },
          "aggregationRule": { "clusterRoleSelectors": [ { "matchLabels": { "rbac.example.com/aggregate-to-monitoring": "true" } } ] },
          "rules": [
            { "apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"] },
            { "nonResourceURLs": ["/healthz", "/healthz/*"], "verbs": ["get"] }
          ]
        }
        """;

    public const string WebControllerRevision = """
        {
          "apiVersion": "apps/v1",
          "kind": "ControllerRevision",
          "metadata": { "name": "web-6b9d8f7c5", "namespace": "default", "labels": { "controller-revision-hash": "6b9d8f7c5" } },
          "data": { "spec": { "template": { "$patch": "replace", "metadata": { "labels": { "app": "nginx" } } } } },
          "revision": 1
        }
        """;
}
