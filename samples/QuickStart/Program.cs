using System;
using System.Threading;

namespace QuickStart
{
    /// <summary>
    /// Moves money between two accounts on two threads. LockDiscipline rejects this program at build
    /// time (LD0001 in Bank.cs); if it is built anyway (LD0001 set to warning in .editorconfig), running
    /// it shows the deadlock the analyzer predicted.
    /// </summary>
    public static class Program
    {
        public static int Main()
        {
            var bank = new Bank();
            var toSavings = new Thread(() =>
            {
                for (int i = 0; i < 1_000_000; i++)
                {
                    bank.MoveToSavings(1m);
                }
            }) { IsBackground = true };
            var toChecking = new Thread(() =>
            {
                for (int i = 0; i < 1_000_000; i++)
                {
                    bank.MoveToChecking(1m);
                }
            }) { IsBackground = true };

            toSavings.Start();
            toChecking.Start();

            TimeSpan patience = TimeSpan.FromSeconds(10);
            if (toSavings.Join(patience) && toChecking.Join(patience))
            {
                Console.WriteLine("The transfers finished this time; the lock order is still inverted.");
                return 0;
            }

            Console.WriteLine("Deadlock: each thread holds one account and waits for the other.");
            return 1;
        }
    }
}
