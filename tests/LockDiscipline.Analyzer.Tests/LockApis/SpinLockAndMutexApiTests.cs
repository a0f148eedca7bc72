using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.LockApis;

/// <summary><c>SpinLock</c> (<c>Enter(ref taken)</c>/<c>TryEnter</c>/<c>Exit</c>) and <c>Mutex</c> (<c>WaitOne</c>/<c>ReleaseMutex</c>).</summary>
public class SpinLockAndMutexApiTests
{
    [Fact]
    public void SpinLockEnterWithLockTaken()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Ring
            {
                SpinLock _head = new(false), _tail = new(false);
                void Push()
                {
                    bool head = false;
                    try
                    {
                        _head.Enter(ref head);
                        bool tail = false;
                        try { _tail.Enter(ref tail); } finally { if (tail) _tail.Exit(); }
                    }
                    finally { if (head) _head.Exit(); }
                }
                void Pop()
                {
                    bool tail = false;
                    try
                    {
                        _tail.Enter(ref tail);
                        bool head = false;
                        try { {|LD0001:_head.Enter(ref head)|}; } finally { if (head) _head.Exit(); }
                    }
                    finally { if (tail) _tail.Exit(); }
                }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Ring._head' while holding 'Ring._tail'", message);
    }

    [Fact]
    public void SpinLockInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Ring
            {
                SpinLock _head = new(false), _tail = new(false);
                void Push()
                {
                    bool head = false;
                    try
                    {
                        _head.Enter(ref head);
                        bool tail = false;
                        try { _tail.Enter(ref tail); } finally { if (tail) _tail.Exit(); }
                    }
                    finally { if (head) _head.Exit(); }
                }
                void Pop()
                {
                    bool head = false;
                    try
                    {
                        _head.TryEnter(ref head);
                        bool tail = false;
                        try { _tail.Enter(ref tail); } finally { if (tail) _tail.Exit(false); }
                    }
                    finally { if (head) _head.Exit(); }
                }
            }
            """);

    [Theory]
    [InlineData("_head.TryEnter(ref head)")]
    [InlineData("_head.TryEnter(100, ref head)")]
    public void SpinLockTryEnterHoldsTheLockWhenTaken(string tryEnter)
        => Verify.Diagnostics($$"""
            using System.Threading;
            class Ring
            {
                SpinLock _head = new(false), _tail = new(false);
                void Push()
                {
                    bool head = false;
                    try
                    {
                        {{tryEnter}};
                        if (head)
                        {
                            bool tail = false;
                            try { _tail.Enter(ref tail); } finally { if (tail) _tail.Exit(); }
                        }
                    }
                    finally { if (head) _head.Exit(); }
                }
                void Pop()
                {
                    bool tail = false;
                    try
                    {
                        _tail.Enter(ref tail);
                        bool head = false;
                        try { {|LD0001:_head.Enter(ref head)|}; } finally { if (head) _head.Exit(); }
                    }
                    finally { if (tail) _tail.Exit(); }
                }
            }
            """);

    [Fact]
    public void MutexWaitOneAndReleaseMutex()
    {
        var message = Verify.Diagnostics("""
            using System.Threading;
            class Journal
            {
                readonly Mutex _file = new(), _index = new();
                void Append()
                {
                    _file.WaitOne();
                    try { _index.WaitOne(); try { } finally { _index.ReleaseMutex(); } }
                    finally { _file.ReleaseMutex(); }
                }
                void Compact()
                {
                    _index.WaitOne();
                    try { {|LD0001:_file.WaitOne()|}; try { } finally { _file.ReleaseMutex(); } }
                    finally { _index.ReleaseMutex(); }
                }
            }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'Journal._file' while holding 'Journal._index'", message);
    }

    [Fact]
    public void MutexInConsistentOrderIsClean()
        => Verify.Diagnostics("""
            using System.Threading;
            class Journal
            {
                readonly Mutex _file = new(), _index = new();
                void Append()
                {
                    _file.WaitOne();
                    try { _index.WaitOne(); try { } finally { _index.ReleaseMutex(); } }
                    finally { _file.ReleaseMutex(); }
                }
                void Compact()
                {
                    if (_file.WaitOne(100))
                    {
                        try { _index.WaitOne(); try { } finally { _index.ReleaseMutex(); } }
                        finally { _file.ReleaseMutex(); }
                    }
                }
            }
            """);

    [Fact]
    public void MutexWaitOneWithTimeoutHoldsTheLockWhenItSucceeds()
        => Verify.Diagnostics("""
            using System.Threading;
            class Journal
            {
                readonly Mutex _file = new(), _index = new();
                void Append()
                {
                    if (_file.WaitOne(100))
                    {
                        try { _index.WaitOne(); try { } finally { _index.ReleaseMutex(); } }
                        finally { _file.ReleaseMutex(); }
                    }
                }
                void Compact()
                {
                    _index.WaitOne();
                    try { {|LD0001:_file.WaitOne()|}; try { } finally { _file.ReleaseMutex(); } }
                    finally { _index.ReleaseMutex(); }
                }
            }
            """);
}
