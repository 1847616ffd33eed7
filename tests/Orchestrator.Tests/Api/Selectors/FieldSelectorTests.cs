using Orchestrator.Api;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Tests.Api.Selectors;

public class FieldSelectorTests
{
    private static readonly object[] ValidSelectors =
    [
        // text, canonical form
        new object[] { "", "" },
        new object[] { " ", "" },
        new object[] { "metadata.name=x", "metadata.name=x" },
        new object[] { "metadata.name==x", "metadata.name=x" },
        new object[] { "status.phase!=Running,metadata.name=x", "metadata.name=x,status.phase!=Running" },
        new object[] { " metadata.name = x ", "metadata.name=x" },
        new object[] { "metadata.name=x,", "metadata.name=x" },
        new object[] { "metadata.name=x,,spec.nodeName=n", "metadata.name=x,spec.nodeName=n" },
        new object[] { "metadata.name=", "metadata.name=" },
        new object[] { @"metadata.name=a\,b\=c\\d", @"metadata.name=a\,b\=c\\d" },
    ];

    [TestCaseSource(nameof(ValidSelectors))]
    public void Parse_ValidText_GivesCanonicalForm(string text, string canonical)
    {
        var selector = FieldSelector.Parse(text);

        Assert.That(selector.ToString(), Is.EqualTo(canonical));
        Assert.That(FieldSelector.Parse(canonical), Is.EqualTo(selector));
    }

    [Test]
    public void Parse_EscapedValue_IsUnescaped()
    {
        var selector = FieldSelector.Parse(@"metadata.name=a\,b\=c\\d");

        Assert.That(selector.Requirements.Single().Value, Is.EqualTo(@"a,b=c\d"));
    }

    private static readonly object[] InvalidSelectors =
    [
        // text, position, part of the reason
        new object[] { "metadata.name", 0, "found 'metadata.name', expected a term such as 'metadata.name=value'" },
        new object[] { "a=b,metadata.name", 4, "found 'metadata.name'" },
        new object[] { "a!b", 0, "expected a term" },
        new object[] { "=x", 0, "expected a field name" },
        new object[] { "a=b=c", 3, "found '=' in a value" },
        new object[] { @"a=b\x", 3, "invalid escape sequence" },
        new object[] { @"a=b\", 3, "invalid escape sequence" },
    ];

    [TestCaseSource(nameof(InvalidSelectors))]
    public void Parse_InvalidText_ThrowsWithPositionAndReason(string text, int position, string reason)
    {
        var ex = Assert.Throws<SelectorParseException>(() => FieldSelector.Parse(text));

        Assert.That(ex!.Position, Is.EqualTo(position));
        Assert.That(ex.Reason, Does.Contain(reason));
        Assert.That(ex.Message, Does.Contain($"\"{text}\""));
    }

    private static readonly object[] MatchCases =
    [
        // selector, expected for Thing "web" in namespace "prod" on node "n1"
        new object[] { "", true },
        new object[] { "metadata.name=web", true },
        new object[] { "metadata.name==web", true },
        new object[] { "metadata.name=db", false },
        new object[] { "metadata.name!=web", false },
        new object[] { "metadata.name!=db", true },
        new object[] { "metadata.namespace=prod,metadata.name=web", true },
        new object[] { "metadata.namespace=prod,metadata.name=db", false },
        new object[] { "spec.nodeName=n1", true },
        new object[] { "spec.nodeName!=n1", false },
    ];

    [TestCaseSource(nameof(MatchCases))]
    public void Matches_Object_ComparesFieldValues(string selector, bool expected)
    {
        var thing = new Thing { Metadata = new ObjectMeta { Name = "web", Namespace = "prod" }, NodeName = "n1" };

        Assert.That(FieldSelector.Parse(selector).Matches(thing), Is.EqualTo(expected));
    }

    [Test]
    public void Matches_UnsetOptionalField_ComparesAsEmpty()
    {
        var thing = new Thing { Metadata = new ObjectMeta { Name = "web" } };

        Assert.That(FieldSelector.Parse("spec.nodeName=").Matches(thing), Is.True);
        Assert.That(FieldSelector.Parse("metadata.namespace=").Matches(thing), Is.True);
        Assert.That(FieldSelector.Parse("spec.nodeName!=").Matches(thing), Is.False);
    }

    [Test]
    public void Matches_UnsupportedField_ThrowsNamingFieldAndKind()
    {
        var selector = FieldSelector.Parse("spec.foo=x");

        var ex = Assert.Throws<ArgumentException>(() => selector.Matches(new Thing()));

        Assert.That(ex!.Message, Does.Contain("\"spec.foo\"").And.Contain("Thing"));
    }

    [Test]
    public void Validate_SupportedFields_DoesNotThrow()
    {
        Assert.DoesNotThrow(() => FieldSelector.Parse("spec.nodeName=n1,metadata.name=a").Validate(typeof(Thing)));
        Assert.DoesNotThrow(() => FieldSelector.Everything.Validate(typeof(Thing)));
    }

    [Test]
    public void Validate_UnsupportedField_ThrowsNamingFieldAndKind()
    {
        var ex = Assert.Throws<ArgumentException>(() => FieldSelector.Parse("status.phase=Running").Validate(typeof(Thing)));

        Assert.That(ex!.Message, Does.Contain("\"status.phase\"").And.Contain("Thing"));
    }

    [Test]
    public void Validate_NotAKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => FieldSelector.Parse("metadata.name=a").Validate(typeof(string)));
    }

    [Test]
    public void ExactMatches_EqualityTerms_AreIndexable()
    {
        var selector = FieldSelector.Parse("status.phase!=Running,spec.nodeName=n1");

        Assert.That(selector.ExactMatches, Is.EqualTo(new[] { ("spec.nodeName", "n1") }));
        Assert.That(FieldSelector.Everything.IsEverything, Is.True);
        Assert.That(FieldSelector.Everything.ExactMatches, Is.Empty);
    }

    [Test]
    public void OneTermEqual_BuildsSingleEqualityTerm()
    {
        var selector = FieldSelector.OneTermEqual("spec.nodeName", "a,b");

        Assert.That(selector.ToString(), Is.EqualTo(@"spec.nodeName=a\,b"));
        Assert.That(selector, Is.EqualTo(FieldSelector.Parse(@"spec.nodeName=a\,b")));
        Assert.That(selector.IsEverything, Is.False);
    }

    /// <summary>A kind of this test's own that supports one field besides the metadata ones.</summary>
    private sealed record Thing() : KubernetesObject("test.orchestrator.io/v1", "Thing")
    {
        public string? NodeName { get; init; }

        public override string? GetFieldValue(string fieldPath) =>
            fieldPath == "spec.nodeName" ? NodeName ?? "" : base.GetFieldValue(fieldPath);
    }
}
