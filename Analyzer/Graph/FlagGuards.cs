using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Summaries;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>
    /// Sites under a flag test that cannot hold (issue 10's "branch guarded by state that cannot hold"): a
    /// method whose every caller has just tested a flag of the object under the lock that guards the flag's
    /// writes, and which tests the flag again before anything runs, takes the branch its callers ruled out
    /// on no path.
    /// <code>
    /// lock (_channelLock) { if (_disposed) return; Drain(); }      // _disposed is false here ...
    /// void Drain() { if (_disposed) { lock (_pendingLock) { } } }  // ... so this lock is never taken
    /// </code>
    /// Sound when: the flag is a private <c>bool</c> field (only its type writes it), never written by
    /// reference or on another object, and every write after construction holds a lock on the object that
    /// the caller holds at the call (so no other thread writes it meanwhile); the caller's test and the call
    /// have nothing in between that could write it on this thread, nor has the callee's entry and its test
    /// (<see cref="FlagTests"/>); and every caller of the method is known (a private or internal method
    /// called only here, as for null arguments), each calling it on its own object. A constructor's writes
    /// are taken as made before the object is shared. Iterators test nothing (<see cref="FlagTests"/>): their body does not run at the call.
    /// </summary>
    internal static class FlagGuards
    {
        /// <summary>The acquisitions and calls, by method, that no caller can reach; null when there are none.</summary>
        public static Dictionary<int, (HashSet<AcquisitionSite> Acquisitions, HashSet<int> Calls)>? Unreachable(
            IReadOnlyList<MethodSummary> summaries, bool[] live, bool[] callersAllKnown, List<int>[][] callTargets)
        {
            List<int>? candidates = null;
            for (var method = 0; method < summaries.Count; method++)
            {
                if (live[method] && callersAllKnown[method] && HasEntryConditions(summaries[method]))
                {
                    (candidates ??= new List<int>()).Add(method);
                }
            }

            if (candidates is null)
            {
                return null;
            }

            var protecting = ProtectingLocks(summaries);
            var callers = CallersOf(candidates, summaries, live, callTargets);
            Dictionary<int, (HashSet<AcquisitionSite>, HashSet<int>)>? unreachable = null;
            foreach (var method in candidates)
            {
                var entry = EntryValues(callers[method], summaries, protecting);
                if (entry is null || entry.Count == 0)
                {
                    continue;
                }

                var summary = summaries[method];
                var acquisitions = new HashSet<AcquisitionSite>();
                foreach (var acquisition in summary.Acquisitions)
                {
                    if (Excluded(acquisition.EntryConditions, entry))
                    {
                        acquisitions.Add(acquisition);
                    }
                }

                var calls = new HashSet<int>();
                for (var call = 0; call < summary.Calls.Length; call++)
                {
                    if (Excluded(summary.Calls[call].EntryConditions, entry))
                    {
                        calls.Add(call);
                    }
                }

                if (acquisitions.Count > 0 || calls.Count > 0)
                {
                    (unreachable ??= new Dictionary<int, (HashSet<AcquisitionSite>, HashSet<int>)>())[method] = (acquisitions, calls);
                }
            }

            return unreachable;
        }

        private static bool HasEntryConditions(MethodSummary summary)
        {
            foreach (var acquisition in summary.Acquisitions)
            {
                if (!acquisition.EntryConditions.IsEmpty)
                {
                    return true;
                }
            }

            foreach (var call in summary.Calls)
            {
                if (!call.EntryConditions.IsEmpty)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Excluded(ImmutableArray<FlagValue> conditions, List<FlagValue> entry)
        {
            foreach (var condition in conditions)
            {
                foreach (var value in entry)
                {
                    if (condition.Contradicts(value))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Per flag written after construction, the locks on the object held at every such write (their paths
        /// in the object's terms); an empty set when some write is unprotected. A flag never written after
        /// construction is absent: it cannot change while the object is shared.
        /// </summary>
        private static Dictionary<IFieldSymbol, HashSet<string>> ProtectingLocks(IReadOnlyList<MethodSummary> summaries)
        {
            var protecting = new Dictionary<IFieldSymbol, HashSet<string>>(SymbolEqualityComparer.Default);
            foreach (var summary in summaries)
            {
                foreach (var write in summary.FlagWrites)
                {
                    if (write.OnThis && summary.Method is { MethodKind: MethodKind.Constructor, ContainingType: { } type }
                        && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, write.Field.ContainingType.OriginalDefinition))
                    {
                        continue;
                    }

                    if (!protecting.TryGetValue(write.Field, out var locks))
                    {
                        protecting.Add(write.Field, write.OnThis ? new HashSet<string>(write.HeldOnThis) : new HashSet<string>());
                    }
                    else if (!write.OnThis)
                    {
                        locks.Clear();
                    }
                    else
                    {
                        locks.IntersectWith(write.HeldOnThis);
                    }
                }
            }

            return protecting;
        }

        private static Dictionary<int, List<(int Caller, int Call)>> CallersOf(List<int> candidates, IReadOnlyList<MethodSummary> summaries, bool[] live, List<int>[][] callTargets)
        {
            var callers = new Dictionary<int, List<(int, int)>>();
            foreach (var candidate in candidates)
            {
                callers.Add(candidate, new List<(int, int)>());
            }

            for (var caller = 0; caller < summaries.Count; caller++)
            {
                if (!live[caller])
                {
                    continue;
                }

                for (var call = 0; call < callTargets[caller].Length; call++)
                {
                    foreach (var target in callTargets[caller][call])
                    {
                        if (callers.TryGetValue(target, out var list))
                        {
                            list.Add((caller, call));
                        }
                    }
                }
            }

            return callers;
        }

        /// <summary>The flag values every call of the method guarantees on entry, against every other thread too.</summary>
        private static List<FlagValue>? EntryValues(List<(int Caller, int Call)> calls, IReadOnlyList<MethodSummary> summaries, Dictionary<IFieldSymbol, HashSet<string>> protecting)
        {
            List<FlagValue>? entry = null;
            foreach (var (caller, index) in calls)
            {
                var call = summaries[caller].Calls[index];
                var guaranteed = new List<FlagValue>();
                if (call.DelegateSlot is null && call.Receiver.Text == "this")
                {
                    foreach (var known in call.KnownFlags)
                    {
                        if (!protecting.TryGetValue(known.Field, out var locks) || HoldsOneOf(call, locks))
                        {
                            guaranteed.Add(known);
                        }
                    }
                }

                if (entry is null)
                {
                    entry = guaranteed;
                }
                else
                {
                    entry.RemoveAll(value => !guaranteed.Contains(value));
                }

                if (entry.Count == 0)
                {
                    return null;
                }
            }

            return entry;
        }

        private static bool HoldsOneOf(CallSite call, HashSet<string> locks)
        {
            foreach (var path in call.CertainlyHeldOnThis)
            {
                if (locks.Contains(path))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
