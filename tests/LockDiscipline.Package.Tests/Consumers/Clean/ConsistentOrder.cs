// The broken consumer's shapes written correctly: every path takes the locks in one order.
namespace Clean
{
    // PlainLock.cs, fixed: both methods take _balanceLock before _auditLock.
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
            lock (_balanceLock)
            {
                lock (_auditLock)
                {
                    return _balance >= 0 ? _entries : -1;
                }
            }
        }
    }

    // ThreeLocks.cs, fixed: _intake < _transform < _output everywhere.
    public sealed class Pipeline
    {
        private readonly object _intake = new object();
        private readonly object _transform = new object();
        private readonly object _output = new object();
        private int _items;

        public void Stage1()
        {
            lock (_intake)
            {
                lock (_transform)
                {
                    _items++;
                }
            }
        }

        public void Stage2()
        {
            lock (_transform)
            {
                lock (_output)
                {
                    _items++;
                }
            }
        }

        public void Stage3()
        {
            lock (_intake)
            {
                lock (_output)
                {
                    _items--;
                }
            }
        }
    }
}
