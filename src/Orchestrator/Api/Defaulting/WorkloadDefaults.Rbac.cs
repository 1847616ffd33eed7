namespace Orchestrator.Api.Defaulting;

// The rbac.authorization.k8s.io/v1 defaults: API groups of role references and subjects.
internal static partial class WorkloadDefaults
{
    /// <summary>Defaults a RoleBinding's subjects' and role reference's API groups.</summary>
    public static RoleBinding DefaultRoleBinding(RoleBinding binding)
    {
        var subjects = DefaultEach(binding.Subjects, DefaultSubject);
        var roleRef = DefaultRoleRef(binding.RoleRef);
        if (ReferenceEquals(subjects, binding.Subjects) && ReferenceEquals(roleRef, binding.RoleRef)) return binding;
        return binding with { Subjects = subjects, RoleRef = roleRef };
    }

    /// <summary>Defaults a ClusterRoleBinding's subjects' and role reference's API groups.</summary>
    public static ClusterRoleBinding DefaultClusterRoleBinding(ClusterRoleBinding binding)
    {
        var subjects = DefaultEach(binding.Subjects, DefaultSubject);
        var roleRef = DefaultRoleRef(binding.RoleRef);
        if (ReferenceEquals(subjects, binding.Subjects) && ReferenceEquals(roleRef, binding.RoleRef)) return binding;
        return binding with { Subjects = subjects, RoleRef = roleRef };
    }

    // Users and groups belong to the RBAC group; a service account's group is "" and stays unset.
    private static Subject DefaultSubject(Subject subject) =>
        string.IsNullOrEmpty(subject.ApiGroup) && subject.Kind is SubjectKind.User or SubjectKind.Group
            ? subject with { ApiGroup = RbacApi.Group }
            : subject;

    private static RoleRef DefaultRoleRef(RoleRef roleRef) =>
        string.IsNullOrEmpty(roleRef.ApiGroup) ? roleRef with { ApiGroup = RbacApi.Group } : roleRef;
}
