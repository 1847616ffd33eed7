using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Tests.Api.Selectors;

public class SelectorTests
{
    private static readonly object[] ValidSelectors =
    [
        // text, canonical form
        new object[] { "", "" },
        new object[] { "   ", "" },
        new object[] { "app=web", "app=web" },
        new object[] { "app==web", "app=web" },
        new object[] { "app!=web", "app!=web" },
        new object[] { "app=", "app=" },
        new object[] { "tier in (fe,be)", "tier in (be,fe)" },
        new object[] { "tier in(fe)", "tier in (fe)" },
        new object[] { "tier notin (x)", "tier notin (x)" },
        new object[] { "x in (a,a,b)", "x in (a,b)" },
        new object[] { "x in ()", "x in ()" },
        new object[] { "x in (a,)", "x in (,a)" },
        new object[] { "x in (in, notin)", "x in (in,notin)" },
        new object[] { "canary", "canary" },
        new object[] { "!canary", "!canary" },
        new object[] { "! canary", "!canary" },
        new object[] { "gen>3", "gen>3" },
        new object[] { "gen < -3", "gen<-3" },
        new object[] { "z=1,a=2", "a=2,z=1" },
        new object[] { "  app = web ,  tier in ( fe , be ) ,!canary ", "app=web,!canary,tier in (be,fe)" },
        new object[] { "app.kubernetes.io/name=web,in=notin", "app.kubernetes.io/name=web,in=notin" },
        new object[] { "a=1,a!=2", "a=1,a!=2" },
    ];

    [TestCaseSource(nameof(ValidSelectors))]
    public void Parse_ValidText_GivesCanonicalForm(string text, string canonical)
    {
        var selector = Selector.Parse(text);

        Assert.That(selector.ToString(), Is.EqualTo(canonical));
        Assert.That(Selector.Parse(canonical), Is.EqualTo(selector), "the canonical form parses back to an equal selector");
    }

    private static readonly object[] InvalidSelectors =
    [
        // text, position, part of the reason
        new object[] { "tier in (fe", 11, "found end of string, expected ',' or ')'" },
        new object[] { "tier in fe", 8, "found 'fe', expected '('" },
        new object[] { "tier notin", 10, "expected '('" },
        new object[] { "tier in (a b)", 11, "found 'b', expected ',' or ')'" },
        new object[] { "app=web,", 8, "expected identifier after ','" },
        new object[] { "app=web,,x", 8, "found ',', expected identifier after ','" },
        new object[] { ",app", 0, "found ',', expected identifier" },
        new object[] { "app=web=x", 7, "found '=', expected ',' or end of string" },
        new object[] { "a b", 2, "found 'b', expected one of '=', '==', '!=', 'in', 'notin'" },
        new object[] { "!", 1, "expected identifier after '!'" },
        new object[] { "!a=b", 2, "found '=', expected ',' or end of string" },
        new object[] { "a=(b)", 2, "found '(', expected a value" },
        new object[] { "-bad=x", 0, "invalid label key \"-bad\"" },
        new object[] { "a/b/c", 0, "invalid label key \"a/b/c\"" },
        new object[] { new string('k', 64) + "=v", 0, "name part must be no more than 63 characters" },
        new object[] { "app=-web", 4, "invalid label value \"-web\"" },
        new object[] { "app= -web", 5, "invalid label value \"-web\"" },
        new object[] { "x in (a,-b)", 8, "invalid label value \"-b\"" },
        new object[] { "gen>abc", 4, "must be an integer" },
        new object[] { "gen>", 4, "must be an integer" },
    ];

    [TestCaseSource(nameof(InvalidSelectors))]
    public void Parse_InvalidText_ThrowsWithPositionAndReason(string text, int position, string reason)
    {
        var ex = Assert.Throws<SelectorParseException>(() => Selector.Parse(text));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Position, Is.EqualTo(position));
            Assert.That(ex.Reason, Does.Contain(reason));
            Assert.That(ex.Selector, Is.EqualTo(text));
            Assert.That(ex.Message, Does.StartWith($"unable to parse selector \"{text}\" at position {position}: "));
            Assert.That(Selector.TryParse(text, out _), Is.False);
        });
    }

    [Test]
    public void Parse_UnclosedSet_MessageIsComplete()
    {
        var ex = Assert.Throws<SelectorParseException>(() => Selector.Parse("tier in (fe"));

        Assert.That(ex!.Message, Is.EqualTo("unable to parse selector \"tier in (fe\" at position 11: found end of string, expected ',' or ')'"));
        Assert.That(ex, Is.InstanceOf<FormatException>());
    }

    private static readonly object[] MatchCases =
    [
        // selector, labels ("k=v,k2=v2"), expected
        new object[] { "app=web", "app=web", true },
        new object[] { "app=web", "app=db", false },
        new object[] { "app=web", "", false },
        new object[] { "app=", "app=", true },
        new object[] { "app=", "", false },
        new object[] { "app!=web", "", true },
        new object[] { "app!=web", "app=web", false },
        new object[] { "app!=web", "app=db", true },
        new object[] { "tier in (fe,be)", "tier=fe", true },
        new object[] { "tier in (fe,be)", "tier=x", false },
        new object[] { "tier in (fe,be)", "", false },
        new object[] { "tier notin (fe)", "", true },
        new object[] { "tier notin (fe)", "tier=fe", false },
        new object[] { "tier notin (fe)", "tier=be", true },
        new object[] { "x in (a,b,c,d,e,f,g,h,i,j)", "x=j", true },
        new object[] { "x in (a,b,c,d,e,f,g,h,i,j)", "x=k", false },
        new object[] { "x notin (a,b,c,d,e,f,g,h,i,j)", "x=k", true },
        new object[] { "canary", "canary=", true },
        new object[] { "canary", "other=x", false },
        new object[] { "!canary", "", true },
        new object[] { "!canary", "canary=yes", false },
        new object[] { "gen>3", "gen=4", true },
        new object[] { "gen>3", "gen=3", false },
        new object[] { "gen>3", "gen=abc", false },
        new object[] { "gen>3", "", false },
        new object[] { "gen<3", "gen=-1", true },
        new object[] { "app=web,tier in (fe)", "app=web,tier=fe,extra=1", true },
        new object[] { "app=web,tier in (fe)", "app=web", false },
        new object[] { "app=Web", "app=web", false },
        new object[] { "", "", true },
        new object[] { "", "a=b", true },
    ];

    [TestCaseSource(nameof(MatchCases))]
    public void Matches_Labels_FollowsKubernetesSemantics(string selector, string labels, bool expected)
    {
        Assert.That(Selector.Parse(selector).Matches(Labels(labels)), Is.EqualTo(expected));
    }

    [Test]
    public void FromLabelSelector_Null_MatchesNothing()
    {
        var selector = Selector.FromLabelSelector(null);

        Assert.That(selector, Is.SameAs(Selector.Nothing));
        Assert.That(selector.IsNothing, Is.True);
        Assert.That(selector.IsEverything, Is.False);
        Assert.That(selector.Matches(Labels("")), Is.False);
        Assert.That(selector.Matches(Labels("a=b")), Is.False);
    }

    [Test]
    public void FromLabelSelector_Empty_MatchesEverything()
    {
        var selector = Selector.FromLabelSelector(new LabelSelector());

        Assert.That(selector.IsEverything, Is.True);
        Assert.That(selector.Matches(Labels("")), Is.True);
        Assert.That(selector.Matches(Labels("a=b")), Is.True);
    }

    [Test]
    public void FromLabelSelector_LabelsAndExpressions_AndsThem()
    {
        var selector = Selector.FromLabelSelector(new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions =
            [
                new LabelSelectorRequirement { Key = "env", Operator = LabelSelectorOperator.NotIn, Values = ["prod"] },
                new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorOperator.Exists },
                new LabelSelectorRequirement { Key = "canary", Operator = LabelSelectorOperator.DoesNotExist },
                new LabelSelectorRequirement { Key = "zone", Operator = LabelSelectorOperator.In, Values = ["b", "a"] },
            ],
        });

        Assert.Multiple(() =>
        {
            Assert.That(selector.ToString(), Is.EqualTo("app=web,!canary,env notin (prod),tier,zone in (a,b)"));
            Assert.That(selector.Matches(Labels("app=web,tier=fe,zone=a")), Is.True);
            Assert.That(selector.Matches(Labels("app=web,tier=fe,zone=a,env=prod")), Is.False);
            Assert.That(selector.Matches(Labels("app=web,tier=fe,zone=a,canary=1")), Is.False);
            Assert.That(selector.Matches(Labels("app=web,zone=a")), Is.False);
        });
    }

    [Test]
    public void FromLabelSelector_UnknownOperator_ThrowsNamingIt()
    {
        var labelSelector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "a", Operator = "in" }] };

        var ex = Assert.Throws<ArgumentException>(() => Selector.FromLabelSelector(labelSelector));

        Assert.That(ex!.Message, Does.Contain("\"in\" is not a valid label selector operator"));
    }

    [Test]
    public void FromLabelSelector_InWithoutValues_Throws()
    {
        var labelSelector = new LabelSelector
        {
            MatchExpressions = [new LabelSelectorRequirement { Key = "a", Operator = LabelSelectorOperator.In }],
        };

        var ex = Assert.Throws<ArgumentException>(() => Selector.FromLabelSelector(labelSelector));

        Assert.That(ex!.Message, Does.Contain("values set can't be empty"));
    }

    [Test]
    public void FromLabels_Map_IsEqualityOnly()
    {
        var selector = Selector.FromLabels(ImmutableDictionary<string, string>.Empty.Add("tier", "fe").Add("app", "web"));

        Assert.That(selector.ToString(), Is.EqualTo("app=web,tier=fe"));
        Assert.That(selector.Matches(Labels("app=web,tier=fe,x=y")), Is.True);
        Assert.That(selector.Matches(Labels("app=web")), Is.False);
        Assert.That(Selector.FromLabels(new Dictionary<string, string>()).IsEverything, Is.True);
    }

    [Test]
    public void ExactMatches_EqualityAndSingleValueIn_AreIndexable()
    {
        var selector = Selector.Parse("tier in (fe),app=web,env in (a,b),x!=y,z");

        Assert.That(selector.ExactMatches, Is.EqualTo(new[] { ("app", "web"), ("tier", "fe") }));
        Assert.That(Selector.Everything.ExactMatches, Is.Empty);
        Assert.That(Selector.Nothing.ExactMatches, Is.Empty);
    }

    [Test]
    public void Requirements_AreSortedByKey()
    {
        var selector = Selector.Parse("b=1,a in (x),c");

        Assert.That(selector.Requirements.Select(r => r.Key), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(selector.Requirements[0].Operator, Is.EqualTo(SelectorOperator.In));
        Assert.That(selector.Requirements[0].Values, Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void Add_Requirement_ReturnsNewSelector()
    {
        var selector = Selector.Everything.Add(new Requirement("app", SelectorOperator.Equal, ["web"]));

        Assert.That(selector.ToString(), Is.EqualTo("app=web"));
        Assert.That(Selector.Everything.IsEverything, Is.True);
        Assert.That(Selector.Nothing.Add(new Requirement("a", SelectorOperator.Exists)).IsNothing, Is.True);
    }

    [TestCase("-a", SelectorOperator.Exists, new string[0])]
    [TestCase("a", SelectorOperator.Equal, new[] { "x", "y" })]
    [TestCase("a", SelectorOperator.Exists, new[] { "x" })]
    [TestCase("a", SelectorOperator.NotIn, new string[0])]
    [TestCase("a", SelectorOperator.In, new[] { "bad value" })]
    [TestCase("a", SelectorOperator.GreaterThan, new[] { "1.5" })]
    public void Requirement_Invalid_ThrowsArgumentException(string key, SelectorOperator op, string[] values)
    {
        Assert.Throws<ArgumentException>(() => _ = new Requirement(key, op, values));
    }

    [Test]
    public void Matches_ManyCalls_DoesNotAllocate()
    {
        var selector = Selector.Parse("app=web,tier in (a,b,c,d,e,f,g,h,i,fe),env notin (prod),!canary,gen>2");
        var labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "fe", ["env"] = "dev", ["gen"] = "3" };
        Assert.That(selector.Matches(labels), Is.True);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var matched = 0;
        for (var i = 0; i < 10_000; i++)
        {
            if (selector.Matches(labels)) matched++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(matched, Is.EqualTo(10_000));
        Assert.That(allocated, Is.Zero);
    }

    private static IReadOnlyDictionary<string, string> Labels(string text) =>
        text.Length == 0
            ? ImmutableDictionary<string, string>.Empty
            : text.Split(',').Select(p => p.Split('=')).ToImmutableDictionary(p => p[0], p => p[1]);
}
