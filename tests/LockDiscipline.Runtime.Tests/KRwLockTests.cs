namespace LockDiscipline.Runtime.Tests;

// Tests that touch IRQ state run on their own thread (TestThread.Run), so each starts with IRQs enabled
// and leaves nothing behind on the xunit thread.
public class KRwLockTests
{
    private const int Threads = 4;
    private const int Iterations = 100_000;

    [Fact]
    public void Writers_exclude_each_other_and_readers_under_contention()
    {
        var rwLock = new KRwLock();
        int total = Contention.CountUnder(Threads, Iterations, _ => rwLock.WriteLock(), _ => rwLock.WriteUnlock());
        Assert.Equal(Threads * Iterations, total);
        Assert.False(rwLock.IsLocked);
    }

    [Fact]
    public void Irq_and_bh_variants_exclude_under_contention_and_restore_each_thread()
    {
        var rwLock = new KRwLock();
        var flags = new IrqFlags[Threads];
        int total = Contention.CountUnder(
            Threads,
            Iterations / 4,
            t =>
            {
                switch (t)
                {
                    case 0: flags[t] = rwLock.WriteLockIrqSave(); break;
                    case 1: rwLock.WriteLockIrq(); break;
                    case 2: rwLock.WriteLockBh(); break;
                    default:
                        while (!rwLock.TryWriteLock())
                        {
                            Thread.SpinWait(20);
                        }

                        break;
                }
            },
            t =>
            {
                switch (t)
                {
                    case 0: rwLock.WriteUnlockIrqRestore(flags[t]); break;
                    case 1: rwLock.WriteUnlockIrq(); break;
                    case 2: rwLock.WriteUnlockBh(); break;
                    default: rwLock.WriteUnlock(); break;
                }

                Assert.False(Irq.HardIrqsDisabled);
                Assert.False(Irq.SoftIrqsDisabled);
            });
        Assert.Equal(Threads * (Iterations / 4), total);
    }

    [Fact]
    public void Read_variants_switch_the_irq_state_like_the_kernel()
    {
        TestThread.Run(() =>
        {
            var rwLock = new KRwLock();
            rwLock.ReadLockIrq();
            Assert.True(Irq.HardIrqsDisabled);
            rwLock.ReadUnlockIrq();
            Assert.False(Irq.HardIrqsDisabled);

            Irq.LocalIrqDisable();
            IrqFlags flags = rwLock.ReadLockIrqSave();
            rwLock.ReadUnlockIrqRestore(flags);
            Assert.True(Irq.HardIrqsDisabled);
            Irq.LocalIrqEnable();

            rwLock.ReadLockBh();
            Assert.True(Irq.SoftIrqsDisabled);
            rwLock.ReadUnlockBh();
            Assert.False(Irq.SoftIrqsDisabled);
            Assert.False(rwLock.IsLocked);
        });
    }

    [Fact]
    public void Readers_share_and_keep_writers_out()
    {
        var rwLock = new KRwLock();
        rwLock.ReadLock();
        bool otherRead = false;
        bool otherWrote = true;
        TestThread.Run(() =>
        {
            otherRead = rwLock.TryReadLock();
            otherWrote = rwLock.TryWriteLock();
            rwLock.ReadUnlock();
        });
        Assert.True(otherRead);
        Assert.False(otherWrote);
        Assert.Equal(1, rwLock.ReaderCount);
        rwLock.ReadUnlock();
        Assert.True(rwLock.TryWriteLock());
        Assert.True(rwLock.IsWriteHeldByCurrentThread);
        Assert.False(rwLock.TryReadLock());
        rwLock.WriteUnlock();
    }

    [Fact]
    public void A_reader_reads_again_while_a_writer_spins()
    {
        var rwLock = new KRwLock();
        rwLock.ReadLock();
        bool writerStarted = false;
        var writer = TestThread.Start(() =>
        {
            Volatile.Write(ref writerStarted, true);
            rwLock.WriteLock();
            rwLock.WriteUnlock();
        });
        TestThread.WaitUntil(() => Volatile.Read(ref writerStarted), "the writer to start");

        // read_lock is recursive: a queued writer does not hold the second read back.
        rwLock.ReadLock();
        Assert.Equal(2, rwLock.ReaderCount);
        Assert.True(writer.IsAlive);
        rwLock.ReadUnlock();
        rwLock.ReadUnlock();
        writer.Join();
        Assert.False(rwLock.IsLocked);
    }

    [Fact]
    public void The_writer_taking_it_again_throws_instead_of_spinning_forever()
    {
        var rwLock = new KRwLock();
        rwLock.WriteLock();
        Assert.Throws<LockRecursionException>(rwLock.WriteLock);
        Assert.Throws<LockRecursionException>(rwLock.ReadLock);
        rwLock.WriteUnlock();
        Assert.False(rwLock.IsLocked);
    }

    [Fact]
    public void Unlocks_that_do_not_match_a_hold_throw()
    {
        var rwLock = new KRwLock();
        Assert.Throws<SynchronizationLockException>(rwLock.ReadUnlock);
        Assert.Throws<SynchronizationLockException>(rwLock.WriteUnlock);
        rwLock.WriteLock();
        Exception? error = null;
        TestThread.Run(() => error = Record.Exception(rwLock.WriteUnlock));
        Assert.IsType<SynchronizationLockException>(error);
        rwLock.WriteUnlock();
    }

    [Fact]
    public void Guards_release_once()
    {
        var rwLock = new KRwLock();
        var read = rwLock.ReadGuard();
        Assert.Equal(1, rwLock.ReaderCount);
        read.Dispose();
        read.Dispose();
        Assert.False(rwLock.IsLocked);

        using (rwLock.Guard())
        {
            Assert.True(rwLock.IsWriteHeldByCurrentThread);
        }

        var write = rwLock.WriteGuard();
        write.Dispose();
        write.Dispose();
        Assert.False(rwLock.IsLocked);
    }
}
