// The other half of the interface ABBA in Interfaces.Inventory.cs.
namespace Broken
{
    public interface IOrders
    {
        void OnRestocked(string sku);
    }

    public sealed class Orders : IOrders
    {
        private readonly object _ordersLock = new object();
        private int _backlog;

        public void OnRestocked(string sku)
        {
            lock (_ordersLock) // expect LD0001 'Orders._ordersLock' 'Inventory._stockLock'
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
