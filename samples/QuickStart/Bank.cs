namespace QuickStart
{
    public sealed class Account
    {
        public decimal Balance;

        public Account(decimal balance)
        {
            Balance = balance;
        }
    }

    /// <summary>
    /// Two accounts, each guarded by locking it. <see cref="MoveToSavings"/> locks checking, then
    /// savings; <see cref="MoveToChecking"/> locks savings, then checking. A thread in each can end up
    /// holding one account and waiting forever for the other: an ABBA deadlock.
    /// </summary>
    public sealed class Bank
    {
        private readonly Account _checking = new Account(1_000m);
        private readonly Account _savings = new Account(1_000m);

        public void MoveToSavings(decimal amount)
        {
            lock (_checking)
            {
                lock (_savings)
                {
                    _checking.Balance -= amount;
                    _savings.Balance += amount;
                }
            }
        }

        public void MoveToChecking(decimal amount)
        {
            lock (_savings)
            {
                lock (_checking) // error LD0001: possible circular locking dependency detected
                {
                    _savings.Balance -= amount;
                    _checking.Balance += amount;
                }
            }
        }
    }
}
