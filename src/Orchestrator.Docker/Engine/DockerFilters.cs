using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// The engine's <c>filters</c> query parameter: filter names (<c>label</c>, <c>type</c>, <c>name</c>, <c>status</c>, …)
/// to sets of values, serialized as <c>{"label":{"a=b":true}}</c>. Values of one name are OR-ed by the engine except
/// <c>label</c>, whose values must all match. Immutable; <see cref="Add"/> returns a new instance.
/// </summary>
internal sealed class DockerFilters
{
    public static readonly DockerFilters Empty = new(ImmutableSortedDictionary<string, ImmutableSortedSet<string>>.Empty);

    private readonly ImmutableSortedDictionary<string, ImmutableSortedSet<string>> filters;

    private DockerFilters(ImmutableSortedDictionary<string, ImmutableSortedSet<string>> filters) => this.filters = filters;

    public bool IsEmpty => filters.IsEmpty;

    /// <summary>A filter for one label: <c>key</c> (present) or <c>key=value</c>.</summary>
    public static DockerFilters Label(string key, string? value = null) => Empty.WithLabel(key, value);

    public DockerFilters WithLabel(string key, string? value = null) => Add("label", value is null ? key : $"{key}={value}");

    public DockerFilters Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        ImmutableSortedSet<string> values = filters.GetValueOrDefault(name, ImmutableSortedSet<string>.Empty);
        return new DockerFilters(filters.SetItem(name, values.Add(value)));
    }

    /// <summary>The JSON the engine expects (sorted, so equal filters give equal strings).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string name, ImmutableSortedSet<string> values) in filters)
            {
                writer.WriteStartObject(name);
                foreach (string value in values)
                    writer.WriteBoolean(value, true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public override string ToString() => ToJson();
}
