using System.Threading;

namespace WovenApp;

/// <summary>Locks on this and on parameters: classed by their type, as the analyzer classes them.</summary>
public sealed class Vault
{
    public void Deposit(Teller teller)
    {
        lock (this)
        {
            lock (teller) // runtime: Teller under Vault
            {
            }
        }
    }

    public void Release()
    {
        Monitor.Exit(this); // runtime: WARNING: bad unlock balance, then the BCL throws as it does without checks
    }
}

public sealed class Teller
{
    public void Count(Vault vault)
    {
        Monitor.Enter(this); // runtime: Teller held for the reverse order
        try
        {
            lock (vault) // runtime: WARNING: circular, Vault
            {
            }
        }
        finally
        {
            Monitor.Exit(this);
        }
    }
}
