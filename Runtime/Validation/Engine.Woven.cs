namespace LockDiscipline.Validation
{
    internal static partial class Engine
    {
        /// <summary>Whether this thread's held stack has the instance: a release of a lock it does not have was taken out of the validator's sight.</summary>
        internal static bool HoldsOnCurrentThread(object instance)
        {
            ThreadState ts = CurrentThread(s_state!);
            return HoldsInstance(ts.Held, ts.Depth, instance);
        }

        /// <summary>
        /// The release a <c>lock</c> statement or a scope compiles to: drops the innermost hold of the instance,
        /// if any, without a report (that release runs only when the acquisition did).
        /// </summary>
        internal static void Forget(object instance)
        {
            ThreadState ts = CurrentThread(s_state!);
            HeldLock[] held = ts.Held;
            for (int i = ts.Depth - 1; i >= 0; i--)
            {
                if (ReferenceEquals(held[i].Instance, instance))
                {
                    RemoveAt(ts, i);
                    return;
                }
            }
        }
    }
}
