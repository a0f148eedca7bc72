namespace LockDiscipline.Analyzer.Tests.Harness;

/// <summary>
/// Capture mode: while a test body runs under <see cref="Run"/>, the harness records the file sets the
/// test hands it instead of compiling them. <see cref="Verify.Diagnostics"/> then returns no
/// diagnostics (the test's own assertions may fail; callers ignore that), and
/// <see cref="TestCompilation.Create"/> throws <see cref="StopException"/> to end a test that
/// analyses its compilation itself. Lets the robustness test enumerate every source the suite uses,
/// the same on every run, whatever order xunit runs the tests in.
/// </summary>
public static class SourceCapture
{
    /// <summary>Scoped to one logical flow, so tests running in parallel on other threads are unaffected.</summary>
    private static readonly AsyncLocal<List<IReadOnlyList<(string Path, string Source)>>?> Sink = new();

    /// <summary>The sink of the running capture, if any.</summary>
    internal static List<IReadOnlyList<(string Path, string Source)>>? Active => Sink.Value;

    public static IReadOnlyList<IReadOnlyList<(string Path, string Source)>> Run(Action test)
    {
        var sink = new List<IReadOnlyList<(string Path, string Source)>>();
        var previous = Sink.Value;
        Sink.Value = sink;
        try
        {
            test();
        }
        catch (Exception)
        {
            // Assertions on capture mode's empty results fail, and StopException ends the test: only the sources matter.
        }
        finally
        {
            Sink.Value = previous;
        }

        return sink;
    }

    /// <summary>Thrown by <see cref="TestCompilation.Create"/> in capture mode once it has recorded its files.</summary>
    public sealed class StopException : Exception
    {
        public StopException()
            : base("Sources captured; the test body is not run further in capture mode.")
        {
        }
    }
}
