using LockDiscipline;

// The control CPU takes the hotplug thread's map under cpu_hotplug_lock (the order this module's half of
// the chain in ../WholeProgram/LockOrders.cs keeps).
[assembly: LockOrder("cpu_hotplug_lock", "cpuhp_state-up")]
