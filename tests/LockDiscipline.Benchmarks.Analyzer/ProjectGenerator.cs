using System.Text;
using System.Text.RegularExpressions;

namespace LockDiscipline.Benchmarks.Analyzer;

/// <summary>What to generate. Everything is a function of these values: the same options give the same bytes.</summary>
/// <param name="PlainTypesPerModule">
/// Lock-free types added to every module (about <see cref="ProjectGenerator.PlainTypeLines"/> lines each): 0 gives the
/// dense project (a lock site per 13 lines); 20 gives about the density of real libraries (a lock site per 150 to 300 lines).
/// </param>
public sealed record GeneratorOptions(int Lines, int Seed, int TwoClassCycles, int ThreeClassCycles, int PlainTypesPerModule = 0);

/// <summary>One generated source file.</summary>
public sealed record GeneratedFile(string Path, string Text)
{
    public int LineCount => Text.Count(c => c == '\n');
}

/// <summary>A planted lock-order cycle: the lock members (as the analyzer names classes, <c>Type.member</c>) that form it.</summary>
public sealed record PlantedCycle(int Number, IReadOnlyList<string> Classes);

public sealed record GeneratedProject(IReadOnlyList<GeneratedFile> Files, IReadOnlyList<PlantedCycle> Cycles, int Types, int Modules)
{
    public int Lines => Files.Sum(f => f.LineCount);

    /// <summary>Blocking and scoped acquisitions written in the sources (lock statements, Enter/Wait/Lock/Guard/Down* calls).</summary>
    public int LockSites => Files.Sum(f => ProjectGenerator.CountLockSites(f.Text));
}

/// <summary>
/// Writes a large, realistic C# library that uses every lock kind the analyzer recognises, and is
/// clean by construction: the code is split into modules of <see cref="ProjectGenerator.ModuleSize"/>
/// types; a type only calls types after it in its own module (directly, through an interface, a
/// virtual method, a stored delegate, an event or a delegate parameter), and the last type of every
/// module calls the first type of the core module (module 0). So the call graph between types is a DAG,
/// every method takes its own type's locks in member order (the spinlock last, with nothing called
/// under it), and the lock order is the order of (type, member): no cycle, no sleeping in atomic
/// context, no thread-affine lock across an await, every access of a [GuardedBy] member under its lock.
/// Recursion (a method pair calling each other) runs with no lock held.
/// Planted cycles use lock members of their own, so each is exactly one LD0001.
/// </summary>
public static class ProjectGenerator
{
    /// <summary>Types per module: a type calls only types after it in its module, so call chains are at most this deep.</summary>
    public const int ModuleSize = 12;

    private static readonly Regex LockSite = new(
        @"\block \(|Monitor\.(Try)?Enter\(|\.EnterScope\(\)|\.Wait\(\d*\)|\.WaitAsync\(\)|\.Enter(Read|Write|UpgradeableRead)Lock\(\)|\.Lock\(\)|\.LockIrqSave\(\)|\.Guard\(\)|\.Down(Read|Write)\(\)",
        RegexOptions.Compiled);

    public static int CountLockSites(string text) => LockSite.Matches(text).Count;

    private static int CountLines(string text) => text.Count(c => c == '\n');

    public static GeneratedProject Generate(GeneratorOptions options)
    {
        // Whole modules until the line target is reached: a type's forward targets must all exist.
        var files = new List<GeneratedFile>();
        var module = 0;
        var lines = 0;
        var plans = new List<TypePlan>();
        while (lines < options.Lines || module == 0)
        {
            var modulePlans = PlanModule(options, module);
            plans.AddRange(modulePlans);
            foreach (var plan in modulePlans)
            {
                // The planted members are added later: they are a few lines each.
                lines += CountLines(Usings + TypeBody(plan));
            }

            lines += CountLines(Usings + RegistryBody(module)) + CountLines(Usings + CompositionBody(module, modulePlans));
            for (var plain = 0; plain < options.PlainTypesPerModule; plain++)
            {
                lines += CountLines(Usings + PlainTypeBody(module, plain, options.PlainTypesPerModule));
            }

            module++;
        }

        var cycles = PlantCycles(options, plans);
        lines = 0;
        foreach (var group in plans.GroupBy(p => p.Module))
        {
            foreach (var plan in group)
            {
                var text = Usings + TypeBody(plan);
                files.Add(new GeneratedFile($"src/M{plan.Module:D3}/{TypeName(plan.Global)}.cs", text));
            }

            files.Add(new GeneratedFile($"src/M{group.Key:D3}/Registry.cs", Usings + RegistryBody(group.Key)));
            files.Add(new GeneratedFile($"src/M{group.Key:D3}/Composition.cs", Usings + CompositionBody(group.Key, group.ToList())));
            for (var plain = 0; plain < options.PlainTypesPerModule; plain++)
            {
                files.Add(new GeneratedFile($"src/M{group.Key:D3}/P{plain:D3}.cs", Usings + PlainTypeBody(group.Key, plain, options.PlainTypesPerModule)));
            }
        }

        return new GeneratedProject(files, cycles, plans.Count, module);
    }

    /// <summary>
    /// One document of about <paramref name="lines"/> lines made of whole types of module 1 (the
    /// IDE measurement's file), plus the rest of the project as separate documents.
    /// </summary>
    public static (GeneratedFile Document, IReadOnlyList<GeneratedFile> Others) GenerateWithLargeDocument(GeneratorOptions options, int lines)
    {
        var project = Generate(options);
        var inModule1 = project.Files.Where(f => f.Path.StartsWith("src/M001/T", StringComparison.Ordinal)).ToList();
        var taken = new List<GeneratedFile>();
        var count = 0;
        foreach (var file in inModule1)
        {
            if (count >= lines)
            {
                break;
            }

            taken.Add(file);
            count += file.LineCount;
        }

        var text = new StringBuilder(Usings);
        foreach (var file in taken)
        {
            text.Append(file.Text, Usings.Length, file.Text.Length - Usings.Length);
        }

        var others = project.Files.Where(f => !taken.Contains(f)).ToList();
        return (new GeneratedFile("src/M001/Large.cs", text.ToString()), others);
    }

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using LockDiscipline;

        """;

    private sealed class TypePlan
    {
        public int Global;
        public int Module;
        public int Rank;
        public int? Next;
        public int? Service;
        public int? Base;
        public bool CallbackToService;
        public List<string> ExtraMembers { get; } = new();
        public bool Planted;
    }

    private static string TypeName(int global) => $"T{global:D5}";

    private static string Qualified(TypePlan from, int global, int moduleSize, string prefix = "T")
        => global / moduleSize == from.Module ? $"{prefix}{global:D5}" : $"Bench.M{global / moduleSize:D3}.{prefix}{global:D5}";

    private static List<TypePlan> PlanModule(GeneratorOptions options, int module)
    {
        const int k = ModuleSize;
        var result = new List<TypePlan>();
        for (var rank = 0; rank < k; rank++)
        {
            var global = module * k + rank;
            var random = new Random(unchecked(options.Seed * 7919 + global * 104729));
            var ahead = k - 1 - rank;
            var plan = new TypePlan { Global = global, Module = module, Rank = rank };
            if (ahead >= 1)
            {
                plan.Next = global + 1;
                plan.Service = global + 1 + random.Next(Math.Min(3, ahead));
                plan.Base = global + 1 + random.Next(Math.Min(4, ahead));
                plan.CallbackToService = random.Next(2) == 0;
            }
            else if (module > 0)
            {
                // The last type of a feature module uses the core module's entry type.
                plan.Next = 0;
            }

            result.Add(plan);
        }

        return result;
    }

    private static List<PlantedCycle> PlantCycles(GeneratorOptions options, List<TypePlan> plans)
    {
        var random = new Random(options.Seed * 31 + 17);
        var cycles = new List<PlantedCycle>();
        var number = 0;
        void Plant(int length)
        {
            number++;
            var members = new List<TypePlan>();
            while (members.Count < length)
            {
                var candidate = plans[random.Next(plans.Count)];
                if (!members.Contains(candidate))
                {
                    members.Add(candidate);
                }
            }

            var classes = new List<string>();
            for (var i = 0; i < length; i++)
            {
                var self = members[i];
                var peer = members[(i + 1) % length];
                var field = $"_cycle{number}{(char)('a' + i)}";
                var peerType = Qualified(self, peer.Global, ModuleSize);
                classes.Add($"{TypeName(self.Global)}.{field}");
                self.Planted = true;
                // Each link of the cycle is interprocedural: Forward holds this type's lock and calls the
                // peer's Relay, which calls the peer's Take, which takes the peer's lock.
                var (take, forward) = (i % 3) switch
                {
                    0 => ($$"""
                            private readonly object {{field}} = new object();

                            public void Cycle{{number}}Take()
                            {
                                lock ({{field}})
                                {
                                    CycleHits++;
                                }
                            }

                        """,
                        $$"""
                            public void Cycle{{number}}Forward({{peerType}} peer)
                            {
                                lock ({{field}})
                                {
                                    peer.Cycle{{number}}Relay();
                                }
                            }

                        """),
                    1 => ($$"""
                            private readonly KMutex {{field}} = new KMutex();

                            public void Cycle{{number}}Take()
                            {
                                {{field}}.Lock();
                                CycleHits++;
                                {{field}}.Unlock();
                            }

                        """,
                        $$"""
                            public void Cycle{{number}}Forward({{peerType}} peer)
                            {
                                {{field}}.Lock();
                                peer.Cycle{{number}}Relay();
                                {{field}}.Unlock();
                            }

                        """),
                    _ => ($$"""
                            private readonly Lock {{field}} = new Lock();

                            public void Cycle{{number}}Take()
                            {
                                using ({{field}}.EnterScope())
                                {
                                    CycleHits++;
                                }
                            }

                        """,
                        $$"""
                            public void Cycle{{number}}Forward({{peerType}} peer)
                            {
                                using ({{field}}.EnterScope())
                                {
                                    peer.Cycle{{number}}Relay();
                                }
                            }

                        """),
                };
                self.ExtraMembers.Add(take);
                self.ExtraMembers.Add(forward);
                self.ExtraMembers.Add($$"""
                        public void Cycle{{number}}Relay()
                        {
                            Cycle{{number}}Take();
                        }

                    """);
            }

            cycles.Add(new PlantedCycle(number, classes));
        }

        for (var i = 0; i < options.TwoClassCycles; i++)
        {
            Plant(2);
        }

        for (var i = 0; i < options.ThreeClassCycles; i++)
        {
            Plant(3);
        }

        return cycles;
    }

    private static string TypeBody(TypePlan p)
    {
        const int k = ModuleSize;
        var name = TypeName(p.Global);
        var n = p.Global;
        var next = p.Next is { } nx ? Qualified(p, nx, k) : null;
        var service = p.Service is { } sv ? Qualified(p, sv, k, "IT") : null;
        var baseType = p.Base is { } bs ? Qualified(p, bs, k, "B") : null;
        var s = new StringBuilder();
        s.Append($$"""
            namespace Bench.M{{p.Module:D3}}
            {
                public interface IT{{n:D5}}
                {
                    int Handle(int value);

                    Task<int> HandleAsync(int value);
                }

                public abstract class B{{n:D5}}
                {
                    public abstract int Step(int value);

                    public virtual int Peek(int value)
                    {
                        return value;
                    }
                }

                /// <summary>Generated type {{n}} of module {{p.Module}}.</summary>
                public sealed class {{name}} : B{{n:D5}}, IT{{n:D5}}
                {
                    private static readonly object s_typeGate = new object();
                    private static readonly Registry<string> s_registry = new Registry<string>();
                    private static int s_instances;
                    private readonly object _gate = new object();
                    private readonly Lock _lock = new Lock();
                    private readonly SemaphoreSlim _sem = new SemaphoreSlim(1, 1);
                    private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                    private readonly KMutex _mutex = new KMutex();
                    private readonly KRwSem _rwsem = new KRwSem();
                    private readonly KSpinLock _spin = new KSpinLock();
                    private readonly List<int> _items = new List<int>();
                    private readonly Func<int, int> _callback;
                    [GuardedBy(nameof(_gate))]
                    private int _count;
                    [GuardedBy(nameof(_lock))]
                    private long _total;
                    private long _ticks;
                    private int _pending;

            """);
        if (next is not null) s.Append($"        private readonly {next} _next;\n");
        if (service is not null) s.Append($"        private readonly {service} _service;\n");
        if (baseType is not null) s.Append($"        private readonly {baseType} _base;\n");
        if (p.Planted) s.Append("        internal int CycleHits;\n");
        s.Append('\n');

        var parameters = new List<string>();
        if (next is not null) parameters.Add($"{next} next");
        if (service is not null) parameters.Add($"{service} service");
        if (baseType is not null) parameters.Add($"{baseType} @base");
        s.Append($"        public {name}({string.Join(", ", parameters)})\n        {{\n");
        if (next is not null) s.Append("            _next = next;\n");
        if (service is not null) s.Append("            _service = service;\n");
        if (baseType is not null) s.Append("            _base = @base;\n");
        if (service is not null && p.CallbackToService)
        {
            s.Append("            _callback = service.Handle;\n");
        }
        else if (next is not null)
        {
            s.Append("            _callback = next.Compute;\n");
        }
        else
        {
            s.Append("            _callback = static value => value + 1;\n");
        }

        if (next is not null) s.Append("            Changed += next.OnChanged;\n");
        s.Append("""
                        lock (s_typeGate)
                        {
                            s_instances++;
                        }
                    }

                    public event Action<int> Changed;

                    public long Total
                    {
                        get
                        {
                            lock (_lock)
                            {
                                return _total;
                            }
                        }

                        set
                        {
                            using (_lock.EnterScope())
                            {
                                _total = value;
                            }
                        }
                    }

                    public static int Instances()
                    {
                        lock (s_typeGate)
                        {
                            return s_instances;
                        }
                    }

                    public int Add(int value)
                    {
                        lock (_gate)
                        {
                            _count += value + s_registry.Get("add");
                            _items.Add(value);
                            if (value > 16)
                            {
                                lock (_lock)
                                {
                                    _total += _count;
                                }
                            }

                            return _count;
                        }
                    }

                    public override int Step(int value)
                    {
                        var result = value;
                        Monitor.Enter(_gate);
                        try
                        {
                            _count++;

            """);
        if (next is not null) s.Append("                result = _next.Compute(value + _count);\n");
        s.Append("""
                        }
                        finally
                        {
                            Monitor.Exit(_gate);
                        }

                        return result + Peek(value);
                    }

                    public int Compute(int value)
                    {
                        using (_lock.EnterScope())
                        {
                            _total += value;
                        }

                        _rw.EnterReadLock();
                        try
                        {
                            return value + _items.Count;
                        }
                        finally
                        {
                            _rw.ExitReadLock();
                        }
                    }

                    public int Handle(int value)
                    {
                        _sem.Wait();
                        try
                        {
                            _rw.EnterWriteLock();
                            try
                            {

            """);
        s.Append(service is not null ? "                    value += _service.Handle(value);\n" : "                    value += _pending;\n");
        s.Append("""
                            }
                            finally
                            {
                                _rw.ExitWriteLock();
                            }
                        }
                        finally
                        {
                            _sem.Release();
                        }

                        return value;
                    }

                    public async Task<int> HandleAsync(int value)
                    {
                        await _sem.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            await Task.Yield();
                            _rwsem.DownRead();
                            var snapshot = value + _pending;
                            _rwsem.UpRead();

            """);
        if (service is not null) s.Append("                snapshot += await _service.HandleAsync(snapshot).ConfigureAwait(false);\n");
        s.Append("""
                            return snapshot;
                        }
                        finally
                        {
                            _sem.Release();
                        }
                    }

                    public int Update(int value)
                    {
                        using (_mutex.Guard())
                        {
                            _rwsem.DownWrite();
                            var result = _callback(value);
                            _rwsem.UpWrite();
                            return result;
                        }
                    }

                    public int Poll(int value)
                    {
                        _spin.Lock();
                        _ticks += value;
                        _spin.Unlock();
                        return value;
                    }

                    public override int Peek(int value)
                    {
                        var flags = _spin.LockIrqSave();
                        var seen = _ticks;
                        _spin.UnlockIrqRestore(flags);
                        return (int)seen + value;
                    }

                    public int Forward(int value)
                    {
                        lock (_gate)
                        {
                            _count--;

            """);
        if (baseType is not null) s.Append("                value = _base.Step(value);\n");
        s.Append("""
                        }

                        return value;
                    }

                    public TResult Read<TResult>(Func<
            """);
        s.Append(name);
        s.Append("""
            , TResult> reader)
                    {
                        lock (_gate)
                        {
                            return reader(this);
                        }
                    }

                    public long Snapshot()
                    {

            """);
        s.Append(next is not null
            ? "            return Read(self => self.Total + _next.Total);\n"
            : "            return Read(self => self.Total);\n");
        s.Append("""
                    }

                    public int Walk(int depth)
                    {
                        if (depth <= 0)
                        {
                            return 0;
                        }

                        lock (_gate)
                        {
                            _count++;
                        }

                        return Visit(depth - 1) + 1;
                    }

                    public Task ScheduleAsync(int value)
                    {
                        return Task.Run(() =>
                        {
                            lock (_gate)
                            {
                                _count += value;
                            }
                        });
                    }

                    public int Sum(int value)
                    {
                        int Local(int item)
                        {
                            using (_mutex.Guard())
                            {
                                return item + _pending;
                            }
                        }

                        var sum = 0;
                        foreach (var item in _items.ToArray())
                        {
                            sum += Local(item);
                        }

                        return sum + Local(value);
                    }

                    public void Notify(int value)
                    {
                        lock (_gate)
                        {
                            _count += value;
                            Changed?.Invoke(value);
                        }
                    }

                    public void OnChanged(int value)
                    {
                        _rw.EnterWriteLock();
                        try
                        {
                            _pending += value;
                        }
                        finally
                        {
                            _rw.ExitWriteLock();
                        }
                    }

                    public bool TryBump(int value)
                    {
                        if (_sem.Wait(0))
                        {
                            try
                            {
                                _pending += value;
                                return true;
                            }
                            finally
                            {
                                _sem.Release();
                            }
                        }

                        return false;
                    }

                    private int Visit(int depth)
                    {
                        s_registry.Put("walk", depth);
                        return depth % 3 == 0 ? Walk(depth - 1) : Walk(depth - 2);
                    }

            """);
        foreach (var extra in p.ExtraMembers)
        {
            s.Append(extra);
        }

        s.Append("    }\n}\n");
        return s.ToString();
    }

    /// <summary>About how many lines <see cref="PlainTypeBody"/> writes.</summary>
    public const int PlainTypeLines = 200;

    /// <summary>
    /// A lock-free type, as most of a real library is: computations on its own state and the BCL (bodies the
    /// analyzer can skip), calls to the next plain type of the module (lock-free, but kept for the call graph),
    /// and iterations and lambdas (which the analyzer flows). It takes no lock and calls no locking type, so the
    /// project's lock order and its planted cycles are those of the dense types alone.
    /// </summary>
    private static string PlainTypeBody(int module, int index, int count)
    {
        var next = index + 1 < count ? $"P{index + 1:D3}" : null;
        var forward = next is null ? "return seed * 3 + 1;" : $"return new {next}().Score(seed + 1) + Mix(seed);";
        var chain = next is null ? "return text.Length;" : $"var other = new {next}();\n            other.Append(text);\n            return other.Count + Normalize(text).Length;";
        return $$"""
        namespace Bench.M{{module:D3}}.Plain
        {
            /// <summary>Lock-free code of module {{module}}: no lock, no locking type called.</summary>
            public sealed class P{{index:D3}}
            {
                private readonly List<string> _lines = new List<string>();
                private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
                private int _total;
                private string _name = "p{{index}}";

                public int Count => _lines.Count;

                public string Name
                {
                    get => _name;
                    set => _name = string.IsNullOrWhiteSpace(value) ? "p{{index}}" : value.Trim();
                }

                public int Total => _total;

                public void Append(string text)
                {
                    if (text is null)
                    {
                        throw new ArgumentNullException(nameof(text));
                    }

                    _lines.Add(text);
                    _total += text.Length;
                    _counts[text] = _counts.TryGetValue(text, out var seen) ? seen + 1 : 1;
                }

                public static int Mix(int seed)
                {
                    var value = seed;
                    for (var i = 0; i < 16; i++)
                    {
                        value = unchecked(value * 31 + i);
                        value ^= value >> 7;
                        if (value < 0)
                        {
                            value = -value;
                        }
                    }

                    return value % 1000;
                }

                public static string Normalize(string text)
                {
                    if (string.IsNullOrEmpty(text))
                    {
                        return string.Empty;
                    }

                    var trimmed = text.Trim();
                    var lower = trimmed.ToLowerInvariant();
                    return lower.Length > 64 ? lower.Substring(0, 64) : lower;
                }

                public static string Describe(object value)
                {
                    try
                    {
                        return value switch
                        {
                            null => "null",
                            int number when number < 0 => "negative " + (-number).ToString(),
                            int number => "number " + number.ToString(),
                            string text => "text of " + text.Length.ToString() + " characters",
                            _ => value.GetType().Name,
                        };
                    }
                    catch (InvalidOperationException exception)
                    {
                        return exception.Message;
                    }
                }

                public static double Average(int[] values)
                {
                    if (values.Length == 0)
                    {
                        return 0;
                    }

                    long sum = 0;
                    for (var i = 0; i < values.Length; i++)
                    {
                        sum += values[i];
                    }

                    return (double)sum / values.Length;
                }

                public int Score(int seed)
                {
                    if (seed > 64)
                    {
                        return seed;
                    }

                    {{forward}}
                }

                public int Forward(string text)
                {
                    {{chain}}
                }

                public int Longest()
                {
                    var longest = 0;
                    foreach (var line in _lines)
                    {
                        if (line.Length > longest)
                        {
                            longest = line.Length;
                        }
                    }

                    return longest;
                }

                public List<string> Matching(string prefix)
                {
                    var result = new List<string>();
                    _lines.ForEach(line =>
                    {
                        if (line.StartsWith(prefix, StringComparison.Ordinal))
                        {
                            result.Add(line);
                        }
                    });
                    return result;
                }

                public string Summary()
                {
                    var text = $"{Name}: {Count} lines, {Total} characters, average {Average(new[] { Count, Total }):F1}";
                    return Normalize(text) + " " + Describe(Mix(Total));
                }

                public int Frequency(string text)
                    => _counts.TryGetValue(Normalize(text), out var count) ? count : 0;

                public void Clear()
                {
                    _lines.Clear();
                    _counts.Clear();
                    _total = 0;
                }

                public static int Clamp(int value, int low, int high)
                {
                    if (low > high)
                    {
                        throw new ArgumentException("low is above high", nameof(low));
                    }

                    return value < low ? low : value > high ? high : value;
                }

                public static string Join(string[] parts, char separator)
                {
                    var length = 0;
                    for (var i = 0; i < parts.Length; i++)
                    {
                        length += parts[i].Length + 1;
                    }

                    var builder = new System.Text.StringBuilder(length);
                    for (var i = 0; i < parts.Length; i++)
                    {
                        if (i > 0)
                        {
                            builder.Append(separator);
                        }

                        builder.Append(parts[i]);
                    }

                    return builder.ToString();
                }
            }
        }

        """;
    }

    private static string RegistryBody(int module) => $$"""
        namespace Bench.M{{module:D3}}
        {
            /// <summary>A generic leaf used by every type of the module under their own locks.</summary>
            public sealed class Registry<TKey>
            {
                private readonly object _sync = new object();
                private readonly KMutex _sizeLock = new KMutex();
                private readonly Dictionary<TKey, int> _map = new Dictionary<TKey, int>();
                private int _size;

                public int Size
                {
                    get
                    {
                        _sizeLock.Lock();
                        var size = _size;
                        _sizeLock.Unlock();
                        return size;
                    }
                }

                public int Get(TKey key)
                {
                    lock (_sync)
                    {
                        return _map.TryGetValue(key, out var value) ? value : 0;
                    }
                }

                public void Put(TKey key, int value)
                {
                    lock (_sync)
                    {
                        _map[key] = value;
                    }

                    _sizeLock.Lock();
                    _size++;
                    _sizeLock.Unlock();
                }
            }
        }

        """;

    private static string CompositionBody(int module, List<TypePlan> plans)
    {
        var s = new StringBuilder();
        s.Append($"namespace Bench.M{module:D3}\n{{\n    public static class Composition\n    {{\n");
        s.Append(module == 0
            ? $"        public static {TypeName(plans[0].Global)} Build()\n        {{\n"
            : $"        public static {TypeName(plans[0].Global)} Build(Bench.M000.T00000 core)\n        {{\n");
        for (var i = plans.Count - 1; i >= 0; i--)
        {
            var p = plans[i];
            var arguments = new List<string>();
            if (p.Next is { } next) arguments.Add(next / ModuleSize == module ? $"t{next}" : "core");
            if (p.Service is { } service) arguments.Add($"t{service}");
            if (p.Base is { } @base) arguments.Add($"t{@base}");
            s.Append($"            var t{p.Global} = new {TypeName(p.Global)}({string.Join(", ", arguments)});\n");
        }

        s.Append($"            return t{plans[0].Global};\n        }}\n    }}\n}}\n");
        return s.ToString();
    }
}
