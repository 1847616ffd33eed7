using System.Text.Json.Nodes;

namespace Orchestrator.ApiServer.Http;

/// <summary>
/// Decodes the Kubernetes protobuf envelope (<c>k8s\0</c> + <c>runtime.Unknown</c>) for the few kinds kubectl's typed
/// <c>create</c> commands send as protobuf: ConfigMap, Secret and Namespace. Only the fields those commands set are read
/// (metadata name, namespace, generateName, labels, annotations, finalizers; data, binaryData, stringData, type,
/// immutable); anything else is answered with 415 so that the client can use JSON.
/// </summary>
internal static class ProtobufBodies
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private enum Shape { String, Bool, Int, StringMap, BytesMap, Strings, Message }

    private sealed record Field(string Name, Shape Shape, Dictionary<int, Field>? Message = null);

    private static readonly Dictionary<int, Field> ObjectMeta = new()
    {
        [1] = new("name", Shape.String),
        [2] = new("generateName", Shape.String),
        [3] = new("namespace", Shape.String),
        [11] = new("labels", Shape.StringMap),
        [12] = new("annotations", Shape.StringMap),
        [14] = new("finalizers", Shape.Strings),
    };

    private static readonly Dictionary<string, Dictionary<int, Field>> Kinds = new(StringComparer.Ordinal)
    {
        ["ConfigMap"] = new()
        {
            [1] = new("metadata", Shape.Message, ObjectMeta),
            [2] = new("data", Shape.StringMap),
            [3] = new("binaryData", Shape.BytesMap),
            [4] = new("immutable", Shape.Bool),
        },
        ["Secret"] = new()
        {
            [1] = new("metadata", Shape.Message, ObjectMeta),
            [2] = new("data", Shape.BytesMap),
            [3] = new("type", Shape.String),
            [4] = new("stringData", Shape.StringMap),
            [5] = new("immutable", Shape.Bool),
        },
        ["Namespace"] = new()
        {
            [1] = new("metadata", Shape.Message, ObjectMeta),
            [2] = new("spec", Shape.Message, new() { [1] = new("finalizers", Shape.Strings) }),
        },
    };

    public static bool Supports(string kind) => Kinds.ContainsKey(kind);

    /// <summary>Decodes the body into the object's JSON form, or returns null when the body or kind is not supported.</summary>
    public static JsonObject? TryDecode(ReadOnlySpan<byte> body, string kind)
    {
        if (!Kinds.TryGetValue(kind, out var schema) || body.Length < 4 || !body[..4].SequenceEqual("k8s\0"u8)) return null;
        try
        {
            var reader = new Reader(body[4..].ToArray());
            byte[]? raw = null;
            string? apiVersion = null, kindName = null;
            while (reader.More)
            {
                var (number, wire) = reader.Tag();
                if (number == 1 && wire == 2)
                {
                    var typeMeta = new Reader(reader.Bytes());
                    while (typeMeta.More)
                    {
                        var (n, w) = typeMeta.Tag();
                        if (n == 1 && w == 2) apiVersion = typeMeta.String();
                        else if (n == 2 && w == 2) kindName = typeMeta.String();
                        else typeMeta.Skip(w);
                    }
                }
                else if (number == 2 && wire == 2) raw = reader.Bytes();
                else reader.Skip(wire);
            }
            if (raw is null || kindName != kind) return null;
            var result = ReadMessage(new Reader(raw), schema);
            result["apiVersion"] = apiVersion;
            result["kind"] = kindName;
            return result;
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or FormatException)
        {
            throw StatusError.BadRequest("the protobuf body is malformed");
        }
    }

    private static JsonObject ReadMessage(Reader reader, Dictionary<int, Field> schema)
    {
        var obj = new JsonObject();
        while (reader.More)
        {
            var (number, wire) = reader.Tag();
            if (!schema.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }
            switch (field.Shape)
            {
                case Shape.String:
                    // Go writes zero values; an empty string means unset (so that defaults such as Secret type Opaque apply).
                    var text = reader.String();
                    if (text.Length > 0) obj[field.Name] = text;
                    break;
                case Shape.Bool: obj[field.Name] = reader.Varint() != 0; break;
                case Shape.Int: obj[field.Name] = (long)reader.Varint(); break;
                case Shape.Message: obj[field.Name] = ReadMessage(new Reader(reader.Bytes()), field.Message!); break;
                case Shape.Strings:
                    (obj[field.Name] as JsonArray ?? (JsonArray)(obj[field.Name] = new JsonArray())).Add(reader.String());
                    break;
                case Shape.StringMap or Shape.BytesMap:
                    var entry = new Reader(reader.Bytes());
                    string key = "";
                    JsonNode? value = "";
                    while (entry.More)
                    {
                        var (n, w) = entry.Tag();
                        if (n == 1) key = entry.String();
                        else if (n == 2) value = field.Shape == Shape.StringMap ? entry.String() : Convert.ToBase64String(entry.Bytes());
                        else entry.Skip(w);
                    }
                    var map = obj[field.Name] as JsonObject ?? (JsonObject)(obj[field.Name] = new JsonObject());
                    map[key] = value;
                    break;
            }
        }
        return obj;
    }

    private sealed class Reader(byte[] data)
    {
        private int _position;

        public bool More => _position < data.Length;

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[_position++];
                result |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return result;
                if (shift > 63) throw new FormatException("varint too long");
            }
        }

        public (int Number, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public byte[] Bytes()
        {
            var length = checked((int)Varint());
            var bytes = data.AsSpan(_position, length).ToArray();
            _position += length;
            return bytes;
        }

        public string String() => System.Text.Encoding.UTF8.GetString(Bytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new FormatException($"unsupported wire type {wire}");
            }
        }
    }
}
