using System;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.LockModel
{
    /// <summary>
    /// The lock model of one compilation: which calls are lock operations, what class each lock is, what
    /// the annotations name and which orders they declare. The analyzer and the generator each build one
    /// per compilation and ask it the same questions, so they cannot answer differently.
    /// </summary>
    internal sealed class LockModelContext
    {
        private readonly Lazy<DeclaredOrder> _order;

        public LockModelContext(Compilation compilation)
        {
            Known = new KnownSymbols(compilation);
            Registry = new LockClassRegistry(Known);
            Names = new LockNameResolver(compilation, Known, Registry);
            Contracts = new MethodContracts(Known, Names);
            Operations = new LockOperationResolver(Known, Registry, Contracts);
            _order = new Lazy<DeclaredOrder>(() => new DeclaredOrder(compilation, Known, Names, Registry), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public KnownSymbols Known { get; }

        public LockClassRegistry Registry { get; }

        public LockNameResolver Names { get; }

        public MethodContracts Contracts { get; }

        public LockOperationResolver Operations { get; }

        /// <summary>Built on first use: most compilations declare no order and never pay for the walk.</summary>
        public DeclaredOrder Order => _order.Value;
    }
}
