using System;
using System.Threading;

namespace WovenApp;

/// <summary>
/// Each order runs on its own thread, one after the other, so nothing deadlocks: the reports come from
/// the woven checks seeing both orders. The program must run to "done".
/// </summary>
public static class Program
{
    public static void Main()
    {
        Console.WriteLine("[1/5] lock statements");
        var ledger = new Ledger();
        RunOnThread(ledger.Post);
        RunOnThread(ledger.Audit);

        Console.WriteLine("[2/5] EnterScope");
        var registry = new Registry();
        RunOnThread(registry.Rename);
        RunOnThread(registry.Renumber);

        Console.WriteLine("[3/5] this and parameters");
        var vault = new Vault();
        var teller = new Teller();
        RunOnThread(() => vault.Deposit(teller));
        RunOnThread(() => teller.Count(vault));

        Console.WriteLine("[4/5] unbalanced Monitor.Exit");
        try
        {
            vault.Release();
            Console.WriteLine("Monitor.Exit returned");
        }
        catch (SynchronizationLockException e)
        {
            Console.WriteLine("Monitor.Exit threw SynchronizationLockException");
            Console.WriteLine(e.StackTrace);
        }

        Console.WriteLine("[5/5] releases of members not held");
        RunOnThread(new Cashbox().ReleaseAll);

        Console.WriteLine("done");
    }

    private static void RunOnThread(ThreadStart work)
    {
        var thread = new Thread(work);
        thread.Start();
        thread.Join();
    }
}
