using System;

namespace LockDiscipline.LockModel
{
    /// <summary>
    /// Which object a lock lives in, as a path from a root the method can name: <c>this._items</c>,
    /// <c>static:T._gate</c>, <c>param:group.Mutex</c>. Two acquisitions are provably on the same
    /// instance only when both paths are known and equal; reentrancy of Monitor and Lock relies on it.
    /// </summary>
    internal readonly struct InstancePath : IEquatable<InstancePath>
    {
        private const string ThisRoot = "this";
        private const string ParameterPrefix = "param:";

        private InstancePath(string? text) => Text = text;

        public static InstancePath Unknown => default;

        public static InstancePath This => new InstancePath(ThisRoot);

        public string? Text { get; }

        public bool IsKnown => Text is not null;

        /// <summary>A path read back from its <see cref="Text"/> (a summary of another assembly); null is unknown.</summary>
        public static InstancePath FromText(string? text) => new InstancePath(text);

        public static InstancePath Static(string typeKey) => new InstancePath("static:" + typeKey);

        public static InstancePath Parameter(string name) => new InstancePath(ParameterPrefix + name);

        public static InstancePath Local(string name) => new InstancePath("local:" + name);

        public InstancePath Member(string name) => Text is null ? Unknown : new InstancePath(Text + "." + name);

        /// <summary>The parameter the path starts at (<c>group</c> for <c>param:group.Mutex</c>), or null.</summary>
        public string? ParameterName
        {
            get
            {
                if (Text is null || !Text.StartsWith(ParameterPrefix, StringComparison.Ordinal))
                {
                    return null;
                }

                var end = Text.IndexOf('.', ParameterPrefix.Length);
                return end < 0 ? Text.Substring(ParameterPrefix.Length) : Text.Substring(ParameterPrefix.Length, end - ParameterPrefix.Length);
            }
        }

        /// <summary>
        /// Rewrites a path seen inside a callee into the caller's terms: the callee's <c>this</c> is the
        /// call's receiver; static paths are the same everywhere; anything else is unknown to the caller.
        /// </summary>
        public InstancePath ThroughCall(InstancePath receiver)
        {
            if (Text is null)
            {
                return Unknown;
            }

            if (Text.StartsWith("static:", StringComparison.Ordinal))
            {
                return this;
            }

            if (Text == ThisRoot)
            {
                return receiver;
            }

            if (Text.StartsWith(ThisRoot + ".", StringComparison.Ordinal))
            {
                return receiver.Text is null ? Unknown : new InstancePath(receiver.Text + Text.Substring(ThisRoot.Length));
            }

            return Unknown;
        }

        /// <summary>This path with the root <paramref name="from"/> replaced by <paramref name="to"/>, or unchanged when it is not rooted there.</summary>
        public InstancePath Reroot(InstancePath from, InstancePath to)
        {
            if (Text is null || from.Text is null || to.Text is null || !IsRootedAt(from))
            {
                return this;
            }

            return new InstancePath(to.Text + Text.Substring(from.Text.Length));
        }

        /// <summary>The path is <paramref name="root"/> itself or a member path below it.</summary>
        public bool IsRootedAt(InstancePath root)
            => Text is not null && root.Text is not null && Text.StartsWith(root.Text, StringComparison.Ordinal)
               && (Text.Length == root.Text.Length || Text[root.Text.Length] == '.');

        public bool ProvablySameAs(InstancePath other) => Text is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

        public bool Equals(InstancePath other) => string.Equals(Text, other.Text, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is InstancePath other && Equals(other);

        public override int GetHashCode() => Text is null ? 0 : StringComparer.Ordinal.GetHashCode(Text);

        public override string ToString() => Text ?? "?";
    }
}
