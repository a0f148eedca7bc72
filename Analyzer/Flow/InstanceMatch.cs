using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>
    /// Whether a held lock is the lock a guard or a contract names, instance by instance, as Clang's
    /// thread-safety analysis decides it: <c>this._mu</c> and <c>other._mu</c> are two locks. Where the
    /// analysis cannot tell (an instance without a path), the answer is the one that raises no false error:
    /// a requirement counts as met, an exclusion as not broken. A name that is a <c>[LockClass]</c> name
    /// (no path) stands for every lock of its class.
    /// </summary>
    internal static class InstanceMatch
    {
        /// <summary>The hold may be the named lock: for requirements, which count as met unless the two are provably different.</summary>
        public static bool MayBe(InstancePath held, InstancePath named, bool classWide, InstanceLinks links)
            => classWide || !held.IsKnown || !named.IsKnown || Same(held, named, links);

        /// <summary>The hold is provably the named lock: for exclusions, which count as broken only then.</summary>
        public static bool ProvablyIs(InstancePath held, InstancePath named, bool classWide, InstanceLinks links)
            => classWide || (held.IsKnown && named.IsKnown && Same(held, named, links));

        private static bool Same(InstancePath a, InstancePath b, InstanceLinks links)
            => a.Equals(b) || string.Equals(links.Canonical(a.Text!), links.Canonical(b.Text!), System.StringComparison.Ordinal);
    }
}
