namespace Orchestrator.Api.Selectors;

/// <summary>
/// Thrown when a label or field selector string cannot be parsed. The message names the selector, the zero-based
/// character position of the problem and what was expected or wrong, for example
/// <c>unable to parse selector "tier in (fe" at position 11: found end of string, expected ',' or ')'</c>.
/// </summary>
public sealed class SelectorParseException : FormatException
{
    /// <summary>Creates the exception for <paramref name="selector"/> with the problem at <paramref name="position"/>.</summary>
    public SelectorParseException(string selector, int position, string reason)
        : base($"unable to parse selector \"{selector}\" at position {position}: {reason}")
    {
        Selector = selector;
        Position = position;
        Reason = reason;
    }

    /// <summary>The selector text that was being parsed.</summary>
    public string Selector { get; }

    /// <summary>The zero-based character position of the problem; the text length when the text ended too early.</summary>
    public int Position { get; }

    /// <summary>What was wrong, without the selector and position.</summary>
    public string Reason { get; }
}
