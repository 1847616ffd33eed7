using System.Globalization;

namespace Orchestrator.Store;

/// <summary>An inclusive range of node ports, written <c>30000-32767</c> as in <c>--service-node-port-range</c>.</summary>
internal readonly record struct NodePortRange(int Min, int Max)
{
    /// <summary>How many ports the range holds.</summary>
    public int Size => Max - Min + 1;

    /// <summary>True when <paramref name="port"/> is inside the range.</summary>
    public bool Contains(int port) => port >= Min && port <= Max;

    /// <summary>Parses <c>min-max</c> (or a single port), with 1 &lt;= min &lt;= max &lt;= 65535.</summary>
    /// <exception cref="ArgumentException">The text is not such a range.</exception>
    public static NodePortRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dash = text.IndexOf('-');
        var minText = dash < 0 ? text : text[..dash];
        var maxText = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(minText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var min) ||
            !int.TryParse(maxText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) ||
            min < 1 || max > 65535 || min > max)
        {
            throw new ArgumentException($"\"{text}\" is not a valid node port range such as 30000-32767.", nameof(text));
        }
        return new NodePortRange(min, max);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Min}-{Max}";
}
