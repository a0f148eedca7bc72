using System;
using System.Collections.Immutable;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>How a release relates to the held set.</summary>
    internal enum ReleaseBalance
    {
        Held,
        MaybeNotHeld,
        NotHeld,
    }

    /// <summary>
    /// The lockset at a program point: the held locks in acquisition order, and what is known of the
    /// boolean flags that acquisitions are tied to. Immutable; joins make uncertain what the paths
    /// disagree on.
    /// </summary>
    internal sealed class LockState : IEquatable<LockState>
    {
        private const int MaxDepth = 3;

        public static readonly LockState Empty = new LockState(ImmutableArray<HeldLock>.Empty, ImmutableArray<Fact>.Empty, 0, 0);

        private LockState(ImmutableArray<HeldLock> holds, ImmutableArray<Fact> facts, int hardIrqsOff, int softIrqsOff, ImmutableArray<FlagCopy> copies = default)
        {
            Holds = holds;
            Facts = facts;
            HardIrqsOffDepth = hardIrqsOff;
            SoftIrqsOffDepth = softIrqsOff;
            Copies = copies.IsDefault ? ImmutableArray<FlagCopy>.Empty : copies;
        }

        public ImmutableArray<HeldLock> Holds { get; }

        /// <summary>How many unmatched "hard IRQs off" switches are in effect (capped); 0 means IRQs are on.</summary>
        public int HardIrqsOffDepth { get; }

        public int SoftIrqsOffDepth { get; }

        public bool HardIrqsOff => HardIrqsOffDepth > 0;

        public bool SoftIrqsOff => SoftIrqsOffDepth > 0;

        /// <summary>Atomic context: a spinning lock is held or interrupts are off, so the thread must not sleep.</summary>
        public bool IsAtomic
        {
            get
            {
                if (HardIrqsOff || SoftIrqsOff)
                {
                    return true;
                }

                foreach (var hold in Holds)
                {
                    if (hold.Class.Spins)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>The state of a body entered with interrupts off (an IRQ handler).</summary>
        public LockState WithIrqsOff(bool hard, bool soft)
            => new LockState(Holds, Facts, hard ? 1 : HardIrqsOffDepth, soft ? 1 : SoftIrqsOffDepth, Copies);

        /// <summary><c>spin_unlock_irq</c>: hard IRQs on, however many saves are in force.</summary>
        public LockState WithHardIrqsOn() => new LockState(Holds, Facts, 0, SoftIrqsOffDepth);

        /// <summary><c>Irq.LocalIrqSave</c> and friends: switches that are not tied to a lock.</summary>
        public LockState SwitchIrqs(IrqEffect effect, bool disable)
        {
            var delta = disable ? 1 : -1;
            return effect == IrqEffect.HardIrqsOff
                ? new LockState(Holds, Facts, Clamp(HardIrqsOffDepth + delta), SoftIrqsOffDepth, Copies)
                : new LockState(Holds, Facts, HardIrqsOffDepth, Clamp(SoftIrqsOffDepth + delta), Copies);
        }

        private static int Clamp(int depth) => depth < 0 ? 0 : depth > MaxDepth ? MaxDepth : depth;

        private ImmutableArray<Fact> Facts { get; }

        /// <summary>Flag locals that hold a copy (or the negation) of another flag: <c>var b2 = b;</c>, <c>var failed = !taken;</c>.</summary>
        private ImmutableArray<FlagCopy> Copies { get; }

        public static LockState Join(LockState? a, LockState? b)
        {
            if (a is null) return b ?? Empty;
            if (b is null || a.Equals(b)) return a;

            var holds = ImmutableArray.CreateBuilder<HeldLock>(a.Holds.Length + b.Holds.Length);
            foreach (var hold in a.Holds)
            {
                var match = Find(b.Holds, hold);
                if (match < 0)
                {
                    holds.Add(hold.With(certain: false));
                    continue;
                }

                var other = b.Holds[match];
                var sameCondition = ConditionKey.AreEqual(hold.Condition, other.Condition) && hold.WhenValue == other.WhenValue;
                holds.Add(hold.With(
                    depth: Math.Max(hold.Depth, other.Depth),
                    certain: hold.Certain && other.Certain && hold.Depth == other.Depth,
                    clearCondition: !sameCondition));
            }

            foreach (var hold in b.Holds)
            {
                if (Find(a.Holds, hold) < 0)
                {
                    holds.Add(hold.With(certain: false));
                }
            }

            var facts = ImmutableArray.CreateBuilder<Fact>();
            foreach (var fact in a.Facts)
            {
                if (b.Facts.Contains(fact))
                {
                    facts.Add(fact);
                }
            }

            var copies = ImmutableArray.CreateBuilder<FlagCopy>();
            foreach (var copy in a.Copies)
            {
                if (b.Copies.Contains(copy))
                {
                    copies.Add(copy);
                }
            }

            // Interrupts count as off after the join only if they are off on both paths.
            return new LockState(holds.ToImmutable(), facts.ToImmutable(), Math.Min(a.HardIrqsOffDepth, b.HardIrqsOffDepth), Math.Min(a.SoftIrqsOffDepth, b.SoftIrqsOffDepth), copies.ToImmutable());
        }

        /// <param name="certain">False for a try-acquire: the hold is real only on the edge where its condition is confirmed.</param>
        public LockState Acquire(LockOperation operation, object? condition, bool whenValue, bool certain)
        {
            var hard = HardIrqsOffDepth + (operation.IrqEffect == IrqEffect.HardIrqsOff ? 1 : 0);
            var soft = SoftIrqsOffDepth + (operation.IrqEffect == IrqEffect.SoftIrqsOff ? 1 : 0);
            var index = IndexOf(operation.Class, operation.Mode, operation.Instance);
            if (index >= 0 && condition is null && operation.IrqEffect == IrqEffect.None && operation.Scope is null)
            {
                var existing = Holds[index];
                return new LockState(Holds.SetItem(index, existing.With(depth: Math.Min(existing.Depth + 1, MaxDepth))), Facts, HardIrqsOffDepth, SoftIrqsOffDepth, Copies);
            }

            var hold = new HeldLock(operation.Class, operation.Mode, operation.Instance, operation.Site, 1, certain, condition, whenValue, operation.IrqEffect, operation.Scope);
            return new LockState(Holds.Add(hold), condition is null ? Facts : WithoutFacts(condition), Clamp(hard), Clamp(soft), Copies);
        }

        public LockState Release(LockOperation operation, out ReleaseBalance balance, out HeldLock released)
        {
            var index = FindRelease(operation);
            if (index < 0)
            {
                balance = ReleaseBalance.NotHeld;
                released = default;
                return this;
            }

            released = Holds[index];
            balance = released.Certain ? ReleaseBalance.Held : ReleaseBalance.MaybeNotHeld;
            var holds = released.Depth > 1
                ? Holds.SetItem(index, released.With(depth: released.Depth - 1))
                : Holds.RemoveAt(index);
            return new LockState(
                holds,
                Facts,
                Clamp(HardIrqsOffDepth - (released.IrqEffect == IrqEffect.HardIrqsOff ? 1 : 0)),
                Clamp(SoftIrqsOffDepth - (released.IrqEffect == IrqEffect.SoftIrqsOff ? 1 : 0)),
                Copies);
        }

        public LockState Downgrade(LockOperation operation)
        {
            var index = IndexOf(operation.Class, LockMode.Exclusive, operation.Instance);
            return index < 0 ? this : new LockState(Holds.SetItem(index, Holds[index].With(mode: LockMode.Shared)), Facts, HardIrqsOffDepth, SoftIrqsOffDepth, Copies);
        }

        /// <summary>
        /// Releases the scoped holds whose statement does not contain <paramref name="span"/> (all of them
        /// when it is null): control has left their <c>lock</c> statement.
        /// </summary>
        public LockState LeaveScopes(Microsoft.CodeAnalysis.Text.TextSpan? span)
        {
            ImmutableArray<HeldLock>.Builder? kept = null;
            for (var i = 0; i < Holds.Length; i++)
            {
                var hold = Holds[i];
                var leaves = hold.Scope is not null && (span is null || !hold.Scope.Span.Contains(span.Value));
                if (leaves && kept is null)
                {
                    kept = ImmutableArray.CreateBuilder<HeldLock>(Holds.Length);
                    for (var j = 0; j < i; j++)
                    {
                        kept.Add(Holds[j]);
                    }
                }

                if (!leaves)
                {
                    kept?.Add(hold);
                }
            }

            return kept is null ? this : new LockState(kept.ToImmutable(), Facts, HardIrqsOffDepth, SoftIrqsOffDepth, Copies);
        }

        /// <summary>The state on the edge where <paramref name="key"/> has <paramref name="value"/>; null when that edge cannot be taken.</summary>
        public LockState? Refine(object key, bool value)
        {
            key = Original(key, ref value);
            foreach (var fact in Facts)
            {
                if (ConditionKey.AreEqual(fact.Key, key) && fact.Value != value)
                {
                    return null;
                }
            }

            var holds = ImmutableArray.CreateBuilder<HeldLock>(Holds.Length);
            foreach (var hold in Holds)
            {
                if (hold.Condition is null || !ConditionKey.AreEqual(hold.Condition, key))
                {
                    holds.Add(hold);
                }
                else if (hold.WhenValue == value)
                {
                    holds.Add(hold.With(certain: true));
                }
            }

            var facts = key is ILocalSymbol ? WithoutFacts(key).Add(new Fact(key, value)) : Facts;
            return new LockState(holds.ToImmutable(), facts, HardIrqsOffDepth, SoftIrqsOffDepth, Copies);
        }

        /// <summary>
        /// An int try-acquire's result compared with a constant, on the edge where the comparison is
        /// <paramref name="equal"/>: a hold whose success value is the constant is decided by the edge; for
        /// another constant only the equal edge decides (the result is then not the success value).
        /// </summary>
        public LockState RefineComparison(object key, bool equal, Func<HeldLock, bool> constantIsSuccess)
        {
            var unused = true;
            key = Original(key, ref unused);
            var holds = ImmutableArray.CreateBuilder<HeldLock>(Holds.Length);
            foreach (var hold in Holds)
            {
                if (hold.Condition is null || !ConditionKey.AreEqual(hold.Condition, key))
                {
                    holds.Add(hold);
                }
                else if (constantIsSuccess(hold))
                {
                    if (hold.WhenValue == equal)
                    {
                        holds.Add(hold.With(certain: true));
                    }
                }
                else if (!equal)
                {
                    holds.Add(hold);
                }
            }

            return new LockState(holds.ToImmutable(), Facts, HardIrqsOffDepth, SoftIrqsOffDepth, Copies);
        }

        /// <summary>Whether some hold is tied to <paramref name="key"/> (or to the flag it is a copy of).</summary>
        public bool IsCondition(object key)
        {
            var unused = true;
            key = Original(key, ref unused);
            foreach (var hold in Holds)
            {
                if (hold.Condition is { } condition && ConditionKey.AreEqual(condition, key))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Ties a try-acquire's hold to the local (or joining flow capture) its result is stored in; with
        /// <paramref name="negate"/>, to its negation (<c>b = !b</c>, <c>var failed = !TryLock()</c>).
        /// </summary>
        public LockState Rebind(object from, object to, bool negate = false)
        {
            var holds = Holds;
            for (var i = 0; i < holds.Length; i++)
            {
                if (holds[i].Condition is { } condition && ConditionKey.AreEqual(condition, from))
                {
                    holds = holds.SetItem(i, holds[i].With(condition: to, whenValue: holds[i].WhenValue ^ negate));
                }
            }

            // Copies of the old value of `to` no longer copy it; copies of `b` after `b = !b` copy its negation.
            var copies = Copies;
            for (var i = copies.Length - 1; i >= 0; i--)
            {
                if (ConditionKey.AreEqual(copies[i].Copy, to) || (ConditionKey.AreEqual(copies[i].Original, to) && !ConditionKey.AreEqual(from, to)))
                {
                    copies = copies.RemoveAt(i);
                }
                else if (negate && ConditionKey.AreEqual(copies[i].Original, to))
                {
                    copies = copies.SetItem(i, new FlagCopy(copies[i].Copy, to, copies[i].Negated));
                }
            }

            var facts = WithoutFacts(to);
            if (ConditionKey.AreEqual(from, to))
            {
                foreach (var fact in Facts)
                {
                    if (ConditionKey.AreEqual(fact.Key, to))
                    {
                        facts = facts.Add(new Fact(to, fact.Value ^ negate));
                    }
                }
            }

            return new LockState(holds, facts, HardIrqsOffDepth, SoftIrqsOffDepth, copies);
        }

        /// <summary><c>var b2 = b;</c> (or <c>= !b</c>): <paramref name="copy"/> now says what <paramref name="original"/> says.</summary>
        public LockState CopyFlag(ILocalSymbol copy, object original, bool negated)
        {
            original = Original(original, ref negated);
            var state = Assign(copy, constant: null);
            return new LockState(state.Holds, state.Facts, HardIrqsOffDepth, SoftIrqsOffDepth, state.Copies.Add(new FlagCopy(copy, original, !negated)));
        }

        /// <summary>
        /// <c>last = next;</c> with locks held through <c>next</c>: those holds are now reached as <c>last</c>, and
        /// what was held through the old <c>last</c> has no name left. Hand-over-hand traversals rely on it:
        /// the lock taken as <c>next</c> in one iteration is the one released as <c>last</c> in the next.
        /// </summary>
        public LockState Rename(InstancePath from, InstancePath to)
        {
            var holds = Holds;
            for (var i = 0; i < holds.Length; i++)
            {
                var hold = holds[i];
                var instance = hold.Instance.IsRootedAt(to) ? InstancePath.Unknown : hold.Instance.Reroot(from, to);
                if (!instance.Equals(hold.Instance))
                {
                    holds = holds.SetItem(i, new HeldLock(hold.Class, hold.Mode, instance, hold.Site, hold.Depth, hold.Certain, hold.Condition, hold.WhenValue, hold.IrqEffect, hold.Scope));
                }
            }

            return holds == Holds ? this : new LockState(holds, Facts, HardIrqsOffDepth, SoftIrqsOffDepth, Copies);
        }

        /// <summary>A write to a flag local ends what was known about it; a constant write is a new fact.</summary>
        public LockState Assign(ILocalSymbol local, bool? constant)
        {
            var holds = Holds;
            for (var i = 0; i < holds.Length; i++)
            {
                if (holds[i].Condition is { } condition && ConditionKey.AreEqual(condition, local))
                {
                    holds = holds.SetItem(i, holds[i].With(clearCondition: true, certain: false));
                }
            }

            var facts = WithoutFacts(local);
            if (constant is { } value)
            {
                facts = facts.Add(new Fact(local, value));
            }

            // A copy of the local's old value loses what it said: the holds it named are no longer tied to it.
            var copies = Copies;
            for (var i = copies.Length - 1; i >= 0; i--)
            {
                if (ConditionKey.AreEqual(copies[i].Copy, local) || ConditionKey.AreEqual(copies[i].Original, local))
                {
                    copies = copies.RemoveAt(i);
                }
            }

            return holds == Holds && facts == Facts && copies == Copies ? this : new LockState(holds, facts, HardIrqsOffDepth, SoftIrqsOffDepth, copies);
        }

        public bool Equals(LockState? other)
        {
            if (ReferenceEquals(this, other)) return true;
            if (other is null || other.Holds.Length != Holds.Length || other.Facts.Length != Facts.Length || other.Copies.Length != Copies.Length) return false;
            if (other.HardIrqsOffDepth != HardIrqsOffDepth || other.SoftIrqsOffDepth != SoftIrqsOffDepth) return false;
            for (var i = 0; i < Holds.Length; i++)
            {
                if (!Holds[i].Equals(other.Holds[i])) return false;
            }

            for (var i = 0; i < Facts.Length; i++)
            {
                if (!other.Facts.Contains(Facts[i])) return false;
            }

            for (var i = 0; i < Copies.Length; i++)
            {
                if (!other.Copies.Contains(Copies[i])) return false;
            }

            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as LockState);

        public override int GetHashCode()
        {
            var hash = (Holds.Length * 31) + Facts.Length + (HardIrqsOffDepth * 7) + (SoftIrqsOffDepth * 13);
            foreach (var hold in Holds)
            {
                hash = (hash * 31) + hold.GetHashCode();
            }

            return hash;
        }

        private int IndexOf(LockClass lockClass, LockMode mode, InstancePath instance)
        {
            for (var i = 0; i < Holds.Length; i++)
            {
                var hold = Holds[i];
                if (hold.Class.Equals(lockClass) && hold.Mode == mode && hold.Instance.Equals(instance))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The newest hold a release matches: same class and mode, and the same instance when both are known.</summary>
        private int FindRelease(LockOperation operation)
        {
            var fallback = -1;
            for (var i = Holds.Length - 1; i >= 0; i--)
            {
                var hold = Holds[i];
                if (!hold.Class.IsReleasedBy(operation.Class) || (hold.Mode != operation.Mode && operation.Class.Primitive != LockPrimitive.KLockMap))
                {
                    continue;
                }

                if (hold.Instance.Equals(operation.Instance))
                {
                    return i;
                }

                if (fallback < 0 && (!hold.Instance.IsKnown || !operation.Instance.IsKnown))
                {
                    fallback = i;
                }
            }

            return fallback;
        }

        private static int Find(ImmutableArray<HeldLock> holds, HeldLock hold)
        {
            for (var i = 0; i < holds.Length; i++)
            {
                if (holds[i].SameLock(hold))
                {
                    return i;
                }
            }

            return -1;
        }

        private ImmutableArray<Fact> WithoutFacts(object key)
        {
            var facts = Facts;
            for (var i = facts.Length - 1; i >= 0; i--)
            {
                if (ConditionKey.AreEqual(facts[i].Key, key))
                {
                    facts = facts.RemoveAt(i);
                }
            }

            return facts;
        }

        /// <summary>The flag a copy stands for, with <paramref name="value"/> turned into the original's value.</summary>
        private object Original(object key, ref bool value)
        {
            foreach (var copy in Copies)
            {
                if (ConditionKey.AreEqual(copy.Copy, key))
                {
                    value ^= !copy.Same;
                    return copy.Original;
                }
            }

            return key;
        }

        private readonly struct FlagCopy : IEquatable<FlagCopy>
        {
            public FlagCopy(ILocalSymbol copy, object original, bool same)
            {
                Copy = copy;
                Original = original;
                Same = same;
            }

            public ILocalSymbol Copy { get; }

            public object Original { get; }

            /// <summary>False for a negated copy (<c>var failed = !taken;</c>).</summary>
            public bool Same { get; }

            public bool Negated => !Same;

            public bool Equals(FlagCopy other) => Same == other.Same && ConditionKey.AreEqual(Copy, other.Copy) && ConditionKey.AreEqual(Original, other.Original);

            public override bool Equals(object? obj) => obj is FlagCopy other && Equals(other);

            public override int GetHashCode() => Same ? 1 : 0;
        }

        private readonly struct Fact : IEquatable<Fact>
        {
            public Fact(object key, bool value)
            {
                Key = key;
                Value = value;
            }

            public object Key { get; }

            public bool Value { get; }

            public bool Equals(Fact other) => Value == other.Value && ConditionKey.AreEqual(Key, other.Key);

            public override bool Equals(object? obj) => obj is Fact other && Equals(other);

            public override int GetHashCode() => Value ? 1 : 0;
        }
    }
}
