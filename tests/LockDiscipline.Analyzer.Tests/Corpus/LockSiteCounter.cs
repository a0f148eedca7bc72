using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzer.Tests.Corpus;

/// <summary>
/// Counts lock sites the way the 526 were counted on the real libraries: every <c>lock</c>
/// statement and every call of a lock API's acquire method, written in the source. Calls of a
/// library's own wrappers (<c>Acquire()</c>, <c>Lock()</c>) are not sites themselves: the lock API
/// call inside the wrapper is. The semantic model only tells which type a called method is on, so
/// that <c>task.Wait()</c> is not mistaken for <c>semaphore.Wait()</c>.
/// </summary>
public static class LockSiteCounter
{
    /// <summary>Acquire methods by the metadata name of the type that declares them.</summary>
    private static readonly Dictionary<string, HashSet<string>> AcquireMethods = new(StringComparer.Ordinal)
    {
        ["System.Threading.Monitor"] = ["Enter", "TryEnter"],
        ["System.Threading.Lock"] = ["Enter", "TryEnter", "EnterScope"],
        ["System.Threading.SemaphoreSlim"] = ["Wait", "WaitAsync"],
        ["System.Threading.ReaderWriterLockSlim"] =
            ["EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock", "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock"],
        ["System.Threading.SpinLock"] = ["Enter", "TryEnter"],
        ["LockDiscipline.KMutex"] = ["Lock", "LockNested", "TryLock", "Guard"],
        ["LockDiscipline.KSpinLock"] = ["Lock", "TryLock", "LockIrq", "LockIrqSave", "LockBh", "Guard", "GuardIrqSave"],
        ["LockDiscipline.KRwSem"] = ["DownRead", "TryDownRead", "DownWrite", "TryDownWrite", "ReadGuard", "WriteGuard", "Guard"],
        ["LockDiscipline.KLockMap"] = ["Acquire", "AcquireRead", "Guard"],
    };

    /// <summary>WaitOne is declared on WaitHandle; it acquires only when the receiver is one of these.</summary>
    private static readonly HashSet<string> WaitHandleLocks = new(StringComparer.Ordinal)
    {
        "System.Threading.Mutex",
        "System.Threading.Semaphore",
    };

    /// <summary>The one-based lines of the lock sites of a tree, one entry per site.</summary>
    public static IReadOnlyList<int> Lines(SyntaxTree tree, SemanticModel model)
    {
        var lines = new List<int>();
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var isSite = node switch
            {
                LockStatementSyntax => true,
                InvocationExpressionSyntax invocation => IsAcquireCall(invocation, model),
                _ => false,
            };
            if (isSite)
            {
                lines.Add(node.GetLocation().GetLineSpan().StartLinePosition.Line + 1);
            }
        }

        return lines;
    }

    private static bool IsAcquireCall(InvocationExpressionSyntax invocation, SemanticModel model)
    {
        if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol method)
        {
            return false;
        }

        var declaringType = method.ContainingType.OriginalDefinition.ToDisplayString();
        if (AcquireMethods.TryGetValue(declaringType, out var names))
        {
            return names.Contains(method.Name);
        }

        if (declaringType == "System.Threading.WaitHandle" && method.Name == "WaitOne")
        {
            var receiverType = Receiver(invocation) is { } receiver ? model.GetTypeInfo(receiver).Type : null;
            return receiverType is not null && WaitHandleLocks.Contains(receiverType.ToDisplayString().TrimEnd('?'));
        }

        return false;
    }

    /// <summary>The receiver of <c>x.M()</c> or of <c>x?.M()</c>.</summary>
    private static ExpressionSyntax? Receiver(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Expression,
        MemberBindingExpressionSyntax => invocation.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression,
        _ => null,
    };
}
