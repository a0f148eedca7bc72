using System;
using System.Threading;

namespace RuntimeDemo
{
    /// <summary>
    /// Runs the three mistakes of <see cref="Device"/> on one thread, each between a "before" and an
    /// "after" line. In a Debug build the package's generated checks print a lockdep report for each to
    /// standard error and the program keeps running; a Release build has no checks and prints none. The bad
    /// unlock throws in both, as the same exception.
    /// </summary>
    public static class Program
    {
        public static int Main()
        {
            Console.WriteLine("RuntimeDemo: three locking mistakes on one thread; " + GeneratedChecks.Describe(typeof(Program).Assembly));
            var device = new Device();

            Console.WriteLine("[1/3] before: dev_config_mutex then dev_stats_mutex, then the reverse order");
            device.Reconfigure();
            device.CollectStats();
            Console.WriteLine("[1/3] after: still running");

            Console.WriteLine("[2/3] before: dev_fault_lock taken with IRQs on, then with LockIrqSave in a [HardIrqContext] handler");
            device.ClearFaults();
            device.FaultInterrupt(); // as if the device raised its interrupt
            Console.WriteLine("[2/3] after: still running (" + device.FaultCount + " fault handled)");

            Console.WriteLine("[3/3] before: dev_reset_mutex unlocked by a thread that does not hold it");
            try
            {
                device.FinishReset();
            }
            catch (SynchronizationLockException e)
            {
                // The KMutex refuses the unlock, with checks or without: the checks report the mistake first,
                // then perform the unlock as a Release build does, so both builds get here with the same exception.
                Console.WriteLine("[3/3] KMutex.Unlock threw " + e.GetType().Name + ": " + e.Message);
            }

            Console.WriteLine("[3/3] after: still running");
            Console.WriteLine("done");
            return 0;
        }
    }
}
