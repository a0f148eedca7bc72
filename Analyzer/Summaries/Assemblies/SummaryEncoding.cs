using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Text;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Summaries.Assemblies
{
    /// <summary>
    /// The bytes of an <see cref="AssemblySummary"/>: "LDS", a version byte, a table of strings, then the
    /// classes, the files and the methods (each with its acquisitions, calls, contract classes and the
    /// delegate parameters it stores), every number a variable-length integer and every string an index
    /// into the table. The same summary always gives the same bytes. Reading treats the bytes as hostile:
    /// every count is bounded by the bytes left, every index by its table, and anything out of place stops
    /// the read with a reason instead of an exception.
    /// </summary>
    internal static class SummaryEncoding
    {
        /// <summary>The version this analyzer writes and the only one it reads; 2 added the delegate slots.</summary>
        public const byte Version = 2;

        /// <summary>Larger inputs are refused before they are decoded: no library needs this much.</summary>
        public const int MaxBytes = 16 * 1024 * 1024;

        /// <summary>At most this many locks held at one site; the lock model's own depth limits are far below.</summary>
        public const int MaxHeld = 256;

        private static readonly byte[] Magic = { (byte)'L', (byte)'D', (byte)'S' };

        public static byte[] Encode(AssemblySummary summary)
        {
            var strings = new StringTable();
            var body = new MemoryStream();
            WriteCount(body, summary.Classes.Length);
            foreach (var lockClass in summary.Classes)
            {
                WriteNumber(body, strings.IndexOf(lockClass.Key));
                WriteNumber(body, strings.IndexOf(lockClass.DisplayName));
                body.WriteByte((byte)lockClass.Primitive);
                body.WriteByte(lockClass.Reentrant ? (byte)1 : (byte)0);
                body.WriteByte((byte)lockClass.DeclaredKind);
                WriteNumber(body, lockClass.NestingBase + 1);
            }

            WriteCount(body, summary.Files.Length);
            foreach (var file in summary.Files)
            {
                WriteNumber(body, strings.IndexOf(file));
            }

            WriteCount(body, summary.Methods.Length);
            foreach (var method in summary.Methods)
            {
                WriteNumber(body, strings.IndexOf(method.DocumentationId));
                WriteCount(body, method.Acquisitions.Length);
                foreach (var acquisition in method.Acquisitions)
                {
                    WriteNumber(body, acquisition.Class);
                    body.WriteByte((byte)acquisition.Mode);
                    WriteOptional(body, strings, acquisition.Instance);
                    WriteSite(body, acquisition.Site);
                    WriteHeld(body, strings, acquisition.Held);
                }

                WriteCount(body, method.Calls.Length);
                foreach (var call in method.Calls)
                {
                    body.WriteByte((byte)call.Kind);
                    WriteNumber(body, strings.IndexOf(call.Target));
                    WriteNumber(body, call.Parameter + 1);
                    WriteOptional(body, strings, call.Receiver);
                    WriteSite(body, call.Site);
                    WriteHeld(body, strings, call.Held);
                    WriteClasses(body, call.Forwarded);
                }

                WriteClasses(body, method.HeldOnEntry);
                WriteClasses(body, method.LeftHeld);
                WriteCount(body, method.Stores.Length);
                foreach (var store in method.Stores)
                {
                    WriteNumber(body, store.Parameter);
                    WriteNumber(body, strings.IndexOf(store.Slot));
                }
            }

            var output = new MemoryStream();
            output.Write(Magic, 0, Magic.Length);
            output.WriteByte(Version);
            WriteCount(output, strings.Values.Count);
            foreach (var value in strings.Values)
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                WriteCount(output, bytes.Length);
                output.Write(bytes, 0, bytes.Length);
            }

            body.Position = 0;
            body.CopyTo(output);
            return output.ToArray();
        }

        /// <summary>The summary, or null and why the bytes are not one this analyzer can use.</summary>
        public static AssemblySummary? Decode(byte[] bytes, out string? problem)
        {
            if (bytes.Length > MaxBytes)
            {
                problem = $"its summary is {bytes.Length} bytes, more than the {MaxBytes} an analyzer reads";
                return null;
            }

            var reader = new Reader(bytes);
            var summary = reader.ReadSummary();
            problem = reader.Problem;
            return problem is null ? summary : null;
        }

        private static void WriteHeld(Stream body, StringTable strings, ImmutableArray<SummaryHeld> held)
        {
            WriteCount(body, held.Length);
            foreach (var hold in held)
            {
                WriteNumber(body, hold.Class);
                body.WriteByte((byte)hold.Mode);
                WriteOptional(body, strings, hold.Instance);
                WriteSite(body, hold.Site);
            }
        }

        /// <summary>A list of numbers: class indices, or parameter ordinals.</summary>
        private static void WriteClasses(Stream body, ImmutableArray<int> classes)
        {
            WriteCount(body, classes.Length);
            foreach (var lockClass in classes)
            {
                WriteNumber(body, lockClass);
            }
        }

        private static void WriteSite(Stream body, SummarySite site)
        {
            WriteNumber(body, site.File);
            WriteNumber(body, site.Line);
        }

        private static void WriteOptional(Stream body, StringTable strings, string? value)
            => WriteNumber(body, value is null ? 0 : strings.IndexOf(value) + 1);

        private static void WriteCount(Stream stream, int count) => WriteNumber(stream, count);

        private static void WriteNumber(Stream stream, int value)
        {
            var remaining = (uint)value;
            while (remaining >= 0x80)
            {
                stream.WriteByte((byte)(remaining | 0x80));
                remaining >>= 7;
            }

            stream.WriteByte((byte)remaining);
        }

        /// <summary>Strings in the order first used, so the table depends on the summary alone.</summary>
        private sealed class StringTable
        {
            private readonly Dictionary<string, int> _indices = new Dictionary<string, int>(StringComparer.Ordinal);

            public List<string> Values { get; } = new List<string>();

            public int IndexOf(string value)
            {
                if (!_indices.TryGetValue(value, out var index))
                {
                    index = Values.Count;
                    Values.Add(value);
                    _indices.Add(value, index);
                }

                return index;
            }
        }

        /// <summary>Reads until the first problem; after one, every read returns a harmless value and the result is discarded.</summary>
        private sealed class Reader
        {
            private readonly byte[] _bytes;
            private int _position;
            private string[] _strings = Array.Empty<string>();
            private int _classCount;
            private int _fileCount;

            public Reader(byte[] bytes) => _bytes = bytes;

            public string? Problem { get; private set; }

            public AssemblySummary? ReadSummary()
            {
                if (_bytes.Length < Magic.Length + 1 || _bytes[0] != Magic[0] || _bytes[1] != Magic[1] || _bytes[2] != Magic[2])
                {
                    Fail("its summary does not start as a LockDiscipline summary does");
                    return null;
                }

                _position = Magic.Length;
                var version = _bytes[_position++];
                if (version != Version)
                {
                    Fail($"its summary is version {version}, and this analyzer reads version {Version}; build the library and this project with one LockDiscipline version");
                    return null;
                }

                var stringCount = ReadCount();
                _strings = new string[stringCount];
                for (var i = 0; i < stringCount && Problem is null; i++)
                {
                    var length = ReadCount();
                    if (Problem is null)
                    {
                        _strings[i] = Encoding.UTF8.GetString(_bytes, _position, length);
                        _position += length;
                    }
                }

                var classes = ReadClasses();
                var files = ReadFiles();
                var methods = ReadMethods();
                if (Problem is null && _position != _bytes.Length)
                {
                    Fail($"its summary has {_bytes.Length - _position} bytes after its end");
                }

                return Problem is null ? new AssemblySummary(classes, files, methods) : null;
            }

            private ImmutableArray<SummaryClass> ReadClasses()
            {
                var count = ReadCount();
                _classCount = count;
                var classes = ImmutableArray.CreateBuilder<SummaryClass>(count);
                for (var i = 0; i < count && Problem is null; i++)
                {
                    var key = ReadString();
                    var display = ReadString();
                    var primitive = ReadEnum((int)LockPrimitive.KRwLock, "lock primitive");
                    var reentrant = ReadEnum(1, "reentrancy flag") == 1;
                    var declaredKind = ReadEnum((int)LockKind.RwLock, "lock kind");
                    var nestingBase = ReadNumber() - 1;
                    if (nestingBase >= i)
                    {
                        // Only an earlier class can be refined: no chain of bases can loop.
                        Fail($"class {i} refines class {nestingBase}, which does not come before it");
                    }

                    classes.Add(new SummaryClass(key, display, (LockPrimitive)primitive, reentrant, (LockKind)declaredKind, nestingBase));
                }

                return Problem is null ? classes.MoveToImmutable() : ImmutableArray<SummaryClass>.Empty;
            }

            private ImmutableArray<string> ReadFiles()
            {
                var count = ReadCount();
                _fileCount = count;
                var files = ImmutableArray.CreateBuilder<string>(count);
                for (var i = 0; i < count && Problem is null; i++)
                {
                    files.Add(ReadString());
                }

                return Problem is null ? files.MoveToImmutable() : ImmutableArray<string>.Empty;
            }

            private ImmutableArray<SummaryMethod> ReadMethods()
            {
                var count = ReadCount();
                var methods = ImmutableArray.CreateBuilder<SummaryMethod>(count);
                for (var i = 0; i < count && Problem is null; i++)
                {
                    var id = ReadString();
                    var acquisitionCount = ReadCount();
                    var acquisitions = ImmutableArray.CreateBuilder<SummaryAcquisition>(acquisitionCount);
                    for (var a = 0; a < acquisitionCount && Problem is null; a++)
                    {
                        acquisitions.Add(new SummaryAcquisition(ReadClass(), (LockMode)ReadEnum((int)LockMode.Upgradeable, "lock mode"), ReadOptionalString(), ReadSite(), ReadHeld()));
                    }

                    var callCount = ReadCount();
                    var calls = ImmutableArray.CreateBuilder<SummaryCall>(callCount);
                    for (var c = 0; c < callCount && Problem is null; c++)
                    {
                        calls.Add(new SummaryCall((SummaryCallKind)ReadEnum((int)SummaryCallKind.SlotDelegate, "call kind"), ReadString(), ReadNumber() - 1, ReadOptionalString(), ReadSite(), ReadHeld(), ReadNumbers()));
                    }

                    var heldOnEntry = ReadClassList();
                    var leftHeld = ReadClassList();
                    var stores = ReadStores();
                    if (Problem is null)
                    {
                        methods.Add(new SummaryMethod(id, acquisitions.MoveToImmutable(), calls.MoveToImmutable(), heldOnEntry, leftHeld, stores));
                    }
                }

                return Problem is null ? methods.MoveToImmutable() : ImmutableArray<SummaryMethod>.Empty;
            }

            private ImmutableArray<SummaryHeld> ReadHeld()
            {
                var count = ReadCount();
                if (count > MaxHeld)
                {
                    Fail($"a site holds {count} locks, more than the {MaxHeld} an analyzer reads");
                    return ImmutableArray<SummaryHeld>.Empty;
                }

                var held = ImmutableArray.CreateBuilder<SummaryHeld>(count);
                for (var i = 0; i < count && Problem is null; i++)
                {
                    held.Add(new SummaryHeld(ReadClass(), (LockMode)ReadEnum((int)LockMode.Upgradeable, "lock mode"), ReadOptionalString(), ReadSite()));
                }

                return Problem is null ? held.MoveToImmutable() : ImmutableArray<SummaryHeld>.Empty;
            }

            private ImmutableArray<SummaryStore> ReadStores()
            {
                var count = ReadCount();
                var stores = ImmutableArray.CreateBuilder<SummaryStore>(count);
                for (var i = 0; i < count && Problem is null; i++)
                {
                    stores.Add(new SummaryStore(ReadNumber(), ReadString()));
                }

                return Problem is null ? stores.MoveToImmutable() : ImmutableArray<SummaryStore>.Empty;
            }

            private ImmutableArray<int> ReadClassList()
            {
                var count = ReadCount();
                var classes = ImmutableArray.CreateBuilder<int>(count);
                for (var i = 0; i < count && Problem is null; i++)
                {
                    classes.Add(ReadClass());
                }

                return Problem is null ? classes.MoveToImmutable() : ImmutableArray<int>.Empty;
            }

            private ImmutableArray<int> ReadNumbers()
            {
                var count = ReadCount();
                var numbers = ImmutableArray.CreateBuilder<int>(count);
                for (var i = 0; i < count && Problem is null; i++)
                {
                    numbers.Add(ReadNumber());
                }

                return Problem is null ? numbers.MoveToImmutable() : ImmutableArray<int>.Empty;
            }

            private SummarySite ReadSite()
            {
                var file = ReadNumber();
                var line = ReadNumber();
                if (line > 0 && file >= _fileCount)
                {
                    Fail($"a site names file {file} of {_fileCount}");
                }

                return new SummarySite(file, line);
            }

            private int ReadClass()
            {
                var index = ReadNumber();
                if (index >= _classCount)
                {
                    Fail($"a site names class {index} of {_classCount}");
                    return 0;
                }

                return index;
            }

            private string ReadString()
            {
                var index = ReadNumber();
                if (index >= _strings.Length)
                {
                    Fail($"it names string {index} of {_strings.Length}");
                    return string.Empty;
                }

                return _strings[index];
            }

            private string? ReadOptionalString()
            {
                var index = ReadNumber();
                if (index == 0)
                {
                    return null;
                }

                if (index > _strings.Length)
                {
                    Fail($"it names string {index - 1} of {_strings.Length}");
                    return null;
                }

                return _strings[index - 1];
            }

            private int ReadEnum(int maximum, string what)
            {
                if (Problem is not null)
                {
                    return 0;
                }

                if (_position >= _bytes.Length)
                {
                    Fail("its summary is cut short");
                    return 0;
                }

                var value = _bytes[_position++];
                if (value > maximum)
                {
                    Fail($"it has an unknown {what} ({value})");
                    return 0;
                }

                return value;
            }

            /// <summary>A count of items that each take at least one byte: no more than the bytes left, so no read allocates beyond its input.</summary>
            private int ReadCount()
            {
                var count = ReadNumber();
                if (count > _bytes.Length - _position)
                {
                    Fail($"it counts {count} items with {_bytes.Length - _position} bytes left");
                    return 0;
                }

                return count;
            }

            private int ReadNumber()
            {
                if (Problem is not null)
                {
                    return 0;
                }

                var value = 0L;
                for (var shift = 0; shift < 35; shift += 7)
                {
                    if (_position >= _bytes.Length)
                    {
                        Fail("its summary is cut short");
                        return 0;
                    }

                    var next = _bytes[_position++];
                    value |= (long)(next & 0x7F) << shift;
                    if ((next & 0x80) == 0)
                    {
                        if (value > int.MaxValue)
                        {
                            break;
                        }

                        return (int)value;
                    }
                }

                Fail("it has a number out of range");
                return 0;
            }

            private void Fail(string problem)
            {
                if (Problem is null)
                {
                    Problem = problem;
                    _position = _bytes.Length;
                }
            }
        }
    }
}
