namespace LockDiscipline.Validation
{
    /// <summary>
    /// A lock class's usage bits, numbered as lockdep numbers them: bit 0 of a bit's number is "read",
    /// bit 1 is "IRQs enabled" (otherwise "used in the IRQ"), the rest is the IRQ kind.
    /// </summary>
    internal static class Usage
    {
        public const int UsedInHardIrq = 0;
        public const int UsedInHardIrqRead = 1;
        public const int EnabledHardIrq = 2;
        public const int EnabledHardIrqRead = 3;
        public const int UsedInSoftIrq = 4;
        public const int UsedInSoftIrqRead = 5;
        public const int EnabledSoftIrq = 6;
        public const int EnabledSoftIrqRead = 7;
        public const int Used = 8;
        public const int UsedRead = 9;

        /// <summary>What an exclusive acquisition with hard and soft IRQs enabled shows, outside IRQ handlers.</summary>
        public const int UsedWithIrqsEnabled = (1 << Used) | (1 << EnabledHardIrq) | (1 << EnabledSoftIrq);

        /// <summary>The same for a shared acquisition.</summary>
        public const int UsedReadWithIrqsEnabled = (1 << UsedRead) | (1 << EnabledHardIrqRead) | (1 << EnabledSoftIrqRead);

        /// <summary>The bits that record IRQ usage and keep the site where they were first set.</summary>
        public const int TraceStates = 8;

        public const int ReadMask = 1;
        public const int DirMask = 2;

        /// <summary>Every used-in-IRQ bit, read or not (<c>LOCKF_USED_IN_IRQ_ALL</c>).</summary>
        public const int UsedInIrqAll = (1 << UsedInHardIrq) | (1 << UsedInHardIrqRead) | (1 << UsedInSoftIrq) | (1 << UsedInSoftIrqRead);

        /// <summary>Every IRQs-enabled bit, read or not (<c>LOCKF_ENABLED_IRQ_ALL</c>).</summary>
        public const int EnabledIrqAll = (1 << EnabledHardIrq) | (1 << EnabledHardIrqRead) | (1 << EnabledSoftIrq) | (1 << EnabledSoftIrqRead);

        /// <summary>The IRQ bits of exclusive use (<c>LOCKF_IRQ</c>).</summary>
        public const int IrqWrite = (1 << UsedInHardIrq) | (1 << EnabledHardIrq) | (1 << UsedInSoftIrq) | (1 << EnabledSoftIrq);

        /// <summary>The IRQ bits of read use (<c>LOCKF_IRQ_READ</c>).</summary>
        public const int IrqRead = (1 << UsedInHardIrqRead) | (1 << EnabledHardIrqRead) | (1 << UsedInSoftIrqRead) | (1 << EnabledSoftIrqRead);

        private static readonly string[] s_names =
        {
            "IN-HARDIRQ-W", "IN-HARDIRQ-R", "HARDIRQ-ON-W", "HARDIRQ-ON-R",
            "IN-SOFTIRQ-W", "IN-SOFTIRQ-R", "SOFTIRQ-ON-W", "SOFTIRQ-ON-R",
            "INITIAL USE", "INITIAL READ USE",
        };

        /// <summary>The bit's name in reports, for example <c>HARDIRQ-ON-W</c>.</summary>
        public static string Name(int bit) => s_names[bit];

        /// <summary>The IRQ kind of a bit as reports name it: <c>HARDIRQ</c>, <c>SOFTIRQ-READ</c> and so on.</summary>
        public static string StateName(int bit)
        {
            string state = (bit >> 2) == 0 ? "HARDIRQ" : "SOFTIRQ";
            return (bit & ReadMask) != 0 ? state + "-READ" : state;
        }

        /// <summary>The bit that conflicts with <paramref name="bit"/>: same IRQ kind, other direction, not read.</summary>
        public static int ExclusiveBit(int bit) => (bit & ~3) | ((bit & DirMask) ^ DirMask);

        /// <summary>Swaps used-in and enabled bits.</summary>
        private static int InvertDirection(int mask) => ((mask & EnabledIrqAll) >> DirMask) | ((mask & UsedInIrqAll) << DirMask);

        /// <summary>The usages that conflict with any usage in <paramref name="mask"/>, read or not (<c>exclusive_mask</c>).</summary>
        public static int ExclusiveMask(int mask)
        {
            int excl = InvertDirection(mask);
            return excl | ((excl & IrqRead) >> ReadMask) | ((excl & IrqWrite) << ReadMask);
        }

        /// <summary>
        /// Finds a pair of conflicting bits, one in <paramref name="mask"/> and one in <paramref name="exclusive"/>
        /// (<c>find_exclusive_match</c>).
        /// </summary>
        public static bool FindExclusiveMatch(int mask, int exclusive, out int bit, out int exclusiveBit)
        {
            for (bit = 0; bit < Used; bit++)
            {
                if ((mask & (1 << bit)) == 0)
                {
                    continue;
                }

                int excl = ExclusiveBit(bit);
                if ((exclusive & (1 << excl)) != 0)
                {
                    exclusiveBit = excl;
                    return true;
                }

                if ((exclusive & (1 << (excl | ReadMask))) != 0)
                {
                    exclusiveBit = excl | ReadMask;
                    return true;
                }
            }

            exclusiveBit = 0;
            return false;
        }

        /// <summary>
        /// The four usage characters of a class (<c>{+.+.}</c>): hard IRQ write and read, soft IRQ write and
        /// read; '.' unused in IRQs with IRQs off, '+' taken with the IRQ enabled, '-' used in the IRQ, '?' both.
        /// </summary>
        public static string Chars(int mask)
        {
            char[] chars = new char[4];
            chars[0] = Char(mask, UsedInHardIrq);
            chars[1] = Char(mask, UsedInHardIrqRead);
            chars[2] = Char(mask, UsedInSoftIrq);
            chars[3] = Char(mask, UsedInSoftIrqRead);
            return new string(chars);
        }

        private static char Char(int mask, int usedInBit)
        {
            bool enabled = (mask & (1 << (usedInBit + DirMask))) != 0;
            bool usedIn = (mask & (1 << usedInBit)) != 0;
            return enabled ? (usedIn ? '?' : '+') : (usedIn ? '-' : '.');
        }
    }
}
