// A three-lock cycle across three methods: _intake -> _transform (Stage1), _transform -> _output
// (Stage2), _output -> _intake (Stage3). No two methods invert a pair; only the whole cycle deadlocks.
namespace Broken
{
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
            lock (_output)
            {
                lock (_intake) // expect LD0001 'Pipeline._intake' 'Pipeline._transform' 'Pipeline._output'
                {
                    _items--;
                }
            }
        }
    }
}
