namespace LockDiscipline.Generator.Tests.Harness;

/// <summary>
/// The engine API of notes/runtime-hooks-contract.md, implemented as a recorder: compiled into a test
/// compilation, it shadows the runtime's engine and site table (CS0436) so a test can run woven code and
/// see exactly which hooks the checked calls call, in which order, with which arguments.
/// </summary>
public static class RecordingHooks
{
    public const string Source = """
        namespace LockDiscipline.Validation
        {
            public enum LockClassKind { Mutex, SpinLock, RwSemaphore, PerCpuRwSemaphore, LockMap, Monitor, ThreadingLock, SemaphoreSlim, ReaderWriterLockSlim }

            [System.Flags]
            public enum AcquireFlags { None = 0, Read = 1, Upgradeable = 2, DisablesHardIrqs = 4, DisablesSoftIrqs = 8 }

            public enum IrqContext { HardIrq, SoftIrq }

            public readonly struct LockSite
            {
                public LockSite(string file, int line, string member) { File = file; Line = line; Member = member; }
                public string File { get; }
                public int Line { get; }
                public string Member { get; }
                public override string ToString() => File + ":" + Line + " " + Member;
            }

            // The runtime's table, read the same way, handing out this file's LockSite.
            public sealed class LockSiteTable
            {
                private readonly int[] _classIds;
                private readonly LockSite[] _sites;

                public LockSiteTable(string table, int[] classIds)
                {
                    var lines = table.Length == 0 ? new string[0] : table.Split('\n');
                    _classIds = new int[lines.Length];
                    _sites = new LockSite[lines.Length];
                    for (var i = 0; i < lines.Length; i++)
                    {
                        var fields = lines[i].Split('\t');
                        _classIds[i] = fields[1].Length == 0 ? -1 : classIds[int.Parse(fields[1])];
                        _sites[i] = new LockSite(fields[2], int.Parse(fields[3]), fields[5]);
                    }
                }

                public int ClassId(int site) => _classIds[site];

                public ref readonly LockSite Site(int site) => ref _sites[site];
            }

            public static class LockdepHooks
            {
                public static readonly System.Collections.Generic.List<string> Log = new System.Collections.Generic.List<string>();
                public static readonly System.Collections.Generic.List<string> Classes = new System.Collections.Generic.List<string>();

                /// <summary>What Release answers; the default says "held".</summary>
                public static bool ReleaseAnswer = true;

                public static readonly System.Collections.Generic.List<string> Keys = new System.Collections.Generic.List<string>();

                public static int RegisterClass(string key, string name, LockClassKind kind)
                {
                    int id = Keys.IndexOf(key);
                    if (id >= 0) return id;
                    Keys.Add(key);
                    Classes.Add(name);
                    Log.Add("RegisterClass " + key + " " + name + " " + kind);
                    return Classes.Count - 1;
                }

                public static void DeclareOrder(int firstClassId, int secondClassId, string declaredAt)
                    => Log.Add("DeclareOrder " + Classes[firstClassId] + " before " + Classes[secondClassId] + " at " + declaredAt);

                public static void Acquire(int classId, object instance, AcquireFlags flags, int subclass, in LockSite site)
                    => Log.Add("Acquire " + Classes[classId] + " " + flags + " " + subclass + Held(instance) + " @ " + site);

                public static void AcquireFailed(int classId, object instance)
                    => Log.Add("AcquireFailed " + Classes[classId]);

                public static void TryAcquired(int classId, object instance, AcquireFlags flags, int subclass, bool acquired, in LockSite site)
                    => Log.Add("TryAcquired " + Classes[classId] + " " + flags + " " + subclass + " " + acquired + " @ " + site);

                public static bool Release(int classId, object instance, in LockSite site)
                {
                    Log.Add("Release " + Classes[classId] + Held(instance) + " @ " + site);
                    return ReleaseAnswer;
                }

                public static void Downgrade(int classId, object instance, in LockSite site)
                    => Log.Add("Downgrade " + Classes[classId] + " @ " + site);

                public static void EnterIrq(IrqContext context, in LockSite site) => Log.Add("EnterIrq " + context + " @ " + site);

                public static void ExitIrq(IrqContext context) => Log.Add("ExitIrq " + context);

                public static void AssertHeld(int classId, bool shared, in LockSite site)
                    => Log.Add("AssertHeld " + Classes[classId] + " " + (shared ? "shared" : "exclusive") + " @ " + site);

                public static void AssertNotHeld(int classId, in LockSite site) => Log.Add("AssertNotHeld " + Classes[classId] + " @ " + site);

                public static void MightSleep(in LockSite site) => Log.Add("MightSleep @ " + site);

                // Whether the real lock is held at the moment of the hook, for locks that can tell.
                private static string Held(object instance)
                {
                    var property = instance.GetType().GetProperty("IsHeldByCurrentThread");
                    return property is null ? "" : " held=" + property.GetValue(instance);
                }
            }
        }
        """;
}
