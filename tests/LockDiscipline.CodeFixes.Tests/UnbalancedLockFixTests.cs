using LockDiscipline.CodeFixes.Fixes;
using Verify = LockDiscipline.CodeFixes.Tests.Infrastructure.CodeFixTest<LockDiscipline.CodeFixes.Fixes.UnbalancedLockFix>;

namespace LockDiscipline.CodeFixes.Tests;

/// <summary>LD0007's fixes: the release moved into a finally, or the pair turned into a lock or using scope.</summary>
public sealed class UnbalancedLockFixTests
{
    [Fact]
    public Task Early_return_gets_the_release_in_a_finally()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            sealed class WorkQueue
            {
                readonly Queue<string> _queue = new();

                public bool TryTake(out string? item)
                {
                    {|LD0007:Monitor.Enter(_queue)|};
                    if (_queue.Count == 0)
                    {
                        item = null;
                        return false;
                    }

                    item = _queue.Dequeue();
                    Monitor.Exit(_queue);
                    return true;
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Threading;

            sealed class WorkQueue
            {
                readonly Queue<string> _queue = new();

                public bool TryTake(out string? item)
                {
                    Monitor.Enter(_queue);
                    try
                    {
                        if (_queue.Count == 0)
                        {
                            item = null;
                            return false;
                        }

                        item = _queue.Dequeue();
                    }
                    finally
                    {
                        Monitor.Exit(_queue);
                    }
                    return true;
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnbalancedLockFix.FinallyKey);
    }

    [Fact]
    public Task Early_return_is_not_turned_into_a_lock_statement()
    {
        const string source = """
            using System.Threading;

            sealed class Counter
            {
                readonly object _gate = new();
                int _count;

                public bool Increment()
                {
                    {|LD0007:Monitor.Enter(_gate)|};
                    if (_count < 0) return false;
                    _count++;
                    Monitor.Exit(_gate);
                    return true;
                }
            }
            """;
        return new Verify(source, source) { FixKey = UnbalancedLockFix.ScopeKey }.RunAsync();
    }

    [Fact]
    public Task Monitor_pair_with_no_early_exit_becomes_a_lock_statement()
    {
        const string source = """
            using System.Threading;

            sealed class Counter
            {
                readonly object _gate = new();
                int _count;

                public void Increment(int by)
                {
                    {|LD0007:Monitor.Enter(_gate)|};
                    Check(by);
                    _count += by;
                    Monitor.Exit(_gate);
                }

                static void Check(int by) { if (by < 0) throw new System.ArgumentOutOfRangeException(nameof(by)); }
            }
            """;
        const string fixedSource = """
            using System.Threading;

            sealed class Counter
            {
                readonly object _gate = new();
                int _count;

                public void Increment(int by)
                {
                    lock (_gate)
                    {
                        Check(by);
                        _count += by;
                    }
                }

                static void Check(int by) { if (by < 0) throw new System.ArgumentOutOfRangeException(nameof(by)); }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnbalancedLockFix.ScopeKey);
    }

    [Fact]
    public Task Lock_pair_becomes_a_using_of_its_scope()
    {
        const string source = """
            using System;
            using System.Threading;

            sealed class Settings
            {
                readonly Lock _lock = new();
                int _version;

                public void Apply()
                {
                    {|LD0007:_lock.Enter()|};
                    Validate();
                    _version++;
                    _lock.Exit();
                }

                void Validate()
                {
                    if (_version < 0) throw new InvalidOperationException();
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading;

            sealed class Settings
            {
                readonly Lock _lock = new();
                int _version;

                public void Apply()
                {
                    using (_lock.EnterScope())
                    {
                        Validate();
                        _version++;
                    }
                }

                void Validate()
                {
                    if (_version < 0) throw new InvalidOperationException();
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnbalancedLockFix.ScopeKey);
    }

    [Fact]
    public Task Kernel_mutex_left_held_by_a_break_gets_the_unlock_in_a_finally()
    {
        const string source = """
            using LockDiscipline;

            sealed class Batcher
            {
                readonly KMutex _mutex = new();
                int _pending;

                public void Drain(int[] items)
                {
                    foreach (var item in items)
                    {
                        {|LD0007:_mutex.Lock()|};
                        if (item < 0) break;
                        _pending += item;
                        _mutex.Unlock();
                    }
                }
            }
            """;
        const string fixedSource = """
            using LockDiscipline;

            sealed class Batcher
            {
                readonly KMutex _mutex = new();
                int _pending;

                public void Drain(int[] items)
                {
                    foreach (var item in items)
                    {
                        _mutex.Lock();
                        try
                        {
                            if (item < 0) break;
                            _pending += item;
                        }
                        finally
                        {
                            _mutex.Unlock();
                        }
                    }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource, UnbalancedLockFix.FinallyKey);
    }

    [Fact]
    public Task Not_offered_when_the_lock_is_also_released_on_the_early_exit()
    {
        // A finally would release it a second time on the early return.
        const string source = """
            using System.Threading;

            sealed class Counter
            {
                readonly object _gate = new();
                int _count;

                public void Increment()
                {
                    {|LD0007:Monitor.Enter(_gate)|};
                    if (_count < 0)
                    {
                        Monitor.Exit(_gate);
                        return;
                    }

                    Touch();
                    _count++;
                    Monitor.Exit(_gate);
                }

                void Touch() { }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }

    [Fact]
    public Task Not_offered_when_a_local_declared_between_is_used_after_the_release()
    {
        const string source = """
            using System.Threading;

            sealed class Counter
            {
                readonly object _gate = new();
                int _count;

                public int Increment()
                {
                    {|LD0007:Monitor.Enter(_gate)|};
                    var next = Next();
                    _count = next;
                    Monitor.Exit(_gate);
                    return next;
                }

                int Next() => _count + 1;
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }

    [Fact]
    public Task Not_offered_for_a_wait_with_a_timeout()
    {
        // Wait(timeout) may give up: a finally would release a semaphore this call never took.
        const string source = """
            using System.Threading;

            sealed class Counter
            {
                readonly SemaphoreSlim _gate = new(1, 1);
                int _count;

                public void Increment()
                {
                    {|LD0007:_gate.Wait(100)|};
                    if (_count < 0) return;
                    _count++;
                    {|LD0007:_gate.Release()|};
                }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }

    [Fact]
    public Task Not_offered_when_the_release_is_in_another_block()
    {
        const string source = """
            using System.Threading;

            sealed class Counter
            {
                readonly object _gate = new();
                int _count;

                public void Increment(bool twice)
                {
                    {|LD0007:Monitor.Enter(_gate)|};
                    Touch();
                    if (twice)
                    {
                        _count++;
                        Monitor.Exit(_gate);
                    }
                }

                void Touch() { }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }

    [Fact]
    public Task Fix_all_moves_every_release_of_the_solution_into_a_finally()
    {
        var test = new Verify(string.Empty, string.Empty) { FixKey = UnbalancedLockFix.FinallyKey };
        test.TestState.Sources.Clear();
        test.FixedState.Sources.Clear();
        test.TestState.Sources.Add(("A.cs", Leaky("A", "{|LD0007:Monitor.Enter(_gate)|}")));
        test.TestState.Sources.Add(("B.cs", Leaky("B", "{|LD0007:Monitor.Enter(_gate)|}")));
        test.FixedState.Sources.Add(("A.cs", Balanced("A")));
        test.FixedState.Sources.Add(("B.cs", Balanced("B")));
        return test.RunAsync();

        static string Leaky(string name, string enter) => $$"""
            using System.Threading;

            sealed class {{name}}
            {
                readonly object _gate = new();
                int _count;

                public void Increment()
                {
                    {{enter}};
                    if (_count < 0) return;
                    _count++;
                    Monitor.Exit(_gate);
                }

                public void Decrement()
                {
                    {{enter}};
                    if (_count == 0) return;
                    _count--;
                    Monitor.Exit(_gate);
                }
            }
            """;

        static string Balanced(string name) => $$"""
            using System.Threading;

            sealed class {{name}}
            {
                readonly object _gate = new();
                int _count;

                public void Increment()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        if (_count < 0) return;
                        _count++;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public void Decrement()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        if (_count == 0) return;
                        _count--;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """;
    }
}
