using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace RuntimeLockdep
{
    /// <summary>Runs a piece of a scenario on a real thread named like the kernel task in the seed's splat, and waits for it.</summary>
    public static class KernelThread
    {
        public static void Run(string name, Action body)
        {
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    error = e;
                }
            })
            { Name = name, IsBackground = true };
            thread.Start();
            if (!thread.Join(TimeSpan.FromMinutes(1)))
            {
                throw new TimeoutException($"thread {name} did not finish (a real deadlock?)");
            }

            if (error is not null)
            {
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
    }
}
