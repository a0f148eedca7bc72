using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace LockDiscipline.Validation
{
    /// <summary>Builds report text in lockdep's layout and words, lines ending in <c>\n</c>.</summary>
    internal sealed class ReportText
    {
        /// <summary>What lockdep's <c>print_kernel_ident</c> prints: here the validator's version and the runtime.</summary>
        internal static readonly string Ident = "LockDiscipline " + VersionOf(typeof(ReportText).Assembly) + " " + RuntimeInformation.FrameworkDescription;

        private readonly StringBuilder _text = new StringBuilder();

        public ReportText Line(string text = "")
        {
            _text.Append(text).Append('\n');
            return this;
        }

        public ReportText Append(string text)
        {
            _text.Append(text);
            return this;
        }

        /// <summary>The boxed headline of a lockdep warning.</summary>
        public ReportText Header(string title)
        {
            return Line(new string('=', title.Length)).Line(title).Line(Ident).Line(new string('-', title.Length));
        }

        /// <summary>
        /// lockdep's <c>print_lock_name</c>, with its leading space: <c> (name){usage}-{wait:wait}</c> for the
        /// kernel-style locks. A plain C# lock has no IRQ usage or kernel wait type to show, so it is named
        /// with its C# type instead: <c> (Cache._items, Monitor)</c>.
        /// </summary>
        public static string ClassName(LockClass cls) => CSharpType(cls.Kind) is { } type
            ? " (" + cls.DisplayName + ", " + type + ")"
            : " (" + cls.DisplayName + "){" + Usage.Chars(cls.UsageMask) + "}-{" + cls.WaitType + ":" + cls.WaitType + "}";

        /// <summary>lockdep's <c>print_lock</c>: a held lock and where it was taken.</summary>
        public ReportText Lock(in HeldLock held)
        {
            return Line(ClassName(held.Class).Substring(1) + ", at: " + held.Site);
        }

        /// <summary>lockdep's <c>lockdep_print_held_locks</c>, the flow's semaphores first.</summary>
        public ReportText HeldLocks(string thread, IReadOnlyList<HeldLock> held)
        {
            if (held.Count == 0)
            {
                return Line("no locks held by " + thread + ".");
            }

            Line(held.Count + (held.Count > 1 ? " locks" : " lock") + " held by " + thread + ":");
            for (int i = 0; i < held.Count; i++)
            {
                Append(" #" + i + ": ").Lock(held[i]);
            }

            return this;
        }

        /// <summary>A saved site and its stack, each line indented.</summary>
        public ReportText Trace(LockSite site, Trace? trace, int indent)
        {
            string pad = new string(' ', indent);
            Line(pad + site);
            if (trace is not null)
            {
                foreach (string frame in trace.Frames)
                {
                    Line(pad + frame);
                }
            }

            return this;
        }

        /// <summary>lockdep's closing <c>dump_stack</c>, when stack traces are on.</summary>
        public ReportText Backtrace(Trace? current)
        {
            if (current is null)
            {
                return this;
            }

            Line().Line("stack backtrace:");
            foreach (string frame in current.Frames)
            {
                Line(" " + frame);
            }

            return this;
        }

        /// <summary>lockdep's <c>print_lock_class_header</c>: a class and the sites of its IRQ usages.</summary>
        public ReportText ClassHeader(LockClass cls, int depth)
        {
            string pad = new string(' ', depth);
            Line(pad + "->" + ClassName(cls) + " {");
            for (int bit = 0; bit < Usage.TraceStates; bit++)
            {
                if ((cls.UsageMask & (1 << bit)) != 0)
                {
                    Line(pad + "   " + Usage.Name(bit) + " at:");
                    Trace(cls.UsageSites[bit], cls.UsageTraces[bit], depth + 5);
                }
            }

            return Line(pad + " }");
        }

        /// <summary>A "Possible unsafe locking scenario" with one CPU and an interrupt.</summary>
        public ReportText InterruptScenario(LockClass cls)
        {
            return Line(" Possible unsafe locking scenario:")
                .Line()
                .Line("       CPU0")
                .Line("       ----")
                .Line("  lock(" + cls.DisplayName + ");")
                .Line("  <Interrupt>")
                .Line("    lock(" + cls.DisplayName + ");")
                .Line()
                .Line(" *** DEADLOCK ***")
                .Line();
        }

        /// <summary>lockdep's <c>print_irq_lock_scenario</c>.</summary>
        public ReportText IrqScenario(LockClass safe, LockClass middle, LockClass unsafeClass)
        {
            if (middle != unsafeClass)
            {
                Line("Chain exists of:").Line("  " + safe.DisplayName + " --> " + middle.DisplayName + " --> " + unsafeClass.DisplayName).Line();
            }

            return Line(" Possible interrupt unsafe locking scenario:")
                .Line()
                .Line("       CPU0                    CPU1")
                .Line("       ----                    ----")
                .Line("  lock(" + unsafeClass.DisplayName + ");")
                .Line("                               local_irq_disable();")
                .Line("                               lock(" + safe.DisplayName + ");")
                .Line("                               lock(" + middle.DisplayName + ");")
                .Line("  <Interrupt>")
                .Line("    lock(" + safe.DisplayName + ");")
                .Line()
                .Line(" *** DEADLOCK ***")
                .Line();
        }

        public override string ToString() => _text.ToString();

        /// <summary>The C# type of a plain C# lock class, as its user wrote it; null for the kernel-style kinds.</summary>
        private static string? CSharpType(LockClassKind kind) => kind switch
        {
            LockClassKind.Monitor => "Monitor",
            LockClassKind.ThreadingLock => "Lock",
            LockClassKind.SemaphoreSlim => "SemaphoreSlim",
            LockClassKind.ReaderWriterLockSlim => "ReaderWriterLockSlim",
            _ => null,
        };

        private static string VersionOf(Assembly assembly)
        {
            Version? version = assembly.GetName().Version;
            return version is null ? "0.0.0" : version.Major + "." + version.Minor + "." + version.Build;
        }
    }
}
