using LockDiscipline.Analyzer.Summaries;
using LockDiscipline.Analyzer.Summaries.Assemblies;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Resolve
{
    /// <summary>The resolve stage for one compilation: the shared lock model plus what only the analyzer asks.</summary>
    internal sealed class Resolvers
    {
        private readonly LockModelContext _model;

        public Resolvers(Compilation compilation)
        {
            Assembly = compilation.Assembly;
            _model = new LockModelContext(compilation);
            Guards = new GuardedMembers(_model.Known, _model.Names);
            Links = new InstanceLinks(compilation);
            Effects = new NetLockEffects(compilation, this);
            Imports = new SummaryImport(compilation);
        }

        /// <summary>The summaries the compilation's references carry (docs/design.md, "Summaries across assemblies").</summary>
        public SummaryImport Imports { get; }

        public IAssemblySymbol Assembly { get; }

        public KnownSymbols Known => _model.Known;

        public LockClassRegistry Registry => _model.Registry;

        public LockNameResolver Names => _model.Names;

        public MethodContracts Contracts => _model.Contracts;

        public GuardedMembers Guards { get; }

        /// <summary>The net lock effects of unannotated lock wrappers, inferred from their bodies on first use.</summary>
        public NetLockEffects Effects { get; }

        public LockOperationResolver Operations => _model.Operations;

        public DeclaredOrder Order => _model.Order;

        public InstanceLinks Links { get; }
    }
}
