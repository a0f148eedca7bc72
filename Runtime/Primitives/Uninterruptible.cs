using System.Threading;

namespace LockDiscipline
{
    /// <summary>
    /// Blocking steps that a <see cref="Thread.Interrupt"/> cannot break. The kernel's lock and unlock
    /// paths sleep uninterruptibly (<c>TASK_UNINTERRUPTIBLE</c>) and an unlock cannot fail; a K* operation
    /// that threw half way would leave a lock held or strand its waiters. So an interrupt that arrives
    /// during one is noted, the operation completes, and <see cref="Repost"/> hands the interrupt back to
    /// be delivered at the thread's next blocking call.
    /// </summary>
    internal static class Uninterruptible
    {
        /// <summary>Enters <paramref name="gate"/>, noting rather than throwing an interrupt.</summary>
        public static void Enter(object gate, ref bool interrupted)
        {
            bool taken = false;
            while (!taken)
            {
                try
                {
                    Monitor.Enter(gate, ref taken);
                }
                catch (ThreadInterruptedException)
                {
                    interrupted = true;
                }
            }
        }

        /// <summary>
        /// Waits on <paramref name="gate"/>, which the caller holds. An interrupt ends the wait early, like a
        /// spurious wake-up, so callers wait in a loop that rechecks their condition.
        /// </summary>
        public static void Wait(object gate, ref bool interrupted)
        {
            try
            {
                Monitor.Wait(gate);
            }
            catch (ThreadInterruptedException)
            {
                // Monitor.Wait has re-entered the gate before throwing.
                interrupted = true;
            }
        }

        /// <summary>One step of a busy wait; <see cref="SpinWait.SpinOnce()"/> may call <c>Thread.Sleep(0)</c>, which an interrupt breaks.</summary>
        public static void SpinOnce(ref SpinWait spin, ref bool interrupted)
        {
            try
            {
#if NETCOREAPP3_0_OR_GREATER
                // Yield rather than Sleep(1): a kernel spinner never sleeps, and a millisecond is an age here.
                spin.SpinOnce(sleep1Threshold: -1);
#else
                spin.SpinOnce();
#endif
            }
            catch (ThreadInterruptedException)
            {
                interrupted = true;
            }
        }

        /// <summary>Re-posts an interrupt noted during the operation, once the operation is complete.</summary>
        public static void Repost(bool interrupted)
        {
            if (interrupted)
            {
                Thread.CurrentThread.Interrupt();
            }
        }
    }
}
