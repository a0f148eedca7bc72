using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Resolve
{
    /// <summary>The resolve stage for one compilation: every cache it keeps, shared by all bodies.</summary>
    internal sealed class Resolvers
    {
        private readonly Lazy<DeclaredOrder> _order;

        public Resolvers(Compilation compilation)
        {
            Assembly = compilation.Assembly;
            Known = new KnownSymbols(compilation);
            Registry = new LockClassRegistry(Known);
            Names = new LockNameResolver(compilation, Known, Registry);
            Contracts = new MethodContracts(Known, Names);
            Guards = new GuardedMembers(Known, Names);
            Operations = new LockOperationResolver(Known, Registry, Contracts);
            _order = new Lazy<DeclaredOrder>(() => new DeclaredOrder(compilation, Known, Names, Registry), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public IAssemblySymbol Assembly { get; }

        public KnownSymbols Known { get; }

        public LockClassRegistry Registry { get; }

        public LockNameResolver Names { get; }

        public MethodContracts Contracts { get; }

        public GuardedMembers Guards { get; }

        public LockOperationResolver Operations { get; }

        /// <summary>Built on first use: most compilations declare no order and never pay for the walk.</summary>
        public DeclaredOrder Order => _order.Value;
    }
}
