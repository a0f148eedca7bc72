namespace LockDiscipline.Runtime.Tests;

public class KMutexTests
{
    private const int Threads = 4;
    private const int Iterations = 200_000;

    [Fact]
    public void Lock_excludes_under_contention()
    {
        var mutex = new KMutex();
        int total = Contention.CountUnder(Threads, Iterations, _ => mutex.Lock(), _ => mutex.Unlock());
        Assert.Equal(Threads * Iterations, total);
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Lock_TryLock_and_LockNested_exclude_each_other_under_contention()
    {
        var mutex = new KMutex();
        int total = Contention.CountUnder(
            Threads,
            Iterations / 4,
            t =>
            {
                switch (t)
                {
                    case 0:
                        while (!mutex.TryLock())
                        {
                            Thread.SpinWait(20);
                        }

                        break;
                    case 1:
                        mutex.LockNested(1);
                        break;
                    default:
                        mutex.Lock();
                        break;
                }
            },
            _ => mutex.Unlock());
        Assert.Equal(Threads * (Iterations / 4), total);
    }

    [Fact]
    public void TryLock_succeeds_only_when_free()
    {
        var mutex = new KMutex();
        Assert.True(mutex.TryLock());
        Assert.True(mutex.IsLocked);
        Assert.True(mutex.IsHeldByCurrentThread);

        bool otherGotIt = true;
        bool otherSeesHeld = false;
        TestThread.Run(() =>
        {
            otherGotIt = mutex.TryLock();
            otherSeesHeld = mutex.IsLocked && !mutex.IsHeldByCurrentThread;
        });
        Assert.False(otherGotIt);
        Assert.True(otherSeesHeld);

        mutex.Unlock();
        Assert.False(mutex.IsLocked);
        TestThread.Run(() =>
        {
            otherGotIt = mutex.TryLock();
            mutex.Unlock();
        });
        Assert.True(otherGotIt);
    }

    [Fact]
    public void TryLock_by_the_owner_fails_without_recursing()
    {
        var mutex = new KMutex();
        mutex.Lock();
        Assert.False(mutex.TryLock());
        mutex.Unlock();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void Unlock_when_unlocked_throws()
    {
        var mutex = new KMutex();
        Assert.Throws<SynchronizationLockException>(mutex.Unlock);
    }

    [Fact]
    public void Unlock_by_a_non_owner_throws_and_leaves_the_owner_holding_it()
    {
        var mutex = new KMutex();
        mutex.Lock();
        Exception? error = null;
        TestThread.Run(() => error = Record.Exception(mutex.Unlock));
        Assert.IsType<SynchronizationLockException>(error);
        Assert.True(mutex.IsHeldByCurrentThread);
        mutex.Unlock();
    }

    [Fact]
    public void Lock_by_the_owner_throws_instead_of_deadlocking()
    {
        var mutex = new KMutex();
        mutex.Lock();
        Assert.Throws<LockRecursionException>(mutex.Lock);
        Assert.Throws<LockRecursionException>(() => mutex.LockNested(1));
        Assert.True(mutex.IsHeldByCurrentThread);
        mutex.Unlock();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void LockNested_locks_and_validates_the_subclass()
    {
        var mutex = new KMutex();
        Assert.Throws<ArgumentOutOfRangeException>(() => mutex.LockNested(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => mutex.LockNested(8));
        Assert.False(mutex.IsLocked);

        mutex.LockNested(7);
        bool otherGotIt = true;
        TestThread.Run(() => otherGotIt = mutex.TryLock());
        Assert.False(otherGotIt);
        mutex.Unlock();
    }

    [Fact]
    public void A_sleeping_waiter_gets_the_mutex_only_after_it_is_unlocked()
    {
        var mutex = new KMutex();
        mutex.Lock();
        bool acquired = false;
        var waiter = TestThread.Start(() =>
        {
            mutex.Lock();
            Volatile.Write(ref acquired, true);
            mutex.Unlock();
        });

        TestThread.WaitUntil(() => waiter.IsBlocked, "the waiter sleeps on the mutex");
        Assert.False(Volatile.Read(ref acquired));
        mutex.Unlock();
        waiter.Join();
        Assert.True(acquired);
    }

    [Fact]
    public void Every_sleeping_waiter_is_woken_in_turn()
    {
        var mutex = new KMutex();
        for (int round = 0; round < 20; round++)
        {
            mutex.Lock();
            int entered = 0;
            var waiters = Enumerable.Range(0, 6).Select(_ => TestThread.Start(() =>
            {
                mutex.Lock();
                Interlocked.Increment(ref entered);
                mutex.Unlock();
            })).ToList();

            TestThread.WaitUntil(() => waiters.All(w => w.IsBlocked || !w.IsAlive), "every waiter has gone to sleep");
            Assert.Equal(0, Volatile.Read(ref entered));
            mutex.Unlock();
            waiters.ForEach(w => w.Join());
            Assert.Equal(6, entered);
        }
    }

    [Fact]
    public void A_waiter_is_not_starved_by_threads_that_retake_the_mutex_at_once()
    {
        var mutex = new KMutex();
        bool done = false;
        var hot = Enumerable.Range(0, 2).Select(_ => TestThread.Start(() =>
        {
            while (!Volatile.Read(ref done))
            {
                mutex.Lock();
                Thread.SpinWait(50);
                mutex.Unlock();
            }
        })).ToList();

        // Join's timeout fails the test if the waiter never gets its turns.
        var waiter = TestThread.Start(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                mutex.Lock();
                mutex.Unlock();
            }
        });
        try
        {
            waiter.Join();
        }
        finally
        {
            Volatile.Write(ref done, true);
            hot.ForEach(h => h.Join());
        }
    }

    [Fact]
    public void An_interrupt_does_not_abort_a_waiter_and_reaches_it_after_it_has_the_mutex()
    {
        var mutex = new KMutex();
        mutex.Lock();
        bool acquired = false;
        Exception? afterwards = null;
        var waiter = TestThread.Start(() =>
        {
            mutex.Lock();
            Volatile.Write(ref acquired, true);
            mutex.Unlock();
            afterwards = Record.Exception(() => Thread.Sleep(0));
        });
        TestThread.WaitUntil(() => waiter.IsBlocked, "the waiter sleeps on the mutex");

        waiter.Interrupt();
        Assert.False(Volatile.Read(ref acquired));
        mutex.Unlock();
        waiter.Join();
        Assert.True(acquired);
        Assert.IsType<ThreadInterruptedException>(afterwards);
        Assert.False(mutex.IsLocked);
    }
}
