using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Validation;

namespace Orchestrator.ApiServer.Http;

/// <summary>A failed request as Kubernetes reports it: an HTTP code and a <c>metav1.Status</c> body.</summary>
internal sealed class StatusError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public static StatusError NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{Resource(kind)} \"{name}\" not found", Detail(kind, name));

    public static StatusError BadRequest(string message) => new(400, "BadRequest", message);

    public static StatusError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static string Resource(ResourceKind kind) => kind.Group.Length == 0 ? kind.Plural : $"{kind.Plural}.{kind.Group}";

    public static JsonObject Detail(ResourceKind kind, string? name)
    {
        var details = new JsonObject { ["kind"] = kind.Plural };
        if (name is not null) details["name"] = name;
        if (kind.Group.Length > 0) details["group"] = kind.Group;
        return details;
    }

    /// <summary>Maps a store exception to the Status Kubernetes would answer with.</summary>
    public static StatusError From(ApiException ex, ResourceKind kind, string? name)
    {
        switch (ex)
        {
            case NotFoundException:
                return new StatusError(404, "NotFound", ex.Message.Contains("namespace", StringComparison.Ordinal) && name is not null
                    ? ex.Message : $"{Resource(kind)} \"{name}\" not found", Detail(kind, name));
            case AlreadyExistsException:
                return new StatusError(409, "AlreadyExists", $"{Resource(kind)} \"{name}\" already exists", Detail(kind, name));
            case ConflictException:
                return new StatusError(409, "Conflict",
                    $"Operation cannot be fulfilled on {Resource(kind)} \"{name}\": {ex.Message}", Detail(kind, name));
            case ValidationException invalid:
                var details = Detail(kind, invalid.Name ?? name);
                var causes = new JsonArray();
                foreach (var error in invalid.Errors)
                {
                    causes.Add(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = error.Reason, ["field"] = error.Field });
                }
                details["causes"] = causes;
                var kindName = kind.Group.Length == 0 ? kind.Kind : $"{kind.Kind}.{kind.Group}";
                return new StatusError(422, "Invalid",
                    $"{kindName} \"{invalid.Name ?? name}\" is invalid: {string.Join(", ", invalid.Errors)}", details);
            default:
                return new StatusError(ex.Code, ex.Reason, ex.Message, Detail(kind, name));
        }
    }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null) status["details"] = Details.DeepClone();
        status["code"] = Code;
        return status;
    }
}
