using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>Which parameters a body assigns (or passes by ref or out): their value on entry may not be their value later.</summary>
    internal static class ParameterWrites
    {
        /// <summary>Bit n set: parameter n (of the first 64) is written somewhere in the body.</summary>
        public static ulong Find(ControlFlowGraph graph, ValueOrigins origins, Microsoft.CodeAnalysis.IMethodSymbol owner)
        {
            if (owner.Parameters.IsEmpty)
            {
                return 0;
            }

            if (!graph.LocalFunctions.IsEmpty)
            {
                // A local function or lambda may write a captured parameter where this walk does not look.
                return ulong.MaxValue;
            }

            var written = 0UL;
            foreach (var block in graph.Blocks)
            {
                foreach (var root in block.Operations)
                {
                    foreach (var operation in root.DescendantsAndSelf())
                    {
                        var target = operation switch
                        {
                            IAssignmentOperation assignment => assignment.Target,
                            IIncrementOrDecrementOperation step => step.Target,
                            IArgumentOperation { Parameter.RefKind: not Microsoft.CodeAnalysis.RefKind.None } byReference => byReference.Value,
                            _ => null,
                        };
                        if (operation is IFlowAnonymousFunctionOperation)
                        {
                            return ulong.MaxValue;
                        }

                        // The graph writes `p ??= v` through a capture of p: look through it.
                        if (target is not null && origins.Unwrap(target) is IParameterReferenceOperation { Parameter.Ordinal: < 64 } parameter)
                        {
                            written |= 1UL << parameter.Parameter.Ordinal;
                        }
                    }
                }
            }

            return written;
        }
    }
}
