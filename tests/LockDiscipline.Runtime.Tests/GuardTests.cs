namespace LockDiscipline.Runtime.Tests;

// Each scope must release exactly once: the second Dispose of a variable must not release a hold taken
// since, and default(scope) must do nothing.
public class GuardTests
{
    [Fact]
    public void KMutexGuard_releases_once()
    {
        var mutex = new KMutex();
        KMutexGuard guard = mutex.Guard();
        Assert.True(mutex.IsHeldByCurrentThread);
        guard.Dispose();
        Assert.False(mutex.IsLocked);

        mutex.Lock();
        guard.Dispose();
        Assert.True(mutex.IsHeldByCurrentThread);
        mutex.Unlock();
    }

    [Fact]
    public void KMutexGuard_disposed_on_the_wrong_thread_throws_and_stays_usable()
    {
        var mutex = new KMutex();
        KMutexGuard guard = mutex.Guard();
        Exception? error = null;
        TestThread.Run(() => error = Record.Exception(guard.Dispose));
        Assert.IsType<SynchronizationLockException>(error);
        Assert.True(mutex.IsHeldByCurrentThread);

        guard.Dispose();
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void KMutex_using_releases_on_exception()
    {
        var mutex = new KMutex();
        void FailWhileHolding()
        {
            using (mutex.Guard())
            {
                throw new InvalidOperationException();
            }
        }

        Assert.Throws<InvalidOperationException>(FailWhileHolding);
        Assert.False(mutex.IsLocked);
    }

    [Fact]
    public void KSpinLockGuard_releases_once()
    {
        var spinLock = new KSpinLock();
        KSpinLockGuard guard = spinLock.Guard();
        Assert.True(spinLock.IsHeldByCurrentThread);
        guard.Dispose();
        Assert.False(spinLock.IsLocked);

        spinLock.Lock();
        guard.Dispose();
        Assert.True(spinLock.IsHeldByCurrentThread);
        spinLock.Unlock();
    }

    [Fact]
    public void KSpinLockIrqSaveGuard_releases_and_restores_once() => TestThread.Run(() =>
    {
        var spinLock = new KSpinLock();
        KSpinLockIrqSaveGuard guard = spinLock.GuardIrqSave();
        guard.Dispose();
        Assert.False(spinLock.IsLocked);
        Assert.False(Irq.HardIrqsDisabled);

        IrqFlags flags = spinLock.LockIrqSave();
        guard.Dispose();
        Assert.True(spinLock.IsHeldByCurrentThread);
        Assert.True(Irq.HardIrqsDisabled);
        spinLock.UnlockIrqRestore(flags);
    });

    [Fact]
    public void KRwLock_irqsave_guards_release_and_restore_once() => TestThread.Run(() =>
    {
        var rwLock = new KRwLock();
        KRwLockReadIrqSaveGuard read = rwLock.ReadGuardIrqSave();
        Assert.True(Irq.HardIrqsDisabled);
        read.Dispose();
        read.Dispose();
        Assert.False(rwLock.IsLocked);
        Assert.False(Irq.HardIrqsDisabled);

        KRwLockWriteIrqSaveGuard write = rwLock.WriteGuardIrqSave();
        Assert.True(rwLock.IsWriteHeldByCurrentThread);
        write.Dispose();
        write.Dispose();
        Assert.False(rwLock.IsLocked);
        Assert.False(Irq.HardIrqsDisabled);
    });

    [Fact]
    public void KRwSem_guards_release_once()
    {
        var sem = new KRwSem();
        KRwSemReadGuard read = sem.ReadGuard();
        read.Dispose();
        Assert.False(sem.IsLocked);
        sem.DownRead();
        read.Dispose();
        Assert.Equal(1, sem.ReaderCount);
        sem.UpRead();

        KRwSemWriteGuard write = sem.WriteGuard();
        write.Dispose();
        Assert.False(sem.IsLocked);
        sem.DownWrite();
        write.Dispose();
        Assert.True(sem.IsWriteHeldByCurrentThread);
        sem.UpWrite();
    }

    [Fact]
    public void KLockMapGuard_releases_once() => TestThread.Run(() =>
    {
        var map = new KLockMap();
        KLockMapGuard guard = map.Guard();
        Assert.True(map.IsHeldByCurrentThread);
        guard.Dispose();
        Assert.False(map.IsHeldByCurrentThread);

        map.Acquire();
        guard.Dispose();
        Assert.True(map.IsHeldByCurrentThread);
        map.Release();
    });

    [Fact]
    public void Disposing_a_default_scope_does_nothing() => TestThread.Run(() =>
    {
        default(KMutexGuard).Dispose();
        default(KSpinLockGuard).Dispose();
        default(KSpinLockIrqSaveGuard).Dispose();
        default(KRwSemReadGuard).Dispose();
        default(KRwSemWriteGuard).Dispose();
        default(KLockMapGuard).Dispose();
        default(KRwLockReadGuard).Dispose();
        default(KRwLockWriteGuard).Dispose();
        default(KRwLockReadIrqSaveGuard).Dispose();
        default(KRwLockWriteIrqSaveGuard).Dispose();
        Assert.False(Irq.HardIrqsDisabled);
    });
}
