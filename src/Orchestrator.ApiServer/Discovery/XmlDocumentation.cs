using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Orchestrator.ApiServer.Discovery;

/// <summary>
/// The <c>&lt;summary&gt;</c> texts of an assembly's XML documentation file (the <c>.xml</c> beside the <c>.dll</c>), as
/// plain text: references become their simple names, code elements their text, whitespace is collapsed. Without the
/// file every lookup answers null.
/// </summary>
internal sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> _summaries = new(StringComparer.Ordinal);

    private XmlDocumentation()
    {
    }

    /// <summary>Reads the documentation of <paramref name="assembly"/>; empty when the file is missing or unreadable.</summary>
    public static XmlDocumentation For(Assembly assembly)
    {
        var docs = new XmlDocumentation();
        if (string.IsNullOrEmpty(assembly.Location)) return docs;
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path)) return docs;
        try
        {
            foreach (var member in XDocument.Load(path).Descendants("member"))
            {
                if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary && Text(summary) is { Length: > 0 } text)
                {
                    docs._summaries[name] = text;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or XmlException or UnauthorizedAccessException)
        {
            // Descriptions are a convenience; serve the schemas without them.
        }
        return docs;
    }

    /// <summary>The summary of a type.</summary>
    public string? Summary(Type type) => _summaries.GetValueOrDefault("T:" + TypeName(type));

    /// <summary>The summary of a property or field, looked up on the type that declares it.</summary>
    public string? Summary(MemberInfo member)
    {
        if (member.DeclaringType is not { } declaring) return null;
        var prefix = member is FieldInfo ? "F:" : "P:";
        return _summaries.GetValueOrDefault(prefix + TypeName(declaring) + "." + member.Name);
    }

    private static string TypeName(Type type)
    {
        if (type.IsGenericType) type = type.GetGenericTypeDefinition();
        return (type.FullName ?? type.Name).Replace('+', '.');
    }

    private static string Text(XElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    private static void Append(XElement element, StringBuilder text)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    var reference = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? "";
                    text.Append(see.Value.Length > 0 ? see.Value : SimpleName(reference));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } param:
                    text.Append(param.Attribute("name")?.Value);
                    break;
                case XElement { Name.LocalName: "para" or "br" } para:
                    text.Append(' ');
                    Append(para, text);
                    text.Append(' ');
                    break;
                case XElement other:
                    Append(other, text);
                    break;
            }
        }
    }

    private static string SimpleName(string cref)
    {
        var name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0) name = name[..paren];
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
