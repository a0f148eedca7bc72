using System;
using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace LockDiscipline.Validation
{
    /// <summary>A saved stack trace (lockdep's <c>struct lock_trace</c>), formatted once when it is taken.</summary>
    internal sealed class Trace
    {
        // Enough to show how the program got to the lock; the bound keeps each trace small.
        public const int MaxFrames = 32;

        private static readonly Assembly s_runtime = typeof(Trace).Assembly;

        private Trace(string[] frames)
        {
            Frames = frames;
        }

        /// <summary>The frames, innermost first, as <c>Type.Method (file:line)</c>.</summary>
        public string[] Frames { get; }

        /// <summary>
        /// The caller's stack without the validator's and the primitives' own frames: the stack starts at
        /// the code that took the lock.
        /// </summary>
        public static Trace Capture()
        {
            var stack = new StackTrace(1, fNeedFileInfo: true);
            var frames = new List<string>();
            for (int i = 0; i < stack.FrameCount && frames.Count < MaxFrames; i++)
            {
                StackFrame? frame = stack.GetFrame(i);
                MethodBase? method = frame?.GetMethod();
                if (frame is null || method is null || method.DeclaringType?.Assembly == s_runtime || IsGeneratedCheck(method.DeclaringType))
                {
                    continue;
                }

                frames.Add(Format(frame, method));
            }

            return new Trace(frames.ToArray());
        }

        /// <summary>
        /// Whether the type is LockDiscipline's generated code (the interceptors that call the hooks), which
        /// says nothing about the program: marked <see cref="GeneratedCodeAttribute"/> with a LockDiscipline tool.
        /// </summary>
        private static bool IsGeneratedCheck(Type? type)
        {
            for (; type is not null; type = type.DeclaringType)
            {
                var generated = (GeneratedCodeAttribute?)Attribute.GetCustomAttribute(type, typeof(GeneratedCodeAttribute), inherit: false);
                if (generated?.Tool?.StartsWith("LockDiscipline", StringComparison.Ordinal) == true)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Format(StackFrame frame, MethodBase method)
        {
            var text = new StringBuilder();
            if (method.DeclaringType is not null)
            {
                text.Append(method.DeclaringType.FullName ?? method.DeclaringType.Name).Append('.');
            }

            text.Append(method.Name);
            string? file = frame.GetFileName();
            if (!string.IsNullOrEmpty(file))
            {
                text.Append(" (").Append(file).Append(':').Append(frame.GetFileLineNumber()).Append(')');
            }

            return text.ToString();
        }
    }
}
