using System;
using System.Threading;

namespace WovenApp;

/// <summary>
/// Releases of locks this thread does not hold, through the checked calls of lock APIs on members and the
/// hook before a Lock.Exit on a parameter: each is reported in Debug, then throws exactly what it throws in
/// Release (a semaphore has no owner: never reported).
/// </summary>
public sealed class Cashbox
{
    private readonly object _coins = new();
    private readonly Lock _drawer = new();
    private readonly ReaderWriterLockSlim _ledger = new();
    private readonly SemaphoreSlim _till = new(1, 1);

    public void ReleaseAll()
    {
        Print(() => Monitor.Exit(_coins)); // runtime: bad unlock balance, Cashbox._coins
        Print(() => _drawer.Exit()); // runtime: bad unlock balance, Cashbox._drawer
        Print(() => _ledger.ExitReadLock()); // runtime: bad unlock balance, Cashbox._ledger
        Print(() => _till.Release());
        Print(() => Close(_drawer));
    }

    private static void Close(Lock drawer)
    {
        drawer.Exit(); // runtime: bad unlock balance, Lock
    }

    private static void Print(Action release)
    {
        try
        {
            release();
            Console.WriteLine("no exception");
        }
        catch (Exception e)
        {
            Console.WriteLine(e.GetType().FullName + ": " + e.Message);
        }
    }
}
