using LockDiscipline.Analyzer.Baseline;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0007: a lock still held when the body is left (normally or by an exception), or released on
    /// a path where it is not held. Locks a method's contract says it leaves held or releases
    /// (<c>[AcquiresLock]</c>, <c>[TryAcquiresLock]</c>, <c>[ReleasesLock]</c>) are its job, not a bug.
    /// Exceptions a call might throw count for the BCL locks only (the kernel-style primitives model
    /// kernel code, where calls do not throw); an explicit <c>throw</c> counts for every lock.
    /// A declared contract is checked against the body as Clang checks its acquire/release/requires
    /// attributes: an <c>[AcquiresLock]</c> method holds the lock on every normal exit, a
    /// <c>[ReleasesLock]</c> method holds it on none (each only when the body operates on some lock at
    /// all), and a <c>[RequiresLock]</c> method does not return having released its caller's lock.
    /// </summary>
    internal static class UnbalancedLockRule
    {
        public static void AnalyzeBody(BodyFlow flow, InstanceLinks links, System.Action<Diagnostic> report)
        {
            var reported = new HashSet<int>();
            if (flow.ContractIsDeclared)
            {
                CheckContract(flow, links, report);
            }

            foreach (var release in flow.Releases)
            {
                if (release.Balance == ReleaseBalance.Held || !reported.Add(release.Operation.Site.Syntax.SpanStart))
                {
                    continue;
                }

                var name = release.Operation.Class;
                var message = release.Balance == ReleaseBalance.NotHeld
                    ? $"'{name}' is released here on a path where it is not held"
                    : $"'{name}' is released here on a path where it may not have been acquired";
                if (release.ExceptionCause is { } cause)
                {
                    message += $" (when '{cause.Syntax}' throws before the lock is taken)";
                }

                report(Diagnostic.Create(RuleCatalog.UnbalancedLock, release.Operation.Site.Syntax.GetLocation(), BaselineKey.Properties(name), message));
            }

            foreach (var exit in Ordered(flow.Exits))
            {
                foreach (var held in exit.Held)
                {
                    if (held.Site is null
                        || AllowedOnExit(flow.Contract, held, links)
                        || (exit.ExceptionCause is not null && !exit.ExplicitThrow && held.Class.KernelStyle)
                        || !reported.Add(held.Site.Syntax.SpanStart))
                    {
                        continue;
                    }

                    var method = ReportText.Method(flow.Owner);
                    string message;
                    if (exit.ExceptionCause is { } cause)
                    {
                        message = exit.ExplicitThrow
                            ? $"'{held.Class}' acquired here is not released when '{cause.Syntax}' is thrown; release it first, or in a finally block"
                            : $"'{held.Class}' acquired here is not released if '{cause.Syntax}' throws; release it in a finally block";
                    }
                    else
                    {
                        message = held.Certain
                            ? $"'{held.Class}' acquired here is still held when {method} returns on some path"
                            : $"'{held.Class}' acquired here may still be held when {method} returns";
                    }

                    report(Diagnostic.Create(RuleCatalog.UnbalancedLock, held.Site.Syntax.GetLocation(), BaselineKey.Properties(held.Class), message));
                }
            }
        }

        private static void CheckContract(BodyFlow flow, InstanceLinks links, System.Action<Diagnostic> report)
        {
            var method = ReportText.Method(flow.Owner);
            var declaration = flow.Owner.Locations.IsEmpty ? null : flow.Owner.Locations[0];
            foreach (var acquired in flow.Contract.LeavesHeld)
            {
                if (!acquired.TryAcquire && declaration is not null && OperatesOnLocks(flow) && ExitsWithout(flow, acquired, links))
                {
                    report(Diagnostic.Create(
                        RuleCatalog.UnbalancedLock,
                        declaration,
                        BaselineKey.Properties(acquired.Class),
                        $"{method} is declared [AcquiresLock] but returns without holding '{acquired.Class}' on some path: its callers will release a lock they do not hold"));
                }
            }

            foreach (var released in flow.Contract.Releases)
            {
                if (declaration is not null && OperatesOnLocks(flow) && ExitsWith(flow, released, links))
                {
                    report(Diagnostic.Create(
                        RuleCatalog.UnbalancedLock,
                        declaration,
                        BaselineKey.Properties(released.Class),
                        $"{method} is declared [ReleasesLock] but returns with '{released.Class}' still held on some path: its callers will take it as released"));
                }
            }

            foreach (var required in flow.Contract.Requires)
            {
                if (!ExitsWithout(flow, required, links))
                {
                    continue;
                }

                foreach (var release in flow.Releases)
                {
                    if (release.ReleasesEntryHold && release.Operation.Class.Equals(required.Class))
                    {
                        report(Diagnostic.Create(
                            RuleCatalog.UnbalancedLock,
                            release.Operation.Site.Syntax.GetLocation(),
                            BaselineKey.Properties(required.Class),
                            $"'{required.Class}' is released here, and {method} returns without it on some path, but it is declared [{(required.Mode == LockMode.Shared ? "RequiresSharedLock" : "RequiresLock")}]: its caller still holds the lock as far as it knows, and will release it again"));
                        break;
                    }
                }
            }
        }

        /// <summary>
        /// The contract leaves this lock held (<c>[AcquiresLock]</c>, <c>[TryAcquiresLock]</c>) or its caller holds
        /// it throughout (<c>[RequiresLock]</c>): on the object the contract names, not on another of its class.
        /// </summary>
        private static bool AllowedOnExit(MethodContract contract, HeldLock held, InstanceLinks links)
        {
            foreach (var contractLock in contract.LeavesHeld)
            {
                if (contractLock.Class.Equals(held.Class) && InstanceMatch.MayBe(held.Instance, contractLock.Path, !contractLock.Path.IsKnown, links)) return true;
            }

            foreach (var contractLock in contract.Requires)
            {
                if (contractLock.Class.Equals(held.Class) && InstanceMatch.MayBe(held.Instance, contractLock.Path, !contractLock.Path.IsKnown, links)) return true;
            }

            return false;
        }

        /// <summary>
        /// Whether the body operates on any lock at all. One that never does defines the lock operation
        /// itself (a claim counted in a field, an external resource): what Clang users mark
        /// <c>no_thread_safety_analysis</c>. Its attribute is taken at its word.
        /// </summary>
        private static bool OperatesOnLocks(BodyFlow flow)
            => flow.Acquisitions.Count > 0 || flow.TryAcquisitions.Count > 0 || flow.Releases.Count > 0;

        /// <summary>Some normal exit does not certainly hold the contract's lock.</summary>
        private static bool ExitsWithout(BodyFlow flow, ContractLock contractLock, InstanceLinks links)
        {
            foreach (var exit in flow.Exits)
            {
                if (exit.ExceptionCause is not null)
                {
                    continue;
                }

                var held = false;
                foreach (var hold in exit.Held)
                {
                    held |= hold.Certain && hold.Class.Equals(contractLock.Class) && InstanceMatch.MayBe(hold.Instance, contractLock.Path, !contractLock.Path.IsKnown, links);
                }

                if (!held)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Some normal exit may still hold the contract's lock.</summary>
        private static bool ExitsWith(BodyFlow flow, ContractLock contractLock, InstanceLinks links)
        {
            foreach (var exit in flow.Exits)
            {
                if (exit.ExceptionCause is not null)
                {
                    continue;
                }

                foreach (var hold in exit.Held)
                {
                    if (hold.Class.Equals(contractLock.Class) && InstanceMatch.ProvablyIs(hold.Instance, contractLock.Path, !contractLock.Path.IsKnown, links))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>Normal exits first, so a lock leaked on both kinds of path gets the plainer message.</summary>
        private static IEnumerable<ExitEvent> Ordered(List<ExitEvent> exits)
        {
            foreach (var exit in exits)
            {
                if (exit.ExceptionCause is null)
                {
                    yield return exit;
                }
            }

            foreach (var exit in exits)
            {
                if (exit.ExceptionCause is not null)
                {
                    yield return exit;
                }
            }
        }
    }
}
