using Orchestrator.Api.Validation;

namespace Orchestrator.Api.Selectors;

/// <summary>
/// Parses the Kubernetes label selector syntax (<c>k8s.io/apimachinery/pkg/labels</c> <c>Parse</c>):
/// <code>
/// selector    := requirement ( ',' requirement )*  |  empty
/// requirement := '!' key | key | key ( '=' | '==' | '!=' ) value? | key ( 'in' | 'notin' ) '(' values ')' | key ( '&gt;' | '&lt;' ) integer
/// values      := value? ( ',' value? )*
/// </code>
/// Whitespace separates tokens and is otherwise ignored; <c>in</c> and <c>notin</c> are keywords only in operator position.
/// </summary>
internal ref struct SelectorParser
{
    private readonly string _text;
    private int _pos;

    private SelectorParser(string text)
    {
        _text = text;
        _pos = 0;
    }

    private enum TokenKind { End, Identifier, Comma, OpenParen, CloseParen, Bang, Equals, DoubleEquals, NotEquals, Greater, Less }

    private readonly record struct Token(TokenKind Kind, int Start, int Length);

    public static List<Requirement> Parse(string text)
    {
        var parser = new SelectorParser(text);
        var requirements = new List<Requirement>();
        if (parser.Peek().Kind == TokenKind.End) return requirements;
        while (true)
        {
            requirements.Add(parser.ParseRequirement());
            var next = parser.Next();
            if (next.Kind == TokenKind.End) return requirements;
            if (next.Kind != TokenKind.Comma) throw parser.Error(next, "expected ',' or end of string");
            var after = parser.Peek();
            if (after.Kind is not (TokenKind.Identifier or TokenKind.Bang)) throw parser.Error(after, "expected identifier after ','");
        }
    }

    private Requirement ParseRequirement()
    {
        var first = Next();
        var negated = first.Kind == TokenKind.Bang;
        var keyToken = negated ? Next() : first;
        if (keyToken.Kind != TokenKind.Identifier) throw Error(keyToken, negated ? "expected identifier after '!'" : "expected identifier");

        var following = Peek();
        if (negated || following.Kind is TokenKind.End or TokenKind.Comma)
        {
            return Build(keyToken, negated ? SelectorOperator.DoesNotExist : SelectorOperator.Exists, [], keyToken.Start);
        }

        var opToken = Next();
        SelectorOperator op;
        switch (opToken.Kind)
        {
            case TokenKind.Equals or TokenKind.DoubleEquals: op = SelectorOperator.Equal; break;
            case TokenKind.NotEquals: op = SelectorOperator.NotEqual; break;
            case TokenKind.Greater: op = SelectorOperator.GreaterThan; break;
            case TokenKind.Less: op = SelectorOperator.LessThan; break;
            case TokenKind.Identifier when Text(opToken) == "in": op = SelectorOperator.In; break;
            case TokenKind.Identifier when Text(opToken) == "notin": op = SelectorOperator.NotIn; break;
            default: throw Error(opToken, "expected one of '=', '==', '!=', 'in', 'notin', '>', '<', ',' or end of string");
        }

        string[] values;
        var valuesStart = _pos;
        if (op is SelectorOperator.In or SelectorOperator.NotIn)
        {
            values = ParseValueList();
        }
        else
        {
            var valueToken = Peek();
            if (valueToken.Kind is TokenKind.End or TokenKind.Comma)
            {
                values = [""];
            }
            else
            {
                Next();
                if (valueToken.Kind != TokenKind.Identifier) throw Error(valueToken, "expected a value");
                values = [Text(valueToken)];
                valuesStart = valueToken.Start;
            }
        }
        return Build(keyToken, op, values, SkipSpace(valuesStart));
    }

    // Validates as Kubernetes' NewRequirement; a bad key is reported at the key, anything else at the values.
    private Requirement Build(Token keyToken, SelectorOperator op, string[] values, int valuesPosition)
    {
        var key = Text(keyToken);
        var error = Requirement.Validate(key, op, values);
        if (error is null) return new Requirement(key, op, values, validate: false);
        var keyProblem = error.StartsWith("invalid label key", StringComparison.Ordinal);
        throw new SelectorParseException(_text, keyProblem ? keyToken.Start : valuesPosition, error);
    }

    private string[] ParseValueList()
    {
        var open = Next();
        if (open.Kind != TokenKind.OpenParen) throw Error(open, "expected '('");
        var values = new List<string>();
        var expectValue = true;
        while (true)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.Identifier when expectValue:
                    if (NameRules.IsValidLabelValue(Text(token)) is { } error)
                    {
                        throw new SelectorParseException(_text, token.Start, $"invalid label value \"{Text(token)}\": {error}");
                    }
                    values.Add(Text(token));
                    expectValue = false;
                    break;
                case TokenKind.Comma:
                    if (expectValue) values.Add("");
                    expectValue = true;
                    break;
                case TokenKind.CloseParen:
                    if (expectValue) values.Add("");
                    return values.ToArray();
                default:
                    throw Error(token, expectValue ? "expected a value, ',' or ')'" : "expected ',' or ')'");
            }
        }
    }

    private SelectorParseException Error(Token token, string expected)
    {
        var found = token.Kind == TokenKind.End ? "end of string" : $"'{Text(token)}'";
        return new SelectorParseException(_text, token.Start, $"found {found}, {expected}");
    }

    private string Text(Token token) => _text.Substring(token.Start, token.Length);

    private int SkipSpace(int pos)
    {
        while (pos < _text.Length && char.IsWhiteSpace(_text[pos])) pos++;
        return pos;
    }

    private Token Peek()
    {
        var saved = _pos;
        var token = Next();
        _pos = saved;
        return token;
    }

    private Token Next()
    {
        _pos = SkipSpace(_pos);
        var start = _pos;
        if (_pos >= _text.Length) return new Token(TokenKind.End, start, 0);
        var c = _text[_pos];
        var next = _pos + 1 < _text.Length ? _text[_pos + 1] : '\0';
        (TokenKind kind, int length) = c switch
        {
            ',' => (TokenKind.Comma, 1),
            '(' => (TokenKind.OpenParen, 1),
            ')' => (TokenKind.CloseParen, 1),
            '>' => (TokenKind.Greater, 1),
            '<' => (TokenKind.Less, 1),
            '!' when next == '=' => (TokenKind.NotEquals, 2),
            '!' => (TokenKind.Bang, 1),
            '=' when next == '=' => (TokenKind.DoubleEquals, 2),
            '=' => (TokenKind.Equals, 1),
            _ => (TokenKind.Identifier, IdentifierLength(start)),
        };
        _pos += length;
        return new Token(kind, start, length);
    }

    private int IdentifierLength(int start)
    {
        var end = start;
        while (end < _text.Length && !char.IsWhiteSpace(_text[end]) && !IsSpecial(_text[end])) end++;
        return end - start;
    }

    private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '<' or '>';
}
