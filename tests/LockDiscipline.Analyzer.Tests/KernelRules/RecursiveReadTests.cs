using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// Recursive reads (<c>KRwLock.ReadLock</c>, lockdep's <c>read_lock</c>; <c>KLockMap.AcquireRead</c>,
/// <c>lock_map_acquire_read</c>): a recursive read after a read of its class waits for no one, so it is not
/// LD0003, and a cycle is LD0001 only along a strong path (lockdep-design.rst, "Recursive read locks"): no
/// step into a recursive read followed by a step out of a shared hold. <c>KRwSem</c> reads are not recursive
/// and keep the stricter rule (<see cref="ReadWriteTests"/>).
/// </summary>
public class RecursiveReadTests
{
    [Fact]
    public void RwLockReadAfterReadIsNotRecursion()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Table
            {
                readonly KRwLock _lock = new();
                void Lookup() { _lock.ReadLock(); _lock.ReadLock(); _lock.ReadUnlock(); _lock.ReadUnlock(); }
                void Walk() { _lock.ReadLock(); Lookup(); _lock.ReadUnlock(); }
            }
            """);

    [Fact]
    public void RwLockWriteAfterReadAndReadAfterWriteAreRecursion()
    {
        var diagnostics = Verify.Diagnostics("""
            using LockDiscipline;
            class Table
            {
                readonly KRwLock _lock = new();
                void Upgrade() { _lock.ReadLock(); {|LD0003:_lock.WriteLock()|}; {|LD0007:_lock.WriteUnlock()|}; _lock.ReadUnlock(); }
                void Peek() { _lock.WriteLock(); {|LD0003:_lock.ReadLock()|}; {|LD0007:_lock.ReadUnlock()|}; _lock.WriteUnlock(); }
            }
            """);

        // The refused acquisition holds nothing, so its release is one of a lock not held (issue 14, as Clang counts it).
        Assert.All(diagnostics.Where(d => d.Id == "LD0003"), d => Assert.EndsWith("KRwLock is not reentrant, so the thread waits for itself", d.GetMessage()));
    }

    [Fact]
    public void LockMapReadAfterReadIsNotRecursionButWriteAfterReadIs()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Work
            {
                readonly KLockMap _map = new();
                void Nested() { _map.AcquireRead(); _map.AcquireRead(); _map.Release(); _map.Release(); }
                void Flush() { _map.AcquireRead(); {|LD0003:_map.Acquire()|}; _map.Release(); {|LD0007:_map.Release()|}; }
            }
            """);

    [Fact]
    public void CycleOfRecursiveReadsIsNoDeadlock()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Tasklist
            {
                readonly KRwLock _tasks = new(), _files = new();
                void Show() { _tasks.ReadLock(); _files.ReadLock(); _files.ReadUnlock(); _tasks.ReadUnlock(); }
                void Close() { _files.ReadLock(); _tasks.ReadLock(); _tasks.ReadUnlock(); _files.ReadUnlock(); }
            }
            """);

    [Fact]
    public void RecursiveReadUnderAWriterClosesNoCycleWithAReader()
        // _tasks -(SN)-> _files -(ER)-> _tasks: into a recursive read, then out of a shared hold. The second
        // thread's read of _tasks is admitted though the first holds it to read: no deadlock.
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Tasklist
            {
                readonly KRwLock _tasks = new(), _files = new();
                void Show() { _tasks.ReadLock(); _files.WriteLock(); _files.WriteUnlock(); _tasks.ReadUnlock(); }
                void Close() { _files.WriteLock(); _tasks.ReadLock(); _tasks.ReadUnlock(); _files.WriteUnlock(); }
            }
            """);

    [Fact]
    public void WriterOnBothSidesOfAReadClosesTheCycle()
    {
        // _tasks -(SN)-> _files -(EN)-> _tasks: strong all the way round (selftest rlock_ABBA1).
        var message = Verify.Diagnostics("""
            using LockDiscipline;
            class Tasklist
            {
                readonly KRwLock _tasks = new(), _files = new();
                void Show() { _tasks.ReadLock(); _files.WriteLock(); _files.WriteUnlock(); _tasks.ReadUnlock(); }
                void Close() { _files.WriteLock(); {|LD0001:_tasks.WriteLock()|}; _tasks.WriteUnlock(); _files.WriteUnlock(); }
            }
            """).Single().GetMessage();
        Assert.Contains("'Tasklist._tasks'", message);
    }

    [Fact]
    public void SpinlockAndRecursiveReadCycleIsNoDeadlockButWithAWriterIs()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Net
            {
                readonly KRwLock _dev = new();
                readonly KSpinLock _queue = new();
                void Xmit() { _dev.ReadLock(); _queue.Lock(); _queue.Unlock(); _dev.ReadUnlock(); }
                void Poll() { _queue.Lock(); _dev.ReadLock(); _dev.ReadUnlock(); _queue.Unlock(); }
            }
            class Blk
            {
                readonly KRwLock _dev = new();
                readonly KSpinLock _queue = new();
                void Xmit() { _dev.ReadLock(); _queue.Lock(); _queue.Unlock(); _dev.ReadUnlock(); }
                void Remove() { _queue.Lock(); {|LD0001:_dev.WriteLock()|}; _dev.WriteUnlock(); _queue.Unlock(); }
            }
            """);

    [Fact]
    public void RwSemReadsStillCloseACycle()
        => Verify.Diagnostics("""
            using LockDiscipline;
            class Mm
            {
                readonly KRwSem _mmap = new();
                readonly KMutex _files = new();
                void Fault() { _mmap.DownRead(); _files.Lock(); _files.Unlock(); _mmap.UpRead(); }
                void Open() { _files.Lock(); {|LD0001:_mmap.DownRead()|}; _mmap.UpRead(); _files.Unlock(); }
            }
            """);
}
