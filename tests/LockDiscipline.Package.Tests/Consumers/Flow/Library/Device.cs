using LockDiscipline;

namespace Flow.Library
{
    /// <summary>Kernel-style code: two mutexes, always taken in one order.</summary>
    public sealed class Device
    {
        private readonly KMutex _configMutex = new KMutex();
        private readonly KMutex _statsMutex = new KMutex();
        private int _generation;

        /// <summary>How many lock classes the runtime checks have seen in this process: none without generated checks.</summary>
        public static int ValidatedLockClasses => Lockdep.Statistics.Classes;

        public int Reconfigure()
        {
            _configMutex.Lock();
            _statsMutex.Lock();
            _generation++;
            _statsMutex.Unlock();
            _configMutex.Unlock();
            return _generation;
        }
    }
}
