using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0008: a <c>[GuardedBy]</c> member read or written without its lock. A write needs the lock
    /// exclusively; a read is fine under a shared (read) hold. Constructors of the declaring type own
    /// the object before anyone else can see it, and <c>[RequiresLock]</c> bodies hold what they require.
    /// </summary>
    internal static class UnguardedAccessRule
    {
        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var access in flow.Accesses)
            {
                if (IsConstructing(flow.Owner, access.Member) || IsHeld(access) || !reported.Add(access.Site.Syntax.SpanStart))
                {
                    continue;
                }

                var member = access.Member.ContainingType.Name + "." + access.Member.Name;
                var how = access.IsWrite ? "written" : "read";
                var shared = access.IsWrite && HeldShared(access) ? " (it is held only for reading)" : string.Empty;
                report(Diagnostic.Create(
                    RuleCatalog.UnguardedAccess,
                    access.Site.Syntax.GetLocation(),
                    $"'{member}' is guarded by '{access.Guard.Class}', but is {how} here without holding it{shared}"));
            }
        }

        private static bool IsHeld(AccessEvent access)
        {
            foreach (var hold in access.Held)
            {
                if (hold.Class.Equals(access.Guard.Class) && (!access.IsWrite || hold.Mode == LockMode.Exclusive))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HeldShared(AccessEvent access)
        {
            foreach (var hold in access.Held)
            {
                if (hold.Class.Equals(access.Guard.Class))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsConstructing(IMethodSymbol owner, ISymbol member)
            => owner.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor
               && SymbolEqualityComparer.Default.Equals(owner.ContainingType.OriginalDefinition, member.ContainingType.OriginalDefinition);
    }
}
