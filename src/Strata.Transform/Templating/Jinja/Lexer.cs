using System.Text;

namespace Strata.Transform.Templating.Jinja;

/// <summary>
/// Splits a template into text and the tokens inside <c>{{ }}</c> and <c>{% %}</c>; drops <c>{# #}</c> comments.
/// Whitespace control happens here: a <c>-</c> inside a tag's delimiter strips all whitespace (newlines too) on that side.
/// </summary>
internal sealed class Lexer
{
    private static readonly string[] TwoCharOperators = ["==", "!=", "<=", ">=", "//", "**"];
    private const string OneCharOperators = "+-*/%~<>=()[]{},.:|";

    private readonly string _text;
    private readonly string _path;
    private readonly List<int> _lineStarts = [0];
    private readonly List<Token> _tokens = [];
    private bool _trimNext;

    private Lexer(string text, string path)
    {
        _text = text;
        _path = path;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The tokens of <paramref name="text"/>, ending with <see cref="TokenKind.End"/>.</summary>
    public static List<Token> Tokenize(string text, string path)
    {
        var lexer = new Lexer(text, path);
        lexer.Run();
        return lexer._tokens;
    }

    /// <summary>The line and column of an index.</summary>
    private Position At(int index)
    {
        var line = _lineStarts.BinarySearch(index);
        line = line >= 0 ? line : ~line - 1;
        return new Position(line + 1, index - _lineStarts[line] + 1);
    }

    private TransformException Error(int index, string what) => new($"{_path}:{At(index).Line}:{At(index).Column}: {what}");

    private void Run()
    {
        var i = 0;
        while (i < _text.Length)
        {
            var open = NextTag(i);
            var literal = _text[i..(open < 0 ? _text.Length : open)];
            if (_trimNext)
            {
                literal = literal.TrimStart();
                _trimNext = false;
            }

            if (open >= 0 && open + 2 < _text.Length && _text[open + 2] == '-')
            {
                literal = literal.TrimEnd();
            }

            if (literal.Length > 0)
            {
                _tokens.Add(new Token(TokenKind.Text, literal, At(i)));
            }

            if (open < 0)
            {
                break;
            }

            i = _text[open + 1] switch
            {
                '#' => Comment(open),
                '{' => Tag(open, TokenKind.VariableBegin, TokenKind.VariableEnd, "}}"),
                _ => Tag(open, TokenKind.BlockBegin, TokenKind.BlockEnd, "%}"),
            };
        }

        _tokens.Add(new Token(TokenKind.End, "", At(_text.Length)));
    }

    private int NextTag(int from)
    {
        for (var i = _text.IndexOf('{', from); i >= 0 && i + 1 < _text.Length; i = _text.IndexOf('{', i + 1))
        {
            if (_text[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    private int Comment(int open)
    {
        var close = _text.IndexOf("#}", open + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw Error(open, "{# is never closed; expected #}");
        }

        _trimNext = close > open + 2 && _text[close - 1] == '-';
        return close + 2;
    }

    /// <summary>Lexes one tag from its opening delimiter; returns the index after its closing one.</summary>
    private int Tag(int open, TokenKind begin, TokenKind end, string closer)
    {
        _tokens.Add(new Token(begin, _text.Substring(open, 2), At(open)));
        var i = open + 2;
        if (i < _text.Length && _text[i] is '-' or '+')
        {
            i++;
        }

        var depth = 0;
        while (true)
        {
            while (i < _text.Length && char.IsWhiteSpace(_text[i]))
            {
                i++;
            }

            if (i >= _text.Length)
            {
                throw Error(open, $"{_text.Substring(open, 2)} is never closed; expected {closer}");
            }

            // A closer counts only outside braces, so {{ {'a': {'b': 1}} }} keeps its dict literal.
            if (depth == 0)
            {
                var minus = _text[i] == '-' && string.CompareOrdinal(_text, i + 1, closer, 0, 2) == 0;
                if (minus || string.CompareOrdinal(_text, i, closer, 0, 2) == 0)
                {
                    _tokens.Add(new Token(end, closer, At(i)));
                    _trimNext = minus;
                    return i + (minus ? 3 : 2);
                }
            }

            var c = _text[i];
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < _text.Length && (char.IsLetterOrDigit(_text[i]) || _text[i] == '_'))
                {
                    i++;
                }

                _tokens.Add(new Token(TokenKind.Name, _text[start..i], At(start)));
            }
            else if (char.IsAsciiDigit(c))
            {
                i = Number(i);
            }
            else if (c is '\'' or '"')
            {
                i = String(i);
            }
            else if (i + 1 < _text.Length && TwoCharOperators.Contains(_text.Substring(i, 2)))
            {
                _tokens.Add(new Token(TokenKind.Operator, _text.Substring(i, 2), At(i)));
                i += 2;
            }
            else if (OneCharOperators.Contains(c, StringComparison.Ordinal))
            {
                // Only braces count: a }} after an unclosed ( is far likelier a closer than part of the expression.
                depth = c switch
                {
                    '{' => depth + 1,
                    '}' => Math.Max(0, depth - 1),
                    _ => depth,
                };
                _tokens.Add(new Token(TokenKind.Operator, c.ToString(), At(i)));
                i++;
            }
            else
            {
                throw Error(i, $"unexpected character '{c}'");
            }
        }
    }

    private int Number(int start)
    {
        var i = start;
        while (i < _text.Length && char.IsAsciiDigit(_text[i]))
        {
            i++;
        }

        var kind = TokenKind.Integer;
        if (i + 1 < _text.Length && _text[i] == '.' && char.IsAsciiDigit(_text[i + 1]))
        {
            kind = TokenKind.Float;
            i++;
            while (i < _text.Length && char.IsAsciiDigit(_text[i]))
            {
                i++;
            }
        }

        _tokens.Add(new Token(kind, _text[start..i], At(start)));
        return i;
    }

    private int String(int start)
    {
        var quote = _text[start];
        var value = new StringBuilder();
        var i = start + 1;
        while (i < _text.Length && _text[i] != quote)
        {
            if (_text[i] == '\\' && i + 1 < _text.Length)
            {
                var escaped = _text[i + 1];
                value.Append(escaped switch
                {
                    'n' => "\n",
                    't' => "\t",
                    'r' => "\r",
                    '\\' or '\'' or '"' => escaped.ToString(),
                    _ => "\\" + escaped, // as Python keeps an unknown escape: '\d' stays a backslash and a d
                });
                i += 2;
            }
            else
            {
                value.Append(_text[i++]);
            }
        }

        if (i >= _text.Length)
        {
            throw Error(start, "string is never closed");
        }

        _tokens.Add(new Token(TokenKind.String, value.ToString(), At(start)));
        return i + 1;
    }
}
