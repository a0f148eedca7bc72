using LockDiscipline.TestKit;

namespace LockDiscipline.Package.Tests.Infrastructure;

public static class AnalyzerAssertions
{
    /// <summary>
    /// Diagnostics that mean the package's analyzer or generator did not work at all: could not be
    /// loaded (CS8032), was built against a newer compiler than the SDK's (CS9057), threw (AD0001),
    /// or a generator failed (CS8784, CS8785).
    /// </summary>
    private static readonly string[] BrokenAnalyzerIds = { "CS8032", "CS9057", "AD0001", "CS8784", "CS8785" };

    /// <summary>True when the compiler's analyzer report (-p:ReportAnalyzer=true) lists LockDiscipline's analyzer.</summary>
    public static bool AnalyzerRan(ConsumerBuild build) =>
        build.DetailedLog.Contains("LockDiscipline.Analyzer.LockDisciplineAnalyzer (", StringComparison.Ordinal);

    /// <summary>The package's analyzer was loaded, ran, and neither it nor the generator failed.</summary>
    public static void AssertAnalyzerHealthy(ConsumerBuild build)
    {
        BuildDiagnostic[] failures = build.Diagnostics.Where(d => BrokenAnalyzerIds.Contains(d.Id)).ToArray();
        Assert.True(failures.Length == 0,
            "The LockDiscipline analyzer or generator failed in the compiler:\n" +
            string.Join("\n", failures.Select(f => "  " + f)) + "\n" + build.Describe());
        Assert.True(AnalyzerRan(build),
            "The compiler's analyzer report does not list LockDisciplineAnalyzer: the package's analyzer was not run.\n" + build.Describe());
    }
}
