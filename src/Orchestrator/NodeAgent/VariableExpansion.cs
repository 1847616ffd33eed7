using System.Text;

namespace Orchestrator.NodeAgent;

/// <summary>
/// Kubernetes' <c>$(VAR)</c> expansion for command, args, env values and subPathExpr: <c>$(NAME)</c> is replaced by the
/// variable's value, <c>$$</c> is an escaped <c>$</c>, and a reference to an unknown variable (or an unclosed one) is
/// left as written. A port of <c>third_party/forked/golang/expansion</c>.
/// </summary>
internal static class VariableExpansion
{
    /// <summary>Expands <paramref name="input"/>; <paramref name="lookup"/> returns a variable's value, or null when unknown.</summary>
    public static string Expand(string input, Func<string, string?> lookup)
    {
        if (input.IndexOf('$') < 0) return input;
        var buffer = new StringBuilder(input.Length);
        var checkpoint = 0;
        for (var cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length) continue;
            buffer.Append(input, checkpoint, cursor - checkpoint);
            var (read, isVariable, advance) = TryReadVariableName(input, cursor + 1);
            if (isVariable) buffer.Append(lookup(read) ?? "$(" + read + ")");
            else buffer.Append(read);
            cursor += advance;
            checkpoint = cursor + 1;
        }
        return buffer.Append(input, checkpoint, input.Length - checkpoint).ToString();
    }

    private static (string Read, bool IsVariable, int Advance) TryReadVariableName(string input, int start)
    {
        switch (input[start])
        {
            case '$':
                return ("$", false, 1);
            case '(':
                for (var i = start + 1; i < input.Length; i++)
                {
                    if (input[i] == ')') return (input[(start + 1)..i], true, i - start + 1);
                }
                return ("$(", false, 1);
            default:
                return ("$" + input[start], false, 1);
        }
    }
}
