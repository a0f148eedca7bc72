using System;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using LockDiscipline.LockModel;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzer.Graph
{
    /// <summary>What a lock class taken while a lock of the same class is held amounts to; a larger value is worse.</summary>
    internal enum SameClassNestingKind
    {
        /// <summary>Re-entry of a reentrant lock on the provably same instance, or an upgradeable read taking the read or write lock: fine.</summary>
        Allowed,

        /// <summary>
        /// The second instance is reached from the first through ownership links only (set at construction,
        /// never leading back): the two are an ordered pair of instances, and nesting them that way round
        /// cannot deadlock with itself. Not reported.
        /// </summary>
        OrderedByOwnership,

        /// <summary>
        /// Reached by calling, on another object, the very method (or an override of the same virtual) that
        /// holds the lock: a composite forwarding to its children (<c>DoAppend</c> to each child's
        /// <c>DoAppend</c>). Taken as a walk down a tree, since on a cycle of such objects the walk would not
        /// end; only for reentrant locks, where meeting the same object again is harmless. Not reported.
        /// </summary>
        RecursiveTraversal,

        /// <summary>Two instances the analysis cannot tell apart (two parameters, an unknown path): the order is unknowable statically. LD0014.</summary>
        Indistinguishable,

        /// <summary>
        /// The second instance is reached through a link of the object's own type that code reassigns
        /// (<c>Next</c>, <c>Parent</c>): where those links form a ring, every object takes its successor's lock
        /// while holding its own, and two threads starting at different objects of the ring deadlock. LD0003.
        /// </summary>
        ChainedAlongReassignableLink,

        /// <summary>The provably same instance of a lock that is not reentrant (in this mode): the thread waits for itself. LD0003.</summary>
        SelfDeadlock,
    }

    /// <summary>
    /// Decides, from the two instance paths, how certain a same-class nesting is to be a bug. Shared by the
    /// per-body and the whole-program halves of LD0003 and LD0014 so that both always agree.
    /// </summary>
    internal static class SameClassNesting
    {
        /// <summary>LD0003's share: the certain cases. The rest that is reported is LD0014's.</summary>
        public static bool IsCertain(SameClassNestingKind kind) => kind >= SameClassNestingKind.ChainedAlongReassignableLink;

        /// <summary>
        /// Every acquisition of the body made while a lock of its class is held, with its worst nesting: judged
        /// once per body for LD0003 and LD0014 alike. Empty for most bodies, which nest no class in itself.
        /// </summary>
        public static IReadOnlyList<BodyNesting> InBody(BodyFlow flow, InstanceLinks links)
        {
            List<BodyNesting>? nestings = null;
            foreach (var acquisition in flow.Acquisitions)
            {
                var (kind, held) = Worst(acquisition, flow, links);
                if (held is { } hold)
                {
                    var operation = acquisition.Operation;
                    SiblingNesting? sibling = null;
                    if (kind == SameClassNestingKind.Indistinguishable && AreSiblingsOfThis(hold.Instance, operation.Instance, links, out var first, out var second))
                    {
                        sibling = new SiblingNesting(hold.Class, flow.Owner, first, second, hold.Instance, operation.Instance, operation.Site.Syntax.GetLocation(), hold.Site?.Syntax.GetLocation());
                    }

                    (nestings ??= new List<BodyNesting>()).Add(new BodyNesting(operation, hold, kind, sibling));
                }
            }

            return nestings ?? (IReadOnlyList<BodyNesting>)Array.Empty<BodyNesting>();
        }

        /// <summary>
        /// The worst nesting of an acquisition in one body with the locks held before it, and the hold it is with.
        /// An acquisition the body hands over to (it releases the older lock of the class and keeps this one:
        /// hand-over-hand, lock coupling) is a traversal moving one way, so its nesting on another instance is
        /// not reported; lock coupling is used on acyclic structures (on a ring it would deadlock anyway, and
        /// no static view of the links tells the two apart).
        /// </summary>
        private static (SameClassNestingKind Kind, HeldLock? Held) Worst(AcquisitionEvent acquisition, BodyFlow flow, InstanceLinks links)
        {
            var operation = acquisition.Operation;
            var handedOver = flow.HandedOver.Contains(operation.Site.Syntax.SpanStart);
            var worst = SameClassNestingKind.Allowed;
            HeldLock? with = null;
            foreach (var held in acquisition.HeldBefore)
            {
                if (!held.Class.Equals(operation.Class))
                {
                    continue;
                }

                var kind = Classify(held.Class, held.Mode, held.Instance, operation.Mode, operation.Instance, links);
                if (handedOver && kind is SameClassNestingKind.Indistinguishable or SameClassNestingKind.ChainedAlongReassignableLink)
                {
                    kind = SameClassNestingKind.Allowed;
                }

                if (with is null || kind > worst)
                {
                    worst = kind;
                    with = held;
                }
            }

            return (worst, with);
        }

        public static SameClassNestingKind Classify(LockClass lockClass, LockMode heldMode, InstancePath held, LockMode mode, InstancePath acquired, InstanceLinks links)
        {
            // lockdep's check_deadlock: a recursive read after any read of the class waits for no one, on
            // whichever instance (a KRwLock reader is admitted while a writer waits; a lock map never blocks).
            if (mode == LockMode.Shared && heldMode == LockMode.Shared && lockClass.RecursiveRead)
            {
                return SameClassNestingKind.Allowed;
            }

            if (held.Text is not { } heldPath || acquired.Text is not { } acquiredPath)
            {
                return SameClassNestingKind.Indistinguishable;
            }

            // Steps that come back to the object (a back-reference, a delegate bound to the object's own
            // methods) are taken out first, so that re-entry is seen through them.
            var heldText = links.Canonical(heldPath);
            var acquiredText = links.Canonical(acquiredPath);
            if (string.Equals(heldText, acquiredText, StringComparison.Ordinal))
            {
                if (lockClass.Reentrant || (heldMode == LockMode.Upgradeable && mode != LockMode.Upgradeable))
                {
                    return SameClassNestingKind.Allowed;
                }

                return SameClassNestingKind.SelfDeadlock;
            }

            return Relate(heldText, acquiredText, links);
        }

        /// <summary>
        /// Two locks of the class reached from <c>this</c> through two different members that own their
        /// objects, the rest of the path alike (<c>this._dispatchLock._semaphore</c> and
        /// <c>this._storeLock._semaphore</c>): two objects of one owner that lockdep's users would give a
        /// class each, by member. Such a pair is an ordered pair of sub-classes: nesting it one way round
        /// is a deadlock only if some code nests it the other way round, which only the whole program shows.
        /// </summary>
        public static bool AreSiblingsOfThis(InstancePath held, InstancePath acquired, InstanceLinks links, out string first, out string second)
        {
            first = second = string.Empty;
            if (held.Text is not { } heldPath || acquired.Text is not { } acquiredPath)
            {
                return false;
            }

            var heldSegments = links.Canonical(heldPath).Split('.');
            var acquiredSegments = links.Canonical(acquiredPath).Split('.');
            if (heldSegments.Length < 3 || heldSegments.Length != acquiredSegments.Length
                || heldSegments[0] != "this" || acquiredSegments[0] != "this"
                || heldSegments[1] == acquiredSegments[1]
                || !links.IsOwnershipLink(heldSegments[1]) || !links.IsOwnershipLink(acquiredSegments[1]))
            {
                return false;
            }

            for (var i = 2; i < heldSegments.Length; i++)
            {
                if (heldSegments[i] != acquiredSegments[i])
                {
                    return false;
                }
            }

            first = heldSegments[1];
            second = acquiredSegments[1];
            return true;
        }

        /// <summary>
        /// The acquired path must be the held lock's owner, then one or more links, then the same lock member
        /// (<c>this.SyncRoot</c> then <c>this._inner.SyncRoot</c>), or, for a lock on the object itself, the held
        /// path then links (<c>this</c> then <c>this._next</c>). Anything else is indistinguishable.
        /// </summary>
        private static SameClassNestingKind Relate(string heldText, string acquiredText, InstanceLinks links)
        {
            if (acquiredText.Length <= heldText.Length)
            {
                return SameClassNestingKind.Indistinguishable;
            }

            var lastDot = heldText.LastIndexOf('.');
            int linksStart, linksEnd;
            if (lastDot < 0)
            {
                // The lock is the root object itself: `this`, a parameter, a local.
                if (!acquiredText.StartsWith(heldText + ".", StringComparison.Ordinal))
                {
                    return SameClassNestingKind.Indistinguishable;
                }

                linksStart = heldText.Length + 1;
                linksEnd = acquiredText.Length;
            }
            else
            {
                var owner = heldText.Substring(0, lastDot + 1);
                var lockMember = heldText.Substring(lastDot);
                if (!acquiredText.StartsWith(owner, StringComparison.Ordinal) || !acquiredText.EndsWith(lockMember, StringComparison.Ordinal))
                {
                    return SameClassNestingKind.Indistinguishable;
                }

                linksStart = owner.Length;
                linksEnd = acquiredText.Length - lockMember.Length;
            }

            if (linksEnd <= linksStart)
            {
                return SameClassNestingKind.Indistinguishable;
            }

            var allOwnership = true;
            var start = linksStart;
            while (start < linksEnd)
            {
                var dot = acquiredText.IndexOf('.', start, linksEnd - start);
                var end = dot < 0 ? linksEnd : dot;
                var link = acquiredText.Substring(start, end - start);
                if (links.IsReassignableSelfLink(link))
                {
                    return SameClassNestingKind.ChainedAlongReassignableLink;
                }

                allOwnership &= links.IsOwnershipLink(link);
                start = end + 1;
            }

            return allOwnership ? SameClassNestingKind.OrderedByOwnership : SameClassNestingKind.Indistinguishable;
        }
    }

    /// <summary>An acquisition in one body made while a lock of its class is held: the hold it nests on, and what that is.</summary>
    internal sealed class BodyNesting
    {
        public BodyNesting(LockOperation operation, HeldLock held, SameClassNestingKind kind, SiblingNesting? sibling)
        {
            Operation = operation;
            Held = held;
            Kind = kind;
            Sibling = sibling;
        }

        public LockOperation Operation { get; }

        public HeldLock Held { get; }

        public SameClassNestingKind Kind { get; }

        /// <summary>
        /// For two sibling members of <c>this</c> (<see cref="SameClassNesting.AreSiblingsOfThis"/>): the pair, judged
        /// with the whole program (LD0001 when some code of the owner nests it the other way round), not here.
        /// </summary>
        public SiblingNesting? Sibling { get; }
    }

    /// <summary>Two sibling members of <c>this</c> nested in one body, kept for the whole-program judgement.</summary>
    internal sealed class SiblingNesting
    {
        public SiblingNesting(LockClass lockClass, IMethodSymbol method, string first, string second, InstancePath held, InstancePath acquired, Location location, Location? heldLocation)
        {
            Class = lockClass;
            Method = method;
            Owner = method.ContainingType?.ToDisplayString() ?? string.Empty;
            First = first;
            Second = second;
            Held = held;
            Acquired = acquired;
            Location = location;
            HeldLocation = heldLocation;
        }

        public LockClass Class { get; }

        /// <summary>The body that nests the pair.</summary>
        public IMethodSymbol Method { get; }

        /// <summary>The type whose members the two are.</summary>
        public string Owner { get; }

        /// <summary>The member held first.</summary>
        public string First { get; }

        /// <summary>The member acquired while it is held.</summary>
        public string Second { get; }

        public InstancePath Held { get; }

        public InstancePath Acquired { get; }

        /// <summary>The inner acquisition.</summary>
        public Location Location { get; }

        public Location? HeldLocation { get; }
    }
}
