using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Resolve
{
    /// <summary>
    /// Recognises work handed to another thread (<c>Task.Run</c>, <c>Task.Factory.StartNew</c>,
    /// <c>new Thread</c>, <c>new Task</c>) and finds the method or lambda that runs there.
    /// </summary>
    internal static class WorkStarts
    {
        public static IMethodSymbol? StartedWork(IOperation value, ValueOrigins origins, KnownSymbols known)
        {
            var start = origins.Unwrap(value);
            IOperation? body = null;
            switch (start)
            {
                case IInvocationOperation invocation when IsStart(invocation.TargetMethod, known) && invocation.Arguments.Length > 0:
                    body = invocation.Arguments[0].Value;
                    break;
                case IObjectCreationOperation creation
                    when (KnownSymbols.Is(creation.Type, known.Thread) || KnownSymbols.Is(creation.Type, known.Task) || KnownSymbols.Is(creation.Type?.OriginalDefinition, known.TaskOfT))
                         && creation.Arguments.Length > 0:
                    body = creation.Arguments[0].Value;
                    break;
            }

            if (body is null)
            {
                return null;
            }

            var target = origins.Unwrap(body);
            if (target is IDelegateCreationOperation delegateCreation)
            {
                target = origins.Unwrap(delegateCreation.Target);
            }

            return target switch
            {
                IMethodReferenceOperation method => method.Method.OriginalDefinition,
                IFlowAnonymousFunctionOperation lambda => lambda.Symbol,
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                _ => null,
            };
        }

        private static bool IsStart(IMethodSymbol method, KnownSymbols known)
            => (method.Name == "Run" && KnownSymbols.Is(method.ContainingType, known.Task))
               || (method.Name == "StartNew" && (KnownSymbols.Is(method.ContainingType?.OriginalDefinition, known.TaskFactory) || method.ContainingType?.Name == "TaskFactory"));
    }
}
