namespace Adoption
{
    public sealed class Ledger
    {
        private readonly object _book = new(), _audit = new();

        public void Post() { lock (_book) { lock (_audit) { } } }

        public void Check() { lock (_audit) { lock (_book) { } } }
    }
}
