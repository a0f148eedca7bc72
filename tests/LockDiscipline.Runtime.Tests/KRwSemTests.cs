namespace LockDiscipline.Runtime.Tests;

public class KRwSemTests
{
    private const int Threads = 4;
    private const int Iterations = 200_000;

    [Fact]
    public void Readers_hold_the_semaphore_at_the_same_time()
    {
        var sem = new KRwSem();
        using var inside = new Barrier(Threads);
        var readers = new bool[Threads];

        // The barrier inside the read section can only be passed if all readers are in it together.
        TestThread.RunConcurrently(Threads, t =>
        {
            sem.DownRead();
            try
            {
                readers[t] = inside.SignalAndWait(TestThread.FailureTimeout);
            }
            finally
            {
                sem.UpRead();
            }
        });

        Assert.All(readers, Assert.True);
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void Writers_exclude_each_other_under_contention()
    {
        var sem = new KRwSem();
        int total = Contention.CountUnder(Threads, Iterations, _ => sem.DownWrite(), _ => sem.UpWrite());
        Assert.Equal(Threads * Iterations, total);
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void Readers_never_see_a_write_half_done()
    {
        var sem = new KRwSem();
        var state = new Pair();
        int writersLeft = 2;
        int torn = 0;
        int reads = 0;

        TestThread.RunConcurrently(4, t =>
        {
            if (t < 2)
            {
                for (int i = 0; i < 50_000; i++)
                {
                    using (sem.WriteGuard())
                    {
                        state.A++;
                        Thread.SpinWait(5);
                        state.B++;
                    }
                }

                Interlocked.Decrement(ref writersLeft);
                return;
            }

            while (Volatile.Read(ref writersLeft) != 0)
            {
                using (sem.ReadGuard())
                {
                    if (state.A != state.B)
                    {
                        Interlocked.Increment(ref torn);
                    }
                }

                Interlocked.Increment(ref reads);
            }
        });

        Assert.Equal(0, torn);
        Assert.Equal(100_000, state.A);
        Assert.Equal(100_000, state.B);
        Assert.NotEqual(0, reads);
    }

    [Fact]
    public void A_waiting_writer_blocks_new_readers_until_it_has_finished()
    {
        var sem = new KRwSem();
        var order = new List<string>();
        sem.DownRead();

        var writer = TestThread.Start(() =>
        {
            sem.DownWrite();
            lock (order)
            {
                order.Add("writer");
            }

            sem.UpWrite();
        });
        TestThread.WaitUntil(() => sem.WaitingWriters == 1, "the writer waits for the first reader");

        // The semaphore is only read-held, yet a new reader must queue behind the writer.
        Assert.False(sem.TryDownRead());
        var lateReader = TestThread.Start(() =>
        {
            sem.DownRead();
            lock (order)
            {
                order.Add("late reader");
            }

            sem.UpRead();
        });
        TestThread.WaitUntil(() => sem.WaitingReaders == 1, "the late reader queues");
        lock (order)
        {
            Assert.Empty(order);
        }

        sem.UpRead();
        writer.Join();
        lateReader.Join();
        Assert.Equal(new[] { "writer", "late reader" }, order);
    }

    [Fact]
    public void Readers_queued_behind_a_writer_go_before_the_next_writer()
    {
        var sem = new KRwSem();
        var order = new List<string>();
        void Record(string what)
        {
            lock (order)
            {
                order.Add(what);
            }
        }

        sem.DownRead();
        var firstWriter = TestThread.Start(() => { sem.DownWrite(); Record("writer"); sem.UpWrite(); });
        TestThread.WaitUntil(() => sem.WaitingWriters == 1, "the first writer queues");
        var reader = TestThread.Start(() => { sem.DownRead(); Record("reader"); sem.UpRead(); });
        TestThread.WaitUntil(() => sem.WaitingReaders == 1, "the reader queues");
        var secondWriter = TestThread.Start(() => { sem.DownWrite(); Record("writer"); sem.UpWrite(); });
        TestThread.WaitUntil(() => sem.WaitingWriters == 2, "the second writer queues");

        sem.UpRead();
        firstWriter.Join();
        reader.Join();
        secondWriter.Join();
        Assert.Equal(new[] { "writer", "reader", "writer" }, order);
    }

    [Fact]
    public void A_writer_waits_for_every_reader_and_blocks_out_readers()
    {
        var sem = new KRwSem();
        sem.DownRead();
        sem.DownRead();
        bool written = false;
        var writer = TestThread.Start(() =>
        {
            sem.DownWrite();
            Volatile.Write(ref written, true);
            bool readerGotIn = true;
            TestThread.Run(() => readerGotIn = sem.TryDownRead());
            Assert.False(readerGotIn);
            sem.UpWrite();
        });
        TestThread.WaitUntil(() => sem.WaitingWriters == 1, "the writer waits");

        sem.UpRead();
        Assert.False(Volatile.Read(ref written));
        sem.UpRead();
        writer.Join();
        Assert.True(written);
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void TryDownWrite_succeeds_only_when_free()
    {
        var sem = new KRwSem();
        sem.DownRead();
        Assert.False(sem.TryDownWrite());
        sem.UpRead();

        Assert.True(sem.TryDownWrite());
        Assert.True(sem.IsWriteHeldByCurrentThread);
        Assert.False(sem.TryDownWrite());
        bool otherGotIt = true;
        TestThread.Run(() => otherGotIt = sem.TryDownWrite() || sem.TryDownRead());
        Assert.False(otherGotIt);
        sem.UpWrite();
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void DowngradeWrite_keeps_writers_out_and_lets_readers_in()
    {
        var sem = new KRwSem();
        sem.DownWrite();
        bool readerIn = false;
        var queuedReader = TestThread.Start(() =>
        {
            sem.DownRead();
            Volatile.Write(ref readerIn, true);
            sem.UpRead();
        });
        TestThread.WaitUntil(() => sem.WaitingReaders == 1, "a reader queues behind the writer");

        sem.DowngradeWrite();
        Assert.False(sem.IsWriteLocked);
        Assert.True(sem.ReaderCount >= 1);
        queuedReader.Join();
        Assert.True(readerIn);

        bool writerGotIt = true;
        TestThread.Run(() => writerGotIt = sem.TryDownWrite());
        Assert.False(writerGotIt);

        sem.UpRead();
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void UpWrite_and_DowngradeWrite_by_a_non_writer_throw()
    {
        var sem = new KRwSem();
        Assert.Throws<SynchronizationLockException>(sem.UpWrite);
        Assert.Throws<SynchronizationLockException>(sem.DowngradeWrite);

        sem.DownRead();
        Assert.Throws<SynchronizationLockException>(sem.UpWrite);
        sem.UpRead();

        sem.DownWrite();
        Exception? upWrite = null, downgrade = null;
        TestThread.Run(() =>
        {
            upWrite = Record.Exception(sem.UpWrite);
            downgrade = Record.Exception(sem.DowngradeWrite);
        });
        Assert.IsType<SynchronizationLockException>(upWrite);
        Assert.IsType<SynchronizationLockException>(downgrade);
        Assert.True(sem.IsWriteHeldByCurrentThread);
        sem.UpWrite();
    }

    [Fact]
    public void UpRead_with_no_readers_throws()
    {
        var sem = new KRwSem();
        Assert.Throws<SynchronizationLockException>(sem.UpRead);
        sem.DownWrite();
        Assert.Throws<SynchronizationLockException>(sem.UpRead);
        sem.UpWrite();
    }

    [Fact]
    public void A_reader_may_be_released_by_another_thread()
    {
        var sem = new KRwSem();
        sem.DownRead();
        TestThread.Run(sem.UpRead);
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void The_writer_taking_the_semaphore_again_throws_instead_of_deadlocking()
    {
        var sem = new KRwSem();
        sem.DownWrite();
        Assert.Throws<LockRecursionException>(sem.DownWrite);
        Assert.Throws<LockRecursionException>(sem.DownRead);
        Assert.False(sem.TryDownRead());
        Assert.True(sem.IsWriteHeldByCurrentThread);
        Assert.Equal(0, sem.ReaderCount);
        sem.UpWrite();
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void Guard_is_the_write_scope()
    {
        var sem = new KRwSem();
        using (sem.Guard())
        {
            Assert.True(sem.IsWriteHeldByCurrentThread);
            Assert.Equal(0, sem.ReaderCount);
        }

        using (sem.ReadGuard())
        {
            Assert.False(sem.IsWriteLocked);
            Assert.Equal(1, sem.ReaderCount);
        }

        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void Interrupts_do_not_abort_waiters_and_reach_them_after_they_hold_the_semaphore()
    {
        var sem = new KRwSem();
        sem.DownRead();
        Exception? writerAfterwards = null, readerAfterwards = null;
        var writer = TestThread.Start(() =>
        {
            sem.DownWrite();
            sem.UpWrite();
            writerAfterwards = Record.Exception(() => Thread.Sleep(0));
        });
        TestThread.WaitUntil(() => sem.WaitingWriters == 1, "the writer waits");
        var reader = TestThread.Start(() =>
        {
            sem.DownRead();
            sem.UpRead();
            readerAfterwards = Record.Exception(() => Thread.Sleep(0));
        });
        TestThread.WaitUntil(() => sem.WaitingReaders == 1, "the reader queues behind the writer");

        reader.Interrupt();
        writer.Interrupt();
        TestThread.WaitUntil(() => reader.IsBlocked && writer.IsBlocked, "both wait again");
        Assert.Equal(1, sem.WaitingWriters);
        Assert.Equal(1, sem.WaitingReaders);

        sem.UpRead();
        writer.Join();
        reader.Join();
        Assert.IsType<ThreadInterruptedException>(writerAfterwards);
        Assert.IsType<ThreadInterruptedException>(readerAfterwards);
        Assert.False(sem.IsLocked);
    }

    private sealed class Pair
    {
        public int A;
        public int B;
    }
}
