using Microsoft.CodeAnalysis.Testing;
using Verify = LockDiscipline.CodeFixes.Tests.Infrastructure.CodeFixTest<LockDiscipline.CodeFixes.Fixes.SuppressWithJustificationFix>;

namespace LockDiscipline.CodeFixes.Tests;

/// <summary>The attribute suppression of the rules with no rewrite of their own.</summary>
public sealed class SuppressWithJustificationFixTests
{
    [Fact]
    public Task Cycle_is_suppressed_on_the_member_that_closes_it()
    {
        const string source = """
            sealed class Cache
            {
                readonly object _items = new(), _stats = new();
                void Add()  { lock (_items) { lock (_stats) { } } }

                // Dump runs only before Add is reachable.
                void Dump() { lock (_stats) { lock ({|LD0001:_items|}) { } } }
            }
            """;
        const string fixedSource = """
            sealed class Cache
            {
                readonly object _items = new(), _stats = new();
                void Add()  { lock (_items) { lock (_stats) { } } }

                // Dump runs only before Add is reachable.
                [System.Diagnostics.CodeAnalysis.SuppressMessage("LockDiscipline", "LD0001:Possible circular locking dependency", Justification = "<Pending>")]
                void Dump() { lock (_stats) { lock (_items) { } } }
            }
            """;
        // LD0001 is a compilation-end diagnostic, which the kit calls non-local: fixed at build
        // (dotnet format) and with full-solution analysis, so the kit's check for local ones is skipped.
        return new Verify(source, fixedSource) { CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck }.RunAsync();
    }

    [Fact]
    public Task Attribute_name_is_short_where_its_namespace_is_imported()
    {
        const string source = """
            using System.Diagnostics.CodeAnalysis;
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _mutex = new();

                public void Reset()
                {
                    _mutex.Lock();
                    {|LD0003:_mutex.Lock()|};
                    _mutex.Unlock();
                }
            }
            """;
        const string fixedSource = """
            using System.Diagnostics.CodeAnalysis;
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _mutex = new();

                [SuppressMessage("LockDiscipline", "LD0003:Possible recursive locking", Justification = "<Pending>")]
                public void Reset()
                {
                    _mutex.Lock();
                    _mutex.Lock();
                    _mutex.Unlock();
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_all_adds_one_attribute_per_member_and_rule()
    {
        const string source = """
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _mutex = new(), _other = new();

                public void Reset()
                {
                    _mutex.Lock();
                    {|LD0003:_mutex.Lock()|};
                    _mutex.Unlock();
                    _other.Lock();
                    {|LD0003:_other.Lock()|};
                    _other.Unlock();
                }

                public void Probe()
                {
                    _other.Lock();
                    {|LD0003:_other.Lock()|};
                    _other.Unlock();
                }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Device
            {
                readonly KMutex _mutex = new(), _other = new();

                [System.Diagnostics.CodeAnalysis.SuppressMessage("LockDiscipline", "LD0003:Possible recursive locking", Justification = "<Pending>")]
                public void Reset()
                {
                    _mutex.Lock();
                    _mutex.Lock();
                    _mutex.Unlock();
                    _other.Lock();
                    _other.Lock();
                    _other.Unlock();
                }

                [System.Diagnostics.CodeAnalysis.SuppressMessage("LockDiscipline", "LD0003:Possible recursive locking", Justification = "<Pending>")]
                public void Probe()
                {
                    _other.Lock();
                    _other.Lock();
                    _other.Unlock();
                }
            }
            """;
        // One fix at a time adds the attribute once per member too: the second site of Reset is then suppressed.
        return new Verify(source, fixedSource) { NumberOfIncrementalIterations = 2 }.RunAsync();
    }

    [Fact]
    public Task Declared_order_violation_is_suppressed_on_its_method()
    {
        const string source = """
            using LockDiscipline;

            [assembly: LockOrder("first_lock", "second_lock")]

            sealed class Pair
            {
                [LockClass("first_lock")] readonly KMutex _first = new();
                [LockClass("second_lock")] readonly KMutex _second = new();

                public void Reversed()
                {
                    _second.Lock();
                    {|LD0002:_first.Lock()|};
                    _first.Unlock();
                    _second.Unlock();
                }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            [assembly: LockOrder("first_lock", "second_lock")]

            sealed class Pair
            {
                [LockClass("first_lock")] readonly KMutex _first = new();
                [LockClass("second_lock")] readonly KMutex _second = new();

                [System.Diagnostics.CodeAnalysis.SuppressMessage("LockDiscipline", "LD0002:Acquisition contradicts a declared lock order", Justification = "<Pending>")]
                public void Reversed()
                {
                    _second.Lock();
                    _first.Lock();
                    _first.Unlock();
                    _second.Unlock();
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Not_offered_for_a_rule_with_a_fix_of_its_own()
    {
        const string source = """
            using System.Threading;

            sealed class Counter
            {
                readonly object _gate = new();
                int _count;

                public void Increment()
                {
                    {|LD0007:Monitor.Enter(_gate)|};
                    if (_count < 0) return;
                    _count++;
                    Monitor.Exit(_gate);
                }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }
}
