using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// A private method nothing calls is dead code, not an entry point: it orders no locks at run time,
/// so it adds no dependency (issue 10, other tools' shapes). Findings within its own body stay.
/// </summary>
public class UncalledPrivateMethodTests
{
    private const string Counters = """
        class Counters
        {
            readonly object _requests = new(), _errors = new();
            public void Read() { lock (_requests) lock (_errors) { } }
            private void ErrorsFirst() { lock (_errors) lock (%INNER%) { } }
            %USE%
        }
        """;

    [Fact]
    public void UncalledPrivateMethodAddsNoDependency()
    {
        Verify.Diagnostics(Counters.Replace("%INNER%", "_requests").Replace("%USE%", string.Empty));
    }

    [Theory]
    [InlineData("public void Reset() => ErrorsFirst();")]
    [InlineData("public void Start() => System.Threading.Tasks.Task.Run(ErrorsFirst);")]
    [InlineData("public System.Action Callback => ErrorsFirst;")]
    [InlineData("readonly System.Action _reset; public Counters() { _reset = ErrorsFirst; } public void Reset() => _reset();")]
    [InlineData("private void Middle() => ErrorsFirst(); public void Reset() => Middle();")]
    public void PrivateMethodCalledOrUsedAsADelegateStillCounts(string use)
    {
        Verify.Diagnostics(Counters.Replace("%INNER%", "{|LD0001:_requests|}").Replace("%USE%", use));
    }

    [Fact]
    public void PrivateMethodCalledOnlyFromDeadCodeIsDeadToo()
    {
        Verify.Diagnostics(Counters.Replace("%INNER%", "_requests").Replace("%USE%", "private void Middle() => ErrorsFirst();"));
    }

    [Fact]
    public void PrivateMethodCalledFromAFieldInitializerCounts()
    {
        Verify.Diagnostics(Counters.Replace("%INNER%", "{|LD0001:_requests|}").Replace("%USE%", "static readonly int s_seed = Seed(); private static int Seed() { new Counters().ErrorsFirst(); return 0; }"));
    }

    [Theory]
    [InlineData("private void Poll() { _lock.Lock(); _lock.Unlock(); }", false)]
    [InlineData("public void Poll() { _lock.Lock(); _lock.Unlock(); }", true)]
    public void DeadCodeRunsInNoInterruptContext(string poll, bool reported)
    {
        Verify.Diagnostics($$"""
            using LockDiscipline;
            class Dev
            {
                readonly KSpinLock _lock = new();
                [HardIrqContext] void Handler() { {{(reported ? "{|LD0004:_lock.Lock()|}" : "_lock.Lock()")}}; _lock.Unlock(); }
                public void Start() { }
                {{poll}}
            }
            """);
    }

    [Fact]
    public void FindingsInTheDeadBodyItselfStay()
    {
        Verify.Diagnostics("""
            using LockDiscipline;
            class Group
            {
                readonly KMutex _mutex = new();
                private void Twice() { _mutex.Lock(); {|LD0003:_mutex.Lock()|}; _mutex.Unlock(); {|LD0007:_mutex.Unlock()|}; }
            }
            """);
    }
}
