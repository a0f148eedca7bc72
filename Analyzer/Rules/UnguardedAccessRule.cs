using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0008: a <c>[GuardedBy]</c> member read or written without its lock. A write needs the lock
    /// exclusively; a read is fine under a shared (read) hold. The lock is the accessed object's
    /// (<c>other.Value</c> needs <c>other._mu</c>), and it must be held on every path to the access.
    /// Constructors of the declaring type own the object before anyone else can see it, and
    /// <c>[RequiresLock]</c> bodies hold what they require.
    /// </summary>
    internal static class UnguardedAccessRule
    {
        public static void AnalyzeBody(BodyFlow flow, InstanceLinks links, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            foreach (var access in flow.Accesses)
            {
                if (IsConstructing(flow.Owner, access.Member) || IsHeld(access, links) || !reported.Add(access.Site.Syntax.SpanStart))
                {
                    continue;
                }

                var member = access.Member.ContainingType.Name + "." + access.Member.Name;
                var how = access.IsWrite ? "written" : "read";
                report(Diagnostic.Create(
                    RuleCatalog.UnguardedAccess,
                    access.Site.Syntax.GetLocation(),
                    BaselineKey.Properties(access.Guard.Class),
                    $"'{member}' is guarded by '{access.Guard.Class}', but is {how} here without holding it{Why(access, links)}"));
            }
        }

        private static bool IsHeld(AccessEvent access, InstanceLinks links)
        {
            foreach (var hold in access.Held)
            {
                if (IsGuard(hold, access, links) && hold.Certain && (!access.IsWrite || hold.Mode == LockMode.Exclusive))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsGuard(HeldLock hold, AccessEvent access, InstanceLinks links)
            => hold.Class.Equals(access.Guard.Class) && InstanceMatch.MayBe(hold.Instance, access.GuardInstance, !access.Guard.Path.IsKnown, links);

        /// <summary>What the held set has instead: the guard held only for reading, on some paths only, or another object's lock of the class.</summary>
        private static string Why(AccessEvent access, InstanceLinks links)
        {
            var otherInstance = default(HeldLock?);
            foreach (var hold in access.Held)
            {
                if (!hold.Class.Equals(access.Guard.Class))
                {
                    continue;
                }

                if (!IsGuard(hold, access, links))
                {
                    otherInstance ??= hold;
                }
                else if (!hold.Certain)
                {
                    return " (it is not held on every path to here)";
                }
                else if (access.IsWrite)
                {
                    return " (it is held only for reading)";
                }
            }

            return otherInstance is { } other
                ? $" (the lock held is {ReportText.Instance(other.Instance)}; the object accessed needs {ReportText.Instance(access.GuardInstance)})"
                : string.Empty;
        }

        private static bool IsConstructing(IMethodSymbol owner, ISymbol member)
            => owner.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor
               && SymbolEqualityComparer.Default.Equals(owner.ContainingType.OriginalDefinition, member.ContainingType.OriginalDefinition);
    }
}
