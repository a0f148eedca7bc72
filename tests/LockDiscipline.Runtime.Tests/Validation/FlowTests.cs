using LockDiscipline.Validation;

namespace LockDiscipline.Runtime.Tests.Validation;

/// <summary><see cref="SemaphoreSlim"/> holds follow the logical flow across <see langword="await"/>, whatever thread resumes it.</summary>
public class FlowTests : LockdepTestBase
{
    private static readonly LockSite Site = new("Flow.cs", 1, "Flow");

    [Fact]
    public async Task A_semaphore_hold_follows_the_flow_across_await_and_orders_later_locks()
    {
        int semClass = Register("Store._gate", LockClassKind.SemaphoreSlim);
        int mutexClass = Register("Store._index", LockClassKind.Mutex);
        var gate = new SemaphoreSlim(1, 1);
        var index = new KMutex();

        await Task.Run(async () =>
        {
            LockdepHooks.Acquire(semClass, gate, AcquireFlags.None, 0, Site);
            await gate.WaitAsync();
            for (int i = 0; i < 20; i++)
            {
                await Task.Delay(1);
                Assert.True(Lockdep.IsHeld("Store._gate"));
            }

            // Taken while the flow holds the semaphore, on whatever thread this is: Store._gate -> Store._index.
            LockdepHooks.Acquire(mutexClass, index, AcquireFlags.None, 0, Site);
            index.Lock();
            Assert.True(LockdepHooks.Release(mutexClass, index, Site));
            index.Unlock();
            await Task.Yield();
            Assert.True(LockdepHooks.Release(semClass, gate, Site));
            gate.Release();
            Assert.False(Lockdep.IsHeld("Store._gate"));
        });

        Assert.Empty(Reports);
        Assert.Contains(": Store._gate\n -> [00000001] Store._index\n", Lockdep.DumpGraph());

        // The reverse order, in another flow, closes the cycle.
        RunAs("reverse", () =>
        {
            LockdepHooks.Acquire(mutexClass, index, AcquireFlags.None, 0, Site);
            index.Lock();
            LockdepHooks.Acquire(semClass, gate, AcquireFlags.None, 0, Site);
            gate.Wait();
            Assert.True(LockdepHooks.Release(semClass, gate, Site));
            gate.Release();
            Assert.True(LockdepHooks.Release(mutexClass, index, Site));
            index.Unlock();
        });
        LockdepReport report = Assert.Single(Reports);
        Assert.Equal(LockdepReportKind.CircularDependency, report.Kind);
        Assert.Equal(new[] { "Store._gate", "Store._index" }, report.Classes);
    }

    [Fact]
    public async Task Flows_are_independent_and_a_release_on_another_thread_is_no_imbalance()
    {
        int semClass = Register("Pool._slots", LockClassKind.SemaphoreSlim);
        var slots = new SemaphoreSlim(1, 1);

        async Task UseAsync()
        {
            LockdepHooks.Acquire(semClass, slots, AcquireFlags.None, 0, Site);
            await slots.WaitAsync();
            try
            {
                await Task.Delay(2);
                Assert.True(Lockdep.IsHeld("Pool._slots"));
            }
            finally
            {
                Assert.True(LockdepHooks.Release(semClass, slots, Site));
                slots.Release();
            }
        }

        Task[] users = Enumerable.Range(0, 8).Select(_ => Task.Run(UseAsync)).ToArray();
        Assert.False(Lockdep.IsHeld("Pool._slots"));
        await Task.WhenAll(users);
        Assert.False(Lockdep.IsHeld("Pool._slots"));
        Assert.Empty(Reports);
    }

    [Fact]
    public async Task A_semaphore_acquired_twice_in_one_flow_is_recursive_locking()
    {
        int semClass = Register("Cache._refresh", LockClassKind.SemaphoreSlim);
        var refresh = new SemaphoreSlim(1, 1);
        await Task.Run(async () =>
        {
            LockdepHooks.Acquire(semClass, refresh, AcquireFlags.None, 0, Site);
            await refresh.WaitAsync();
            await Task.Yield();

            // The second WaitAsync would wait forever; the validator says so before it starts waiting.
            LockdepHooks.Acquire(semClass, refresh, AcquireFlags.None, 0, Site);
            Assert.False(await refresh.WaitAsync(10));
            LockdepHooks.AcquireFailed(semClass, refresh);
            Assert.True(LockdepHooks.Release(semClass, refresh, Site));
            refresh.Release();
        });
        Assert.Equal(LockdepReportKind.RecursiveLocking, Assert.Single(Reports).Kind);
    }

    [Fact]
    public void A_signalling_semaphore_released_by_a_flow_that_never_waited_is_not_reported()
    {
        int semClass = Register("Queue._items", LockClassKind.SemaphoreSlim);
        var items = new SemaphoreSlim(0);
        RunAs("producer", () =>
        {
            Assert.True(LockdepHooks.Release(semClass, items, Site));
            items.Release();
        });
        Assert.Empty(Reports);
    }
}
