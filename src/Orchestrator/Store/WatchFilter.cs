using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Store;

/// <summary>The parsed scope and selectors of a list or watch. Immutable and thread-safe.</summary>
internal sealed class WatchFilter
{
    private WatchFilter(string? ns, Selector labels, FieldSelector fields)
    {
        Namespace = ns;
        Labels = labels;
        Fields = fields;
        IsEverything = ns is null && labels.IsEverything && fields.IsEverything;
        TermCount = (ns is null ? 0 : 1) + labels.Requirements.Count + fields.Requirements.Count;
    }

    /// <summary>The number of conditions: the namespace, each label requirement and each field term.</summary>
    public int TermCount { get; }

    /// <summary>Only objects in this namespace; null for all.</summary>
    public string? Namespace { get; }

    /// <summary>The label selector; <see cref="Selector.Everything"/> when none was given.</summary>
    public Selector Labels { get; }

    /// <summary>The field selector; <see cref="FieldSelector.Everything"/> when none was given.</summary>
    public FieldSelector Fields { get; }

    /// <summary>True when every object of the kind matches.</summary>
    public bool IsEverything { get; }

    /// <summary>Parses <paramref name="options"/> for <paramref name="kind"/>.</summary>
    /// <exception cref="BadRequestException">A selector does not parse, or names a field the kind does not support.</exception>
    public static WatchFilter Create(ResourceKind kind, QueryOptions? options)
    {
        var ns = kind.Namespaced && !string.IsNullOrEmpty(options?.Namespace) ? options.Namespace : null;
        Selector labels;
        FieldSelector fields;
        try
        {
            labels = string.IsNullOrWhiteSpace(options?.LabelSelector) ? Selector.Everything : Selector.Parse(options.LabelSelector);
            fields = string.IsNullOrWhiteSpace(options?.FieldSelector) ? FieldSelector.Everything : FieldSelector.Parse(options.FieldSelector);
        }
        catch (SelectorParseException ex)
        {
            throw new BadRequestException(ex.Message, ex);
        }
        try
        {
            fields.Validate(kind.ClrType);
        }
        catch (ArgumentException ex)
        {
            throw new BadRequestException(ex.Message, ex);
        }
        return new WatchFilter(ns, labels, fields);
    }

    /// <summary>True when <paramref name="obj"/> is in scope and matches both selectors.</summary>
    public bool Matches(KubernetesObject obj)
    {
        if (IsEverything) return true;
        if (Namespace is not null && !string.Equals(obj.Metadata.Namespace, Namespace, StringComparison.Ordinal)) return false;
        return Labels.Matches(obj.Metadata.Labels) && Fields.Matches(obj);
    }
}
