using Microsoft.CodeAnalysis.FlowAnalysis;
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

            // A local function or lambda may write a captured parameter where the walk does not look.
            return graph.LocalFunctions.IsEmpty && origins.Lambdas.Count == 0 ? origins.WrittenParameters() : ulong.MaxValue;
        }
    }
}
