using System;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>
    /// A lock in the held set at some program point. A hold is certain when every path to the point
    /// acquired it, and conditional when it exists only while a flag (the <c>lockTaken</c> local, a
    /// <c>TryEnter</c> result) has a particular value.
    /// </summary>
    internal readonly struct HeldLock : IEquatable<HeldLock>
    {
        public HeldLock(LockClass lockClass, LockMode mode, InstancePath instance, IOperation? site, int depth, bool certain, object? condition, bool whenValue, IrqEffect irqEffect = IrqEffect.None, SyntaxNode? scope = null)
        {
            IrqEffect = irqEffect;
            Scope = scope;
            Class = lockClass;
            Mode = mode;
            Instance = instance;
            Site = site;
            Depth = depth;
            Certain = certain;
            Condition = condition;
            WhenValue = whenValue;
        }

        public LockClass Class { get; }

        public LockMode Mode { get; }

        public InstancePath Instance { get; }

        /// <summary>The acquisition; null for a lock the method's contract says is held on entry.</summary>
        public IOperation? Site { get; }

        /// <summary>Reentrant acquisitions of the same instance (Monitor, Lock), capped so loops converge.</summary>
        public int Depth { get; }

        /// <summary>False when some path reaching this point did not acquire the lock.</summary>
        public bool Certain { get; }

        /// <summary>The local or try-acquire operation whose value says whether the lock was taken.</summary>
        public object? Condition { get; }

        public bool WhenValue { get; }

        /// <summary>The interrupts this acquisition switched off (<c>LockIrqSave</c>), switched back on by its release.</summary>
        public IrqEffect IrqEffect { get; }

        /// <summary>For a hold the graph does not release explicitly: the statement whose end releases it.</summary>
        public SyntaxNode? Scope { get; }

        public bool SameLock(HeldLock other) => Class.Equals(other.Class) && Mode == other.Mode && Instance.Equals(other.Instance);

        public HeldLock With(int? depth = null, bool? certain = null, object? condition = null, bool clearCondition = false, LockMode? mode = null, bool? whenValue = null)
            => new HeldLock(
                Class,
                mode ?? Mode,
                Instance,
                Site,
                depth ?? Depth,
                certain ?? Certain,
                clearCondition ? null : condition ?? Condition,
                whenValue ?? WhenValue,
                IrqEffect,
                Scope);

        public bool Equals(HeldLock other)
            => SameLock(other)
               && ReferenceEquals(Site, other.Site)
               && Depth == other.Depth
               && Certain == other.Certain
               && ConditionKey.AreEqual(Condition, other.Condition)
               && WhenValue == other.WhenValue
               && IrqEffect == other.IrqEffect;

        public override bool Equals(object? obj) => obj is HeldLock other && Equals(other);

        public override int GetHashCode() => Class.GetHashCode() ^ (Depth * 397) ^ (Certain ? 1 : 0) ^ ((int)Mode << 4);
    }

    /// <summary>
    /// Conditions are locals (compared as symbols), try-acquire operations (compared by identity), flow
    /// captures that join the arms of a conditional (compared by id), and null tests of a receiver.
    /// </summary>
    internal static class ConditionKey
    {
        public static bool AreEqual(object? a, object? b)
        {
            if (a is ISymbol symbolA && b is ISymbol symbolB)
            {
                return SymbolEqualityComparer.Default.Equals(symbolA, symbolB);
            }

            if (a is CaptureId captureA && b is CaptureId captureB)
            {
                return captureA.Equals(captureB);
            }

            if (a is NullTest testA && b is NullTest testB)
            {
                return testA.Receiver.Equals(testB.Receiver);
            }

            return ReferenceEquals(a, b);
        }
    }

    /// <summary>
    /// The condition "this receiver is null", for an acquisition made through <c>?.</c>
    /// (<c>_mutex?.WaitOne()</c>): the lock is held exactly when the receiver is not null, so a later
    /// <c>_mutex?.ReleaseMutex()</c> tests the same condition. Only receivers that cannot change between
    /// the two tests (readonly fields) get one.
    /// </summary>
    internal sealed class NullTest
    {
        public NullTest(InstancePath receiver) => Receiver = receiver;

        public InstancePath Receiver { get; }
    }
}
