// An ABBA over plain `lock` in one class: Deposit takes _balanceLock then _auditLock, Audit takes
// _auditLock then _balanceLock.
//
// Every line that must carry a diagnostic ends with a marker comment naming the rule and the lock
// classes its message must name; the package tests read the markers, so keep them on the right line.
namespace Broken
{
    public sealed class Ledger
    {
        private readonly object _balanceLock = new object();
        private readonly object _auditLock = new object();
        private decimal _balance;
        private int _entries;

        public void Deposit(decimal amount)
        {
            lock (_balanceLock)
            {
                _balance += amount;
                lock (_auditLock)
                {
                    _entries++;
                }
            }
        }

        public int Audit()
        {
            lock (_auditLock)
            {
                lock (_balanceLock) // expect LD0001 'Ledger._auditLock' 'Ledger._balanceLock'
                {
                    return _balance >= 0 ? _entries : -1;
                }
            }
        }
    }
}
