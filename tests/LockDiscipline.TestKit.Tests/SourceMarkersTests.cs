using LockDiscipline.TestKit;

namespace LockDiscipline.TestKit.Tests;

/// <summary>The marker grammar of samples and consumer sources, on exact lines.</summary>
public sealed class SourceMarkersTests
{
    [Fact]
    public void Expect_markers_give_file_line_id_and_the_quoted_texts()
    {
        const string source = """
            class C
            {
                void M() { _sem.DownRead(); } // expect LD0001 'dmar_global_lock' '&group->mutex'
                void N() { Flush(); } // expect LD0006 'IovaCache._cpuLock' 'IovaCache.Flush -> IovaCache.Reclaim'
                int O() => 0; // expect LD0010
            }
            """;

        ExpectedDiagnostic[] expected = SourceMarkers.Parse("000_Seed.cs", source).Expected.ToArray();

        Assert.Equal(new[] { ("000_Seed.cs", 3, "LD0001"), ("000_Seed.cs", 4, "LD0006"), ("000_Seed.cs", 5, "LD0010") },
            expected.Select(e => (e.FileName, e.Line, e.Id)));
        Assert.Equal(new[] { "dmar_global_lock", "&group->mutex" }, expected[0].Texts);
        Assert.Equal(new[] { "IovaCache._cpuLock", "IovaCache.Flush -> IovaCache.Reclaim" }, expected[1].Texts);
        Assert.Empty(expected[2].Texts);
        Assert.Equal("000_Seed.cs:3", expected[0].Key);
    }

    [Fact]
    public void The_lock_expression_column_is_pinned_only_when_the_line_has_one_lock_statement()
    {
        const string source = """
            class C {
                void M() { lock (_a) { lock ( _b) { } } } // expect LD0001 'C._a' 'C._b'
                void N() { lock (_b) { } } // expect LD0003
                void O() { _b.Lock(); } // expect LD0007
            }
            """;

        Assert.Equal(new int?[] { null, 22, null }, SourceMarkers.Parse("C.cs", source).Expected.Select(e => e.LockExpressionColumn));
    }

    [Fact]
    public void Runtime_markers_give_the_line_a_report_cites_and_may_share_it_with_an_expectation()
    {
        const string source = """
            // Seed: 000
            class C
            {
                void Boot() { _mutex.Lock(); } // runtime: dmar_global_lock -> &group->mutex, at boot
                void Attach() { _sem.DownRead(); } // expect LD0001 'dmar_global_lock'; runtime: WARNING: possible circular locking dependency detected
            }
            """;

        SourceMarkers markers = SourceMarkers.Parse("000_Seed.cs", source);

        Assert.Equal(new[] { 4, 5 }, markers.RuntimeSites.Select(s => s.Line));
        Assert.Equal("dmar_global_lock -> &group->mutex, at boot", markers.RuntimeSites[0].Label);
        Assert.Equal(5, markers.RuntimeLine("000_Seed.cs", "WARNING: possible circular"));
        ExpectedDiagnostic expected = Assert.Single(markers.Expected);
        Assert.Equal((5, "LD0001"), (expected.Line, expected.Id));
        Assert.Equal(new[] { "dmar_global_lock" }, expected.Texts);
    }

    [Fact]
    public void A_runtime_label_must_name_exactly_one_line_of_the_file()
    {
        const string source = """
            class C {
                void M() { _a.Lock(); } // runtime: lock A, first
                void N() { _a.Lock(); } // runtime: lock A, second
            }
            """;
        SourceMarkers markers = SourceMarkers.Parse("C.cs", source);

        Assert.Equal(3, markers.RuntimeLine("C.cs", "lock A, second"));
        Assert.Throws<InvalidOperationException>(() => markers.RuntimeLine("C.cs", "lock A"));
        Assert.Throws<InvalidOperationException>(() => markers.RuntimeLine("C.cs", "lock B"));
        Assert.Throws<InvalidOperationException>(() => markers.RuntimeLine("D.cs", "lock A, first"));
    }

    [Fact]
    public void Comments_that_are_not_markers_are_ignored()
    {
        const string source = """
            // expect LD0001 'a' : a comment alone on its line is prose, as in a file header
            /// <summary>runtime: the same, in documentation</summary>
            class C
            {
                void M() { } // expected to stay empty: 'expected' is not the keyword
                void N() { } // LD0001 expected here: 'the old consumer grammar' is no marker any more
                string U => "http://example.org"; // a URL in the code is not a comment
                void O() { } // the runtime: keyword counts only at the start of the comment
            }
            """;

        SourceMarkers markers = SourceMarkers.Parse("C.cs", source);

        Assert.Empty(markers.Expected);
        Assert.Empty(markers.RuntimeSites);
    }

    [Theory]
    [InlineData("x(); // expect LD01 'a'")]
    [InlineData("x(); // expect ld0001 'a'")]
    [InlineData("x(); // expect LD0001 a")]
    [InlineData("x(); // expect LD0001 'a' and 'b'")]
    [InlineData("x(); // expect")]
    [InlineData("x(); // runtime:")]
    [InlineData("x(); // expect LD0001 'a'; later")]
    public void A_malformed_marker_is_an_error_naming_its_line(string markerLine)
    {
        FormatException error = Assert.Throws<FormatException>(() => SourceMarkers.Parse("C.cs", "class C {\n" + markerLine + "\n}\n"));

        Assert.StartsWith("C.cs(2): ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_names_each_marker_by_its_file_name_in_ordinal_order()
    {
        string folder = Path.Combine(Path.GetTempPath(), "ld-markers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "b.cs"), "class B { void M() { x(); } } // expect LD0001 'b'\n");
            File.WriteAllText(Path.Combine(folder, "a.cs"), "\nclass A { void M() { x(); } } // runtime: here\n");

            SourceMarkers markers = SourceMarkers.Read(new[] { Path.Combine(folder, "b.cs"), Path.Combine(folder, "a.cs") });

            Assert.Equal(("b.cs", 1), (markers.Expected.Single().FileName, markers.Expected.Single().Line));
            Assert.Equal(("a.cs", 2), (markers.RuntimeSites.Single().FileName, markers.RuntimeSites.Single().Line));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
