using System.Threading;

namespace WovenApp;

/// <summary>Plain lock statements, one on an object and one on a System.Threading.Lock, taken in both orders.</summary>
public sealed class Ledger
{
    private readonly object _accounts = new();
    private readonly Lock _audit = new();

    public void Post()
    {
        lock (_accounts)
        {
            lock (_audit) // runtime: Ledger._audit under Ledger._accounts
            {
            }
        }
    }

    public void Audit()
    {
        lock (_audit) // runtime: Ledger._audit held for the reverse order
        {
            lock (_accounts) // runtime: WARNING: circular, Ledger
            {
            }
        }
    }
}
