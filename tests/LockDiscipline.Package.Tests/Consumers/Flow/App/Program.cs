using System;
using System.Threading;
using Flow.Library;

namespace Flow.App
{
    internal static class Program
    {
        private static readonly object First = new object();
        private static readonly object Second = new object();

        // A lock-order inversion (LD0001 for a project with the rules) and Monitor calls on a field (a
        // runtime check for a project with the generator): this project chose neither.
        private static void Forward()
        {
            lock (First)
            {
                lock (Second)
                {
                }
            }
        }

        private static void Backward()
        {
            Monitor.Enter(Second);
            try
            {
                lock (First)
                {
                }
            }
            finally
            {
                Monitor.Exit(Second);
            }
        }

        private static int Main()
        {
            Forward();
            Backward();
            Console.WriteLine("generation: " + new Device().Reconfigure());
            Console.WriteLine("validated lock classes: " + Device.ValidatedLockClasses);
            Console.WriteLine("done");
            return 0;
        }
    }
}
