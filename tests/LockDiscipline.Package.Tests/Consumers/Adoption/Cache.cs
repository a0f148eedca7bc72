namespace Adoption
{
    // An existing code base with two lock-order cycles, adopted with a baseline (AdoptionTests).
    public sealed class Cache
    {
        private readonly object _items = new(), _stats = new();

        public void Add() { lock (_items) { lock (_stats) { } } }

        public void Dump() { lock (_stats) { lock (_items) { } } }
    }
}
