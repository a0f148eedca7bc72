// Locks taken one after the other, never nested, in either order: no dependency between them.
namespace Clean
{
    public sealed class Counters
    {
        private readonly object _hitsLock = new object();
        private readonly object _missesLock = new object();
        private int _hits;
        private int _misses;

        public int Snapshot()
        {
            int hits;
            lock (_hitsLock)
            {
                hits = _hits;
            }

            lock (_missesLock)
            {
                return hits + _misses;
            }
        }

        public void Reset()
        {
            lock (_missesLock)
            {
                _misses = 0;
            }

            lock (_hitsLock)
            {
                _hits = 0;
            }
        }

        public void Hit()
        {
            lock (_hitsLock)
            {
                _hits++;
            }
        }

        public void Miss()
        {
            lock (_missesLock)
            {
                _misses++;
            }
        }
    }

    // Interfaces.*.cs, fixed: Restock releases _stockLock before it calls into the orders.
    public interface IInventory
    {
        bool Reserve(string sku);

        void Restock(string sku, int count);
    }

    public interface IOrders
    {
        void OnRestocked(string sku);
    }

    public sealed class Inventory : IInventory
    {
        private readonly object _stockLock = new object();
        private readonly IOrders _orders;
        private int _onHand;

        public Inventory(IOrders orders)
        {
            _orders = orders;
        }

        public void Restock(string sku, int count)
        {
            lock (_stockLock)
            {
                _onHand += count;
            }

            _orders.OnRestocked(sku);
        }

        public bool Reserve(string sku)
        {
            lock (_stockLock)
            {
                if (_onHand == 0)
                {
                    return false;
                }

                _onHand--;
                return true;
            }
        }
    }

    public sealed class Orders : IOrders
    {
        private readonly object _ordersLock = new object();
        private int _backlog;

        public void OnRestocked(string sku)
        {
            lock (_ordersLock)
            {
                _backlog = 0;
            }
        }

        public bool Place(IInventory inventory, string sku)
        {
            lock (_ordersLock)
            {
                if (inventory.Reserve(sku))
                {
                    return true;
                }

                _backlog++;
                return false;
            }
        }
    }
}
