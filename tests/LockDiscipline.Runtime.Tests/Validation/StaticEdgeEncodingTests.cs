using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary>
/// The static-edge text both halves share: deterministic, and read defensively, since any assembly may
/// carry an attribute under the key.
/// </summary>
public class StaticEdgeEncodingTests
{
    private static readonly KeyValuePair<string, string>[] Edges =
    {
        new("member:F:B._b", "member:F:A._a"),
        new("member:F:A._a", "member:F:B._b"),
        new("member:F:A._a", "member:F:B._b"),
        new("type:C", "member:F:A._a"),
    };

    [Fact]
    public void Same_edges_in_any_order_give_the_same_text_and_read_back()
    {
        string text = StaticEdgeEncoding.Encode(Edges)!;
        Assert.Equal("LDE 1\n3\nmember:F:A._a\nmember:F:B._b\ntype:C\n0 1\n1 0\n2 0", text);
        Assert.Equal(text, StaticEdgeEncoding.Encode(Edges.Reverse()));
        Assert.True(StaticEdgeEncoding.TryDecode(text, out var decoded, out var problem), problem);
        Assert.Equal(Edges.Distinct().OrderBy(e => e.Key + " " + e.Value), decoded.OrderBy(e => e.Key + " " + e.Value));
    }

    [Fact]
    public void No_edge_gives_no_text_and_a_key_with_a_line_break_is_left_out()
    {
        Assert.Null(StaticEdgeEncoding.Encode(Array.Empty<KeyValuePair<string, string>>()));
        Assert.Null(StaticEdgeEncoding.Encode(new[] { new KeyValuePair<string, string>("a\nb", "c") }));
    }

    [Fact]
    public void Every_cut_of_the_text_reads_or_fails_with_a_reason()
    {
        string text = StaticEdgeEncoding.Encode(Edges)!;
        for (int length = 0; length < text.Length; length++)
        {
            // A cut inside a key reads the keys that are left; any other cut must fail, never throw.
            if (!StaticEdgeEncoding.TryDecode(text.Substring(0, length), out var edges, out var problem))
            {
                Assert.NotEmpty(problem);
                Assert.Empty(edges);
            }
        }
    }

    [Theory]
    [InlineData("LDE 2\n0", "version '2' is not known to this runtime")]
    [InlineData("", "not an edge list")]
    [InlineData("LDE 1\n99\na\nb", "bad key count")]
    [InlineData("LDE 1\n2\na\nb\n0 2", "bad edge on line 5")]
    [InlineData("LDE 1\n2\na\nb\n0", "bad edge on line 5")]
    [InlineData("LDE 1\n2\na\nb\n-1 0", "bad edge on line 5")]
    public void Bad_text_is_refused_with_its_reason(string text, string reason)
    {
        Assert.False(StaticEdgeEncoding.TryDecode(text, out var edges, out var problem));
        Assert.Equal(reason, problem);
        Assert.Empty(edges);
    }
}
