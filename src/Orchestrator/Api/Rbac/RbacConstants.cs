namespace Orchestrator.Api;

/// <summary>The RBAC API group.</summary>
public static class RbacApi
{
    /// <summary>The group name, <c>rbac.authorization.k8s.io</c>.</summary>
    public const string Group = "rbac.authorization.k8s.io";

    /// <summary>The <c>apiVersion</c> of the RBAC kinds, <c>rbac.authorization.k8s.io/v1</c>.</summary>
    public const string ApiVersion = Group + "/v1";
}

/// <summary>Values of <see cref="Subject.Kind"/>.</summary>
public static class SubjectKind
{
    /// <summary>A service account, in <see cref="Subject.Namespace"/>; API group <c>""</c>.</summary>
    public const string ServiceAccount = "ServiceAccount";

    /// <summary>A user name as authenticated; API group <c>rbac.authorization.k8s.io</c>.</summary>
    public const string User = "User";

    /// <summary>A group name as authenticated; API group <c>rbac.authorization.k8s.io</c>.</summary>
    public const string Group = "Group";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [ServiceAccount, User, Group];
}
