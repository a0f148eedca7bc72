using System;
using System.Threading;
using LockDiscipline.Validation;

namespace LockDiscipline
{
    /// <summary>
    /// A sleeping reader/writer lock, writer-preferring like the kernel's <c>struct rw_semaphore</c>: any
    /// number of readers, or one writer.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="DownRead"/>/<see cref="UpRead"/> are <c>down_read</c>/<c>up_read</c>,
    /// <see cref="DownWrite"/>/<see cref="UpWrite"/> are <c>down_write</c>/<c>up_write</c>,
    /// <see cref="TryDownRead"/> and <see cref="TryDownWrite"/> are the <c>_trylock</c> forms and
    /// <see cref="DowngradeWrite"/> is <c>downgrade_write</c>.
    /// </para>
    /// <para>
    /// A writer that is waiting blocks new readers, even while other readers hold the semaphore, so a
    /// stream of readers cannot starve writers. This is also why read locks are not recursive and why a
    /// cycle of read acquisitions can deadlock: thread A holds X for reading and asks to read Y, thread B
    /// holds Y for reading and asks to read X; readers would share, but a writer that queued on each
    /// semaphore meanwhile blocks both requests, and neither writer can get in. Lockdep reports such
    /// cycles; the semaphore itself cannot see them. When a writer releases,
    /// every reader that queued behind it is admitted before the next writer, as the kernel wakes all
    /// waiting readers, so writers cannot starve readers either.
    /// </para>
    /// <para>
    /// The writer is owned by its thread: only it may <see cref="UpWrite"/> or <see cref="DowngradeWrite"/>.
    /// Readers are counted, not owned, so <see cref="UpRead"/> may come from another thread, like the
    /// kernel's <c>up_read_non_owner</c>; a consequence is that the semaphore cannot tell a reader's
    /// recursive <see cref="DownRead"/> (which deadlocks once a writer waits) from a second reader.
    /// </para>
    /// <para>
    /// Waiting is uninterruptible, as <c>down_read</c>'s and <c>down_write</c>'s is: a
    /// <see cref="Thread.Interrupt"/> that arrives meanwhile is delivered at the thread's next blocking call.
    /// </para>
    /// <para>
    /// The lock class of an instance is the member that declares it, or its <see cref="LockClassAttribute"/>.
    /// </para>
    /// </remarks>
    public sealed class KRwSem
    {
        private readonly object _gate = new object();

        // Everything below is read and written under _gate, except the snapshots in the Is* properties.
        private int _readers;        // readers holding the semaphore, including a batch admitted by a writer
        private int _writer;         // managed thread id of the writer; 0 when none
        private int _waitingWriters; // a non-zero count is what blocks new readers
        private int _waitingReaders; // readers queued since the last batch was admitted
        private int _batch;          // bumped when a writer admits the queued readers

        /// <summary>Creates an unlocked semaphore (<c>init_rwsem</c>).</summary>
        public KRwSem()
        {
        }

        /// <summary>Whether a writer or any reader holds the semaphore (<c>rwsem_is_locked</c>); a snapshot.</summary>
        public bool IsLocked => Volatile.Read(ref _writer) != 0 || Volatile.Read(ref _readers) != 0;

        /// <summary>Whether some thread holds the semaphore for writing; a snapshot.</summary>
        public bool IsWriteLocked => Volatile.Read(ref _writer) != 0;

        /// <summary>Whether the calling thread holds the semaphore for writing.</summary>
        public bool IsWriteHeldByCurrentThread => Volatile.Read(ref _writer) == Environment.CurrentManagedThreadId;

        /// <summary>The number of readers holding the semaphore; a snapshot.</summary>
        public int ReaderCount => Volatile.Read(ref _readers);

        /// <summary>Writers waiting, for tests that need to know a writer has queued.</summary>
        internal int WaitingWriters => Volatile.Read(ref _waitingWriters);

        /// <summary>Readers waiting, for tests that need to know a reader has queued.</summary>
        internal int WaitingReaders => Volatile.Read(ref _waitingReaders);

        /// <summary>
        /// Acquires the semaphore for reading, sleeping while a writer holds it or waits for it (<c>down_read</c>).
        /// </summary>
        /// <exception cref="LockRecursionException">The calling thread holds it for writing; the kernel would deadlock here.</exception>
        public void DownRead()
        {
            int self = Environment.CurrentManagedThreadId;
            bool interrupted = false;
            Uninterruptible.Enter(_gate, ref interrupted);
            try
            {
                if (_writer == self)
                {
                    throw new LockRecursionException("KRwSem is held for writing by this thread; down_read would deadlock here.");
                }

                if (_writer == 0 && _waitingWriters == 0)
                {
                    _readers++;
                    return;
                }

                // Queue behind the writers. Every writer leaves through UpWrite or DowngradeWrite, which count
                // the queued readers in as holders and start a new batch: that is the only way out.
                int batch = _batch;
                _waitingReaders++;
                do
                {
                    Uninterruptible.Wait(_gate, ref interrupted);
                }
                while (_batch == batch);
            }
            finally
            {
                ExitGate(interrupted);
            }
        }

        /// <summary>
        /// Acquires the semaphore for reading if no writer holds it or waits for it, without sleeping
        /// (<c>down_read_trylock</c>).
        /// </summary>
        /// <returns><see langword="true"/> when the caller now holds it for reading.</returns>
        public bool TryDownRead()
        {
            bool interrupted = false;
            Uninterruptible.Enter(_gate, ref interrupted);
            try
            {
                if (_writer != 0 || _waitingWriters != 0)
                {
                    return false;
                }

                _readers++;
                return true;
            }
            finally
            {
                ExitGate(interrupted);
            }
        }

        /// <summary>Releases one reader (<c>up_read</c>). Any thread may release a reader.</summary>
        /// <exception cref="SynchronizationLockException">No reader holds the semaphore.</exception>
        public void UpRead()
        {
            bool interrupted = false;
            Uninterruptible.Enter(_gate, ref interrupted);
            try
            {
                if (_readers == 0)
                {
                    throw new SynchronizationLockException("KRwSem.UpRead with no readers holding it.");
                }

                _readers--;
                if (_readers == 0 && _waitingWriters != 0)
                {
                    Monitor.PulseAll(_gate);
                }
            }
            finally
            {
                ExitGate(interrupted);
            }

            Released();
        }

        /// <summary>Acquires the semaphore for writing, sleeping until no reader or writer holds it (<c>down_write</c>).</summary>
        /// <exception cref="LockRecursionException">The calling thread already holds it for writing; the kernel would deadlock here.</exception>
        public void DownWrite()
        {
            int self = Environment.CurrentManagedThreadId;
            bool interrupted = false;
            Uninterruptible.Enter(_gate, ref interrupted);
            try
            {
                if (_writer == self)
                {
                    throw new LockRecursionException("KRwSem is already held for writing by this thread; down_write would deadlock here.");
                }

                _waitingWriters++;
                while (_writer != 0 || _readers != 0)
                {
                    Uninterruptible.Wait(_gate, ref interrupted);
                }

                _waitingWriters--;
                _writer = self;
            }
            finally
            {
                ExitGate(interrupted);
            }
        }

        /// <summary>
        /// Acquires the semaphore for writing if nobody holds it or waits for it, without sleeping
        /// (<c>down_write_trylock</c>).
        /// </summary>
        /// <returns><see langword="true"/> when the calling thread now holds it for writing.</returns>
        public bool TryDownWrite()
        {
            bool interrupted = false;
            Uninterruptible.Enter(_gate, ref interrupted);
            try
            {
                // Readers only queue while a writer holds or waits, so this also means no reader waits.
                if (_writer != 0 || _readers != 0 || _waitingWriters != 0)
                {
                    return false;
                }

                _writer = Environment.CurrentManagedThreadId;
                return true;
            }
            finally
            {
                ExitGate(interrupted);
            }
        }

        /// <summary>Releases the writer (<c>up_write</c>); readers queued meanwhile go first, then waiting writers.</summary>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold the semaphore for writing.</exception>
        public void UpWrite()
        {
            ReleaseWrite("UpWrite", readersAfter: 0);
            Released();
        }

        /// <summary>
        /// Turns the calling thread's write hold into a read hold without letting a writer in between
        /// (<c>downgrade_write</c>); readers queued meanwhile are admitted with it. Release it with
        /// <see cref="UpRead"/>. Do not call it inside a <see cref="WriteGuard"/> scope, which would then
        /// <see cref="UpWrite"/>.
        /// </summary>
        /// <exception cref="SynchronizationLockException">The calling thread does not hold the semaphore for writing.</exception>
        public void DowngradeWrite()
        {
            ReleaseWrite("DowngradeWrite", readersAfter: 1);
        }

        /// <summary>Acquires the semaphore for reading and returns a scope that releases it when disposed (<c>guard(rwsem_read)</c>).</summary>
        /// <returns>The scope.</returns>
        /// <exception cref="LockRecursionException">The calling thread holds the semaphore for writing.</exception>
        public KRwSemReadGuard ReadGuard()
        {
            DownRead();
            return new KRwSemReadGuard(this);
        }

        /// <summary>Acquires the semaphore for writing and returns a scope that releases it when disposed (<c>guard(rwsem_write)</c>).</summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        /// <exception cref="LockRecursionException">The calling thread already holds the semaphore for writing.</exception>
        public KRwSemWriteGuard WriteGuard()
        {
            DownWrite();
            return new KRwSemWriteGuard(this);
        }

        /// <summary>
        /// The same as <see cref="WriteGuard"/>: the exclusive scope, so that <c>using (x.Guard())</c> means
        /// exclusive access for every kernel-style lock.
        /// </summary>
        /// <returns>The scope; dispose it on the same thread.</returns>
        /// <exception cref="LockRecursionException">The calling thread already holds the semaphore for writing.</exception>
        public KRwSemWriteGuard Guard()
        {
            return WriteGuard();
        }

        // The writer leaves, as a reader (downgrade) or not at all. The readers queued behind it become
        // holders before any waiting writer can take the semaphore, and learn so from the new batch number.
        private void ReleaseWrite(string operation, int readersAfter)
        {
            bool interrupted = false;
            Uninterruptible.Enter(_gate, ref interrupted);
            try
            {
                if (_writer != Environment.CurrentManagedThreadId)
                {
                    throw new SynchronizationLockException("KRwSem." + operation + " by a thread that does not hold it for writing.");
                }

                _writer = 0;
                _readers = readersAfter;
                if (_waitingReaders != 0)
                {
                    _readers += _waitingReaders;
                    _waitingReaders = 0;
                    _batch++;
                }

                Monitor.PulseAll(_gate);
            }
            finally
            {
                ExitGate(interrupted);
            }
        }

        // A guard scope's release is not intercepted: tell the lock validator (a flag check when it is off).
        // Not on DowngradeWrite, which keeps a hold.
        private void Released()
        {
            if (Engine.Active)
            {
                Engine.OnPrimitiveRelease(this);
            }
        }

        private void ExitGate(bool interrupted)
        {
            Monitor.Exit(_gate);
            Uninterruptible.Repost(interrupted);
        }
    }
}
