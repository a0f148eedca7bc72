// An ABBA across two types through interface calls, spread over two files:
// Orders.Place holds Orders._ordersLock and calls IInventory.Reserve, which takes Inventory._stockLock;
// Inventory.Restock holds Inventory._stockLock and calls IOrders.OnRestocked, which takes
// Orders._ordersLock. The cycle is reported in Interfaces.Orders.cs, the file that sorts last.
namespace Broken
{
    public interface IInventory
    {
        bool Reserve(string sku);

        void Restock(string sku, int count);
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
                _orders.OnRestocked(sku);
            }
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
}
