using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// Cause 1 of issue 10: a method only this compilation calls (private, or internal with no
/// InternalsVisibleTo), and every caller passes <c>null</c> for a parameter (a constant, or a parameter
/// of its own that is always null), cannot make a call on that parameter (or invoke it as a delegate),
/// so the call adds no dependency.
/// </summary>
public class NullArgumentTests
{
    // Listener.Replay holds the listener lock and takes the bus lock; %CALLS% call StopCore.
    private const string Bus = """
        using System;
        interface IListener { void OnStopped(); }
        sealed class Bus
        {
            readonly object _busLock = new();
            %CALLS%
            private void StopCore(IListener? listener)
            {
                %WRITE%
                lock (_busLock)
                {
                    if (listener is null) return;
                    listener.OnStopped();
                }
            }
            public void Publish() { lock (_busLock) { } }
        }
        sealed class Listener : IListener
        {
            readonly object _listenerLock = new();
            readonly Bus _bus;
            public Listener(Bus bus) { _bus = bus; }
            public void OnStopped() { lock (%INNER%) { } }
            public void Replay() { lock (_listenerLock) _bus.Publish(); }
        }
        """;

    private static string Source(string calls, bool reported, string write = "")
        => Bus.Replace("%CALLS%", calls).Replace("%WRITE%", write).Replace("%INNER%", reported ? "{|LD0001:_listenerLock|}" : "_listenerLock");

    [Fact]
    public void CallOnAParameterEveryCallerPassesNullCannotRun()
    {
        Verify.Diagnostics(Source("public void Stop() => StopCore(null); public void Halt() => StopCore(default);", reported: false));
    }

    [Fact]
    public void DelegateParameterEveryCallerPassesNullIsNeverInvoked()
    {
        Verify.Diagnostics("""
            using System;
            sealed class Bus
            {
                readonly object _busLock = new();
                public void Stop() => StopCore(null);
                private void StopCore(Action? onStopped) { lock (_busLock) onStopped?.Invoke(); }
                public void Publish() { lock (_busLock) { } }
                public void Hook(Listener listener) => Bind(listener.OnStopped);
                private void Bind(Action action) { }
            }
            sealed class Listener
            {
                readonly object _listenerLock = new();
                readonly Bus _bus;
                public Listener(Bus bus) { _bus = bus; }
                public void OnStopped() { lock (_listenerLock) { } }
                public void Replay() { lock (_listenerLock) _bus.Publish(); }
            }
            """);
    }

    [Fact]
    public void OneCallerPassingAnObjectKeepsTheCall()
    {
        Verify.Diagnostics(Source("public void Stop() => StopCore(null); public void Notify(IListener listener) => StopCore(listener);", reported: true));
    }

    [Fact]
    public void ParameterWrittenInTheBodyKeepsTheCall()
    {
        Verify.Diagnostics(Source("public void Stop() => StopCore(null); public IListener? Fallback;", reported: true, write: "listener ??= Fallback;"));
    }

    [Fact]
    public void MethodAnotherAssemblyCanCallKeepsTheCall()
    {
        Verify.Diagnostics(Source("public void Stop() => StopCore(null);", reported: true)
            .Replace("private void StopCore", "public void StopCore")
            .Replace("interface IListener", "public interface IListener")
            .Replace("sealed class Bus", "public sealed class Bus"));
    }

    [Fact]
    public void PrivateMethodOfATypeNamingNoEntryPointIsAnEntryPointWithAnyArgument()
    {
        // Bus declares no non-private method: each of its methods counts as an entry point, StopCore included.
        Verify.Diagnostics("""
            interface IListener { void OnStopped(); }
            class Bus
            {
                internal static readonly object BusLock = new();
                void Stop() => StopCore(null);
                void StopCore(IListener? listener) { lock (BusLock) listener?.OnStopped(); }
            }
            class Listener : IListener
            {
                readonly object _listenerLock = new();
                public void OnStopped() { lock (_listenerLock) { } }
                public void Replay() { lock (_listenerLock) lock ({|LD0001:Bus.BusLock|}) { } }
            }
            """);
    }

    [Fact]
    public void NullForwardedThroughAnInternalMethodStillPrunes()
    {
        Verify.Diagnostics(Source("public void Stop() => Shutdown(null); internal void Shutdown(IListener? drain) => StopCore(drain);", reported: false));
    }

    [Fact]
    public void InternalMethodOfAnAssemblyShowingItsInternalsKeepsTheCall()
    {
        Verify.Diagnostics(Source("public void Stop() => StopCore(null);", reported: true)
            .Replace("private void StopCore", "internal void StopCore")
            .Replace("interface IListener", "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"Tests\")]\ninterface IListener"));
    }

    [Fact]
    public void ObjectForwardedThroughAnInternalMethodKeepsTheCall()
    {
        Verify.Diagnostics(Source("public void Stop() => Shutdown(null); public void Notify(IListener l) => Shutdown(l); internal void Shutdown(IListener? drain) => StopCore(drain);", reported: true));
    }
}
