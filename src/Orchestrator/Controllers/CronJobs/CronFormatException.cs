namespace Orchestrator.Controllers;

/// <summary>
/// Thrown by <see cref="CronSchedule.Parse"/> for an expression that is not a valid schedule. The message quotes the
/// expression, names the field (<see cref="Field"/>) and the position (<see cref="Position"/>) of the offending part,
/// and says what is wrong, for example
/// <c>invalid schedule "*/0 * * * *": minute field "*/0" at position 0: step of range should be a positive number</c>.
/// </summary>
public sealed class CronFormatException : FormatException
{
    /// <summary>Creates the exception; <paramref name="field"/> is null for errors about the whole expression.</summary>
    public CronFormatException(string expression, string? field, int position, string reason)
        : base(Describe(expression, field, position, reason))
    {
        Expression = expression;
        Field = field;
        Position = position;
        Reason = reason;
    }

    /// <summary>The expression that failed to parse.</summary>
    public string Expression { get; }

    /// <summary>
    /// The field at fault: <c>minute</c>, <c>hour</c>, <c>day of month</c>, <c>month</c> or <c>day of week</c>; null when
    /// the expression as a whole is wrong (empty, wrong number of fields, unknown descriptor, a time zone prefix).
    /// </summary>
    public string? Field { get; }

    /// <summary>The zero-based character index in <see cref="Expression"/> where the offending part starts.</summary>
    public int Position { get; }

    /// <summary>What is wrong, without the expression and position.</summary>
    public string Reason { get; }

    private static string Describe(string expression, string? field, int position, string reason) => field is null
        ? $"invalid schedule \"{expression}\": {reason}"
        : $"invalid schedule \"{expression}\": {field} field at position {position}: {reason}";
}
