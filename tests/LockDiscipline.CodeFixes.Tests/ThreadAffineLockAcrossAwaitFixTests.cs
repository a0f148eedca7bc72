using Verify = LockDiscipline.CodeFixes.Tests.Infrastructure.CodeFixTest<LockDiscipline.CodeFixes.Fixes.ThreadAffineLockAcrossAwaitFix>;

namespace LockDiscipline.CodeFixes.Tests;

/// <summary>LD0011's fix: a private lock used only through explicit acquire and release becomes a SemaphoreSlim.</summary>
public sealed class ThreadAffineLockAcrossAwaitFixTests
{
    [Fact]
    public Task Lock_becomes_a_semaphore_awaited_in_async_methods_and_waited_on_elsewhere()
    {
        const string source = """
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Journal
            {
                readonly Lock _lock = new();
                readonly Stream _stream = Stream.Null;

                public async Task FlushAsync()
                {
                    _lock.Enter();
                    try { {|LD0011:await _stream.FlushAsync()|}; }
                    finally { _lock.Exit(); }
                }

                public void Flush()
                {
                    _lock.Enter();
                    try { _stream.Flush(); }
                    finally { _lock.Exit(); }
                }
            }
            """;
        const string fixedSource = """
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Journal
            {
                readonly SemaphoreSlim _lock = new(1, 1);
                readonly Stream _stream = Stream.Null;

                public async Task FlushAsync()
                {
                    await _lock.WaitAsync();
                    try { await _stream.FlushAsync(); }
                    finally { _lock.Release(); }
                }

                public void Flush()
                {
                    _lock.Wait();
                    try { _stream.Flush(); }
                    finally { _lock.Release(); }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Fix_all_converts_a_monitor_object_awaited_under_in_two_methods_once()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Cache
            {
                private readonly object _gate = new object();
                int _hits;

                public async Task RefreshAsync()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        {|LD0011:await Task.Yield()|};
                        _hits++;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public async Task ClearAsync()
                {
                    Monitor.Enter(_gate);
                    try { {|LD0011:await Task.Yield()|}; _hits = 0; }
                    finally { Monitor.Exit(_gate); }
                }
            }
            """;
        const string fixedSource = """
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Cache
            {
                private readonly SemaphoreSlim _gate = new(1, 1);
                int _hits;

                public async Task RefreshAsync()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        await Task.Yield();
                        _hits++;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public async Task ClearAsync()
                {
                    await _gate.WaitAsync();
                    try { await Task.Yield(); _hits = 0; }
                    finally { _gate.Release(); }
                }
            }
            """;
        return Verify.VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task Not_offered_for_a_lock_also_used_in_a_lock_statement_nor_for_a_public_one()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Cache
            {
                private readonly object _gate = new object();
                public readonly object Shared = new object();
                int _hits;

                public async Task RefreshAsync()
                {
                    Monitor.Enter(_gate);
                    try { {|LD0011:await Task.Yield()|}; _hits++; }
                    finally { Monitor.Exit(_gate); }
                }

                public void Reset() { lock (_gate) { _hits = 0; } }

                public async Task ShareAsync()
                {
                    Monitor.Enter(Shared);
                    try { {|LD0011:await Task.Yield()|}; }
                    finally { Monitor.Exit(Shared); }
                }
            }
            """;
        return Verify.VerifyNotOfferedAsync(source);
    }
}
