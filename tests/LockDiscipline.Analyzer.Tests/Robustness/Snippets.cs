namespace LockDiscipline.Analyzer.Tests.Robustness;

/// <summary>
/// Standalone sources for the robustness test: language corners the rule tests do not reach
/// (iterators, expression trees, odd attribute arguments, unusual lock expressions, deep nesting,
/// bodies too irregular to converge). Some do not compile on purpose; none may crash the analyzer.
/// </summary>
public static class Snippets
{
    public static readonly string[] All =
    {
        """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        class Iterators
        {
            readonly object _a = new();
            readonly SemaphoreSlim _sem = new(1, 1);
            IEnumerable<int> Items() { lock (_a) { yield return 1; try { yield return 2; } finally { Monitor.Enter(_a); } } }
            async IAsyncEnumerable<int> Stream()
            {
                await _sem.WaitAsync();
                try { yield return 1; await Task.Yield(); } finally { _sem.Release(); }
                await foreach (var x in Stream()) { lock (_a) { } }
            }
        }
        """,
        """
        using System;
        using System.Linq.Expressions;
        using System.Threading;
        class Trees
        {
            static readonly object A = new();
            Expression<Action> Enter = () => Monitor.Enter(A);
            Expression<Func<bool>> Try = () => Monitor.TryEnter(A);
            static Trees() { lock (A) { } }
            Func<int> Lazy { get; } = () => { lock (A) { return 1; } };
            event Action? Changed { add { lock (A) { } } remove { Monitor.Exit(A); } }
            int this[int i] { get { lock (A) { return i; } } set { Monitor.Enter(A); } }
            public static Trees operator +(Trees t, int x) { lock (A) { return t; } }
            ~Trees() { Monitor.Exit(A); }
        }
        """,
        """
        using LockDiscipline;
        [assembly: LockOrder()]
        [assembly: LockOrder(null)]
        [assembly: LockOrder("", ".", "a..b", "nope.nope")]
        class Attributes
        {
            readonly KMutex _m = new();
            [LockClass("")] readonly object _empty = new();
            [LockClass(null)] readonly object _null = new();
            [LockClass("shared", Kind = (LockKind)42)] readonly int _notALock;
            [GuardedBy(null)] int _a;
            [GuardedBy("_m._m._m")] int _b;
            [GuardedBy("this")] int _c;
            [AcquiresLock()] void A() { }
            [AcquiresLock(null)] void B() { }
            [AcquiresLock(new string[0])] void C() { }
            [AcquiresLock(new[] { "nope", null })] void D() { }
            [TryAcquiresLock("x")] bool E() => true;
            [TryAcquiresLock(null, null)] bool F() => true;
            [TryAcquiresLock(1, nameof(_m))] int G() => 1;
            [ReleasesLock(nameof(_m), nameof(_m))] void H() { _m.Unlock(); _m.Unlock(); }
            [AcquiresLock("value")] int P { get => 0; set { } }
            [AcquiresLock("x")] Attributes() { }
            void Local()
            {
                [AcquiresLock(nameof(_m))] void Inner() => _m.Lock();
                var f = [ReleasesLock("nope")] () => _m.Unlock();
                Inner();
            }
        }
        """,
        """
        using System;
        using System.Threading;
        using LockDiscipline;
        class Expressions
        {
            readonly object _a = new(), _b = new();
            readonly KMutex? _m = null;
            readonly Lock _l = new();
            void M(bool c, object? o, dynamic d)
            {
                lock (c ? _a : _b) { }
                lock (o ?? _a) { }
                lock (typeof(Expressions)) { }
                lock ("literal") { }
                lock (new object()) { }
                lock ((object)_l) { }
                lock (d) { }
                _m?.Lock();
                _m?.Unlock();
                var (x, y) = (_a, _b);
                lock (x) { lock (y) { } }
                Monitor.Enter(obj: _a, lockTaken: ref c);
                if (c) Monitor.Exit(_a);
                ((Action)(() => { lock (_a) { } }))();
            }
        }
        """,
        """
        using System.Threading;
        using static System.Threading.Monitor;
        class Statics
        {
            static readonly object A = new();
            SpinLock _spin = new(false);
            void M()
            {
                Enter(A);
                try { Exit(A); } finally { }
                ref SpinLock s = ref _spin;
                bool t = false;
                s.Enter(ref t);
                if (t) s.Exit();
                checked { lock (A) { unchecked { } } }
            }
            unsafe void U() { int* p = stackalloc int[4]; lock (A) { p[0] = 1; } fixed (int* q = new int[1]) { Enter(A); } }
        }
        """,
        """
        using System;
        using System.Threading;
        class Exceptions
        {
            readonly object _a = new();
            void M(int x)
            {
                try
                {
                    Monitor.Enter(_a);
                    if (x > 0) throw new InvalidOperationException();
                }
                catch (InvalidOperationException e) when (e.Message.Length > 0 && Filter())
                {
                    lock (_a) { throw; }
                }
                catch
                {
                    try { Monitor.Exit(_a); } finally { lock (_a) { try { } finally { Monitor.Exit(_a); } } }
                }
                finally
                {
                    switch (x) { case 1: goto case 2; case 2: lock (_a) { } break; default: goto end; }
                    end:;
                }
            }
            bool Filter() { lock (_a) { return true; } }
        }
        """,
        """
        using System.Threading;
        class Irregular
        {
            readonly object _a = new(), _b = new(), _c = new();
            int _n;
            void M(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    if (i % 2 == 0) Monitor.Enter(_a); else Monitor.Exit(_a);
                    if (i % 3 == 0) Monitor.Enter(_b); else if (i % 5 == 0) Monitor.Exit(_b);
                    while (_n-- > 0) { if (_n % 7 == 0) Monitor.Enter(_c); if (_n % 11 == 0) break; Monitor.Exit(_c); }
                    bool t1 = false, t2 = false;
                    try { Monitor.TryEnter(_a, ref t1); Monitor.TryEnter(_b, ref t2); t1 = !t2; t2 = t1 || t2; }
                    finally { if (t1) Monitor.Exit(_a); if (!t2) Monitor.Exit(_b); }
                }
            }
        }
        """,
        """
        class Deep
        {
            readonly object _1 = new(), _2 = new(), _3 = new(), _4 = new(), _5 = new(), _6 = new(), _7 = new(), _8 = new();
            void M()
            {
                lock (_1) lock (_2) lock (_3) lock (_4) lock (_5) lock (_6) lock (_7) lock (_8)
                lock (_1) lock (_2) lock (_3) lock (_4) lock (_5) lock (_6) lock (_7) lock (_8)
                { N(); }
            }
            void N() { lock (_8) lock (_7) lock (_6) lock (_5) lock (_4) lock (_3) lock (_2) lock (_1) { M(); N(); } }
        }
        """,
        """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using LockDiscipline;
        interface IOps { void Run() { lock (this) { } } static abstract void Make(); }
        record Rec(object Gate) { public void M() { lock (Gate) { } } }
        struct Val { public void M() { lock (this) { } } }
        class Primary(object gate, SemaphoreSlim sem)
        {
            object[] _locks = [new(), new()];
            public void M() { lock (gate) { lock (_locks[^1]) { } } sem.Wait(); sem.Release(); }
        }
        static class Ext { public static void Locked(this object o, Action a) { lock (o) { a(); } } }
        partial class Parts { partial void Hook(); void M() { lock (this) { Hook(); } } }
        partial class Parts { partial void Hook() { lock (typeof(Parts)) { } } }
        class Generic<T> where T : class
        {
            readonly T _item = default!;
            void M<U>(U u) where U : class { lock (_item) { lock (u) { } } }
            IEnumerable<int> Q(List<int> xs) { lock (_item) { return xs.Where(x => { lock (_item) { return x > 0; } }).ToList(); } }
            Task Later() => Task.Run(() => { lock (_item) { } });
            Func<Task> F => async () => { await Task.Yield(); lock (_item) { } };
        }
        """,
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        class Delegates
        {
            readonly object _a = new();
            Action? _callback;
            event EventHandler? Changed;
            Func<Action, Action> _wrap = a => () => { lock (new object()) { a(); } };
            void M()
            {
                _callback += () => { lock (_a) { } };
                _callback += M;
                _callback -= M;
                Changed += (s, e) => Monitor.Exit(_a);
                lock (_a) { _callback?.Invoke(); Changed?.Invoke(this, EventArgs.Empty); _wrap(M)(); }
                Action local = _callback!;
                local = local + local;
                lock (_a) { local(); }
                static void S() { }
                S();
                new Thread(() => { lock (_a) { } }).Start();
                ThreadPool.QueueUserWorkItem(_ => M());
                _ = new Timer(_ => M(), null, 0, 0);
                Task.Factory.StartNew(M).ContinueWith(t => M());
            }
        }
        """,
        """
        using System.Threading;
        using System.Threading.Tasks;
        class Awaits
        {
            readonly SemaphoreSlim _sem = new(1, 1);
            readonly object _a = new();
            async Task M(CancellationToken ct)
            {
                try { await _sem.WaitAsync(ct); }
                catch (System.OperationCanceledException) { await Task.Yield(); return; }
                finally { await Task.Yield(); }
                await using var d = new System.IO.MemoryStream();
                var ok = await _sem.WaitAsync(10, ct).ConfigureAwait(false);
                if (ok is true) { _sem.Release(); }
                Monitor.Enter(_a);
                await (ok ? Task.CompletedTask : Task.Delay(1));
                Monitor.Exit(_a);
            }
        }
        """,
        """
        using System.Threading;
        using LockDiscipline;
        class Kernel
        {
            readonly KSpinLock _s = new();
            readonly KRwSem _r = new();
            readonly KLockMap _map = new();
            readonly KMutex _m = new();
            void M()
            {
                var flags = _s.LockIrqSave();
                _s.LockIrq();
                _s.UnlockIrq();
                _s.LockBh();
                _s.UnlockBh();
                _s.UnlockIrqRestore(flags);
                _s.UnlockIrqRestore(default);
                _r.DownWrite();
                _r.DowngradeWrite();
                _r.UpRead();
                if (_r.TryDownRead()) _r.UpRead();
                if (_r.TryDownWrite()) _r.UpWrite();
                _map.AcquireRead();
                _map.Release();
                _m.LockNested(1);
                _m.Unlock();
                using (_r.ReadGuard()) using (_r.WriteGuard()) using (_map.Guard()) using (_s.GuardIrqSave()) { }
                var g = _m.Guard();
                g.Dispose();
                g.Dispose();
            }
        }
        """,
        """
        using System.Threading;
        using System.Threading.Tasks;
        using LockDiscipline;
        [assembly: LockOrder("a", "b")]
        [assembly: LockOrder("b", "a")]
        class KernelRules
        {
            [LockClass("a")] readonly KSpinLock _a = new();
            [LockClass("b")] readonly KMutex _b = new();
            [AcquiredBefore(nameof(_c))] readonly KMutex _d = new();
            [AcquiredAfter(nameof(_d))] readonly KMutex _c = new();
            [GuardedBy(nameof(_b))] int _count;
            [GuardedBy("_a")] int Total { get => _count; set => _count = value; }
            [HardIrqContext] void Hard() { _a.Lock(); _count++; Sleepy(); Thread.Sleep(1); _a.Unlock(); Hard(); }
            [SoftIrqContext] void Soft() { _a.LockBh(); _b.Lock(); _b.Unlock(); _a.UnlockBh(); Irq.LocalIrqDisable(); Irq.LocalBhDisable(); }
            [HardIrqContext, SoftIrqContext, MightSleep] void Both() { Total++; }
            [MightSleep] void Sleepy() { }
            [RequiresLock(nameof(_b))] void Needs() { _count++; }
            [ExcludesLock(nameof(_b))] void Forbids() { }
            [RequiresSharedLock(nameof(_b))] void Shared() { }
            [TryAcquiresLock(true, nameof(_b))] bool TryTake() { if (_count > 0) return true; return _b.TryLock(); }
            [TryAcquiresLock(false, nameof(_b))] bool TryFail() => !_b.TryLock();
            void Calls()
            {
                _b.Lock(); Forbids(); _b.Unlock(); Needs();
                var f = Irq.LocalIrqSave(); Needs(); Irq.LocalIrqRestore(f); Irq.LocalIrqEnable(); Irq.LocalBhEnable();
                _c.Lock(); _d.Lock(); _d.Unlock(); _c.Unlock();
                if (TryTake()) { Shared(); _b.Unlock(); }
                if (!TryFail()) { _b.Unlock(); }
            }
            void Waits(Thread thread)
            {
                var t = Task.Run(() => { _b.Lock(); _b.Unlock(); });
                _b.Lock(); t.Wait(); t.GetAwaiter().GetResult(); thread.Join(); _b.Unlock();
                var r = Task.FromResult(1); _b.Lock(); _ = r.Result; _b.Unlock();
            }
            void Nest() { _b.LockNested(1); _b.LockNested(2); _b.LockNested(-1); _b.Unlock(); _b.Unlock(); }
        }
        """,
        """
        using LockDiscipline;
        interface IHasGate { KMutex Gate { get; } }
        class Path
        {
            public Path? Next;
            public KMutex Gate { get; } = new();
            public Path Self => this;
            [RequiresLock("Next.Next.Next.Gate")] void Deep() { }
            [RequiresLock("Self.Self.Self.Gate")] void Props() { }
            [AcquiresLock("item.Gate")] void Take<T>(T item) where T : IHasGate => item.Gate.Lock();
            [ReleasesLock("item.Gate")] void Drop<T>(T item) where T : IHasGate => item.Gate.Unlock();
            void Use<T>(T item) where T : IHasGate { Take(item); Drop(item); Next!.Deep(); }
            abstract class Base { [AcquiresLock("Gate")] public abstract void Lock(); public KMutex Gate = new(); }
            class Derived : Base { public override void Lock() => Gate.Lock(); void M() { Lock(); Gate.Unlock(); } }
        }
        """,
        """
        class Broken
        {
            readonly object _a = new();
            void M() { lock (_a) { lock ( } }
            void N() { lock () { } lock (_a) lock (_b) }
            [LockDiscipline.AcquiresLock(nameof(
        """,
        """
        #if DEBUG
        class Directives { readonly object _a = new(); void M() { lock (_a) {
        #else
        class Directives { readonly object _a = new(); void M() { lock (_a) { lock (_a) {
        #endif
        } } }
        #region open
        """,
    };
}
