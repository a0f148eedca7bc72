using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.KernelRules;

/// <summary>
/// LD0013: a blocking wait, while holding a lock, for work started with <c>Task.Run</c>,
/// <c>Task.Factory.StartNew</c> or <c>new Thread</c> whose body (through calls) acquires that lock;
/// reported at the wait.
/// </summary>
public class WaitForWorkTests
{
    [Fact]
    public void ResultOfATaskThatTakesTheHeldLock()
    {
        var diagnostic = Verify.Diagnostics("""
            using System.Threading.Tasks;
            class Cache
            {
                readonly object _sync = new();
                int Compute() { lock (_sync) { return 1; } }
                int Refresh() { var t = Task.Run(Compute); lock (_sync) { return {|LD0013:t.Result|}; } }
            }
            """).Single();
        Assert.Equal(
            "blocking wait (Result) for work that acquires 'Cache._sync' (Cache.Compute at File0.cs:5) while holding 'Cache._sync' (since File0.cs:6): "
            + "the work cannot take the lock until this thread releases it, and this thread waits for the work",
            diagnostic.GetMessage());
        Assert.Equal(new[] { "File0.cs:5 [_sync]", "File0.cs:6 [_sync]" }, Sites.Additional(diagnostic));
    }

    [Fact]
    public void EveryWayOfWaitingAndStarting()
        => Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly object _sync = new();
                void Load() { lock (_sync) { } }
                void A() { var t = Task.Run(Load); lock (_sync) { {|LD0013:t.GetAwaiter().GetResult()|}; } }
                void B() { var th = new Thread(Load); th.Start(); lock (_sync) { {|LD0013:th.Join()|}; } }
                void D() { var t = Task.Factory.StartNew(Load); lock (_sync) { {|LD0013:t.Wait()|}; } }
                void E() { lock (_sync) { {|LD0013:Task.Run(Load).Wait()|}; } }
                void F() { var t = Task.Run(() => { lock (_sync) { } }); lock (_sync) { {|LD0013:t.Wait()|}; } }
            }
            """);

    [Fact]
    public void GetResultThroughConfigureAwait()
        => Assert.StartsWith(
            "blocking wait (GetResult) for work that acquires 'Cache._sync'",
            Verify.Diagnostics("""
                using System.Threading.Tasks;
                class Cache
                {
                    readonly object _sync = new();
                    void Load() { lock (_sync) { } }
                    void A() { var t = Task.Run(Load); lock (_sync) { {|LD0013:t.ConfigureAwait(false).GetAwaiter().GetResult()|}; } }
                }
                """).Single().GetMessage());

    [Fact]
    public void WorkKeptInFieldsAndAcquiringThroughCalls()
    {
        var diagnostics = Sites.InSourceOrder(Verify.Diagnostics("""
            using System.Threading;
            using System.Threading.Tasks;
            class Cache
            {
                readonly object _sync = new();
                Task? _pending;
                Thread? _worker;
                void Start() { _pending = Task.Run(LoadDeep); _worker = new Thread(LoadDeep); _worker.Start(); }
                void LoadDeep() => Helper();
                void Helper() { lock (_sync) { } }
                void A() { lock (_sync) { {|LD0013:_pending!.Wait()|}; } }
                void B() { lock (_sync) { {|LD0013:_worker!.Join()|}; } }
            }
            """));
        Assert.Contains("for work that acquires 'Cache._sync' (Cache.LoadDeep -> Cache.Helper at File0.cs:10)", diagnostics[0].GetMessage());
        Assert.StartsWith("blocking wait (Join)", diagnostics[1].GetMessage());
    }

    [Fact]
    public void WorkThatTakesOtherLocksOrWaitOutsideTheLockIsClean()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            using LockDiscipline;
            class Cache
            {
                readonly object _sync = new();
                readonly KMutex _mutex = new();
                void Other() { }
                void Flush() { _mutex.Lock(); _mutex.Unlock(); }
                void Load() { lock (_sync) { } }
                void A() { var t = Task.Run(Other); lock (_sync) { t.Wait(); } }
                void B() { var t = Task.Run(Flush); lock (_sync) { t.Wait(); } }
                void D() { var t = Task.Run(Load); t.Wait(); lock (_sync) { } }
            }
            """);

    [Fact]
    public void KernelMutexAndSpinlock()
    {
        // Waiting under a spinlock is also sleeping in atomic context.
        var diagnostics = Verify.Diagnostics("""
            using System.Threading.Tasks;
            using LockDiscipline;
            class Cache
            {
                readonly KMutex _mutex = new();
                readonly KSpinLock _spin = new();
                void Flush() { _mutex.Lock(); _mutex.Unlock(); }
                void Poll() { _spin.Lock(); _spin.Unlock(); }
                void A() { var t = Task.Run(Flush); _mutex.Lock(); {|LD0013:t.Wait()|}; _mutex.Unlock(); }
                void B() { var t = Task.Run(Poll); _spin.Lock(); {|LD0006:{|LD0013:t.Wait()|}|}; _spin.Unlock(); }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "LD0013" && d.GetMessage().Contains("acquires 'Cache._mutex' (Cache.Flush at File0.cs:7) while holding 'Cache._mutex' (since File0.cs:9)"));
    }

    [Fact]
    public void ThroughAnInterfaceCallInTheWork()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            interface IStore { void Save(); }
            sealed class Store : IStore
            {
                public static readonly object Sync = new();
                public void Save() { lock (Sync) { } }
            }
            class Saver
            {
                readonly IStore _store = new Store();
                void Run() => _store.Save();
                void Flush() { var t = Task.Run(Run); lock (Store.Sync) { {|LD0013:t.Wait()|}; } }
            }
            """);

    [Fact]
    public void WaitAllWithArgumentsInPlaceOfAnArray()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            class Cache
            {
                readonly object _sync = new();
                void Load() { lock (_sync) { } }
                void Other() { }
                void A() { var a = Task.Run(Other); var b = Task.Run(Load); lock (_sync) { {|LD0013:Task.WaitAll(new[] { a, b })|}; } }
                void B() { var a = Task.Run(Other); var b = Task.Run(Load); lock (_sync) { {|LD0013:Task.WaitAll(a, b)|}; } }
                void D() { var b = Task.Run(Load); lock (_sync) { {|LD0013:Task.WaitAll(b)|}; } }
            }
            """);

    [Fact]
    public void WaitAnyReturnsOnceWorkThatDoesNotNeedTheLockFinishes()
        => Verify.Diagnostics("""
            using System.Threading.Tasks;
            class Cache
            {
                readonly object _sync = new();
                void Load() { lock (_sync) { } }
                void Other() { }
                void A() { var a = Task.Run(Other); var b = Task.Run(Load); lock (_sync) { Task.WaitAny(a, b); } }
            }
            """);
}
