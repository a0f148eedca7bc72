using System.Collections.Generic;

namespace LockDiscipline
{
    /// <summary>One problem found by the lock validator, with its text in lockdep's layout.</summary>
    public sealed class LockdepReport
    {
        internal LockdepReport(LockdepReportKind kind, string title, string text, IReadOnlyList<string> classes, string threadName, int threadId)
        {
            Kind = kind;
            Title = title;
            Text = text;
            Classes = classes;
            ThreadName = threadName;
            ThreadId = threadId;
        }

        /// <summary>The kind of problem.</summary>
        public LockdepReportKind Kind { get; }

        /// <summary>The headline, for example <c>WARNING: possible circular locking dependency detected</c>.</summary>
        public string Title { get; }

        /// <summary>The whole report, lines separated by <c>\n</c>, in lockdep's layout.</summary>
        public string Text { get; }

        /// <summary>The names of the lock classes the problem is about, the lock being acquired or released first.</summary>
        public IReadOnlyList<string> Classes { get; }

        /// <summary>The name of the thread that found the problem, as the report prints it.</summary>
        public string ThreadName { get; }

        /// <summary>The managed id of the thread that found the problem.</summary>
        public int ThreadId { get; }

        /// <summary>The whole report (<see cref="Text"/>).</summary>
        /// <returns>The text.</returns>
        public override string ToString() => Text;
    }
}
