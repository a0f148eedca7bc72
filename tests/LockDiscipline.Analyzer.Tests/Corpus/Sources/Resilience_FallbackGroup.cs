// cause: bug
// A resilience library's fallback group: operations go to the first healthy member; a member that
// fails hands its pending operations to the next member. The failure callback runs under the
// failing member's lock and writes to the next member, which takes its own lock. With members
// A and B, a thread failing A over to B and a thread failing B over to A (the group wraps round)
// take the two locks in opposite orders: the REAL deadlock of issue 10.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Corpus.Resilience.Fallback
{
    public sealed class PendingOperation
    {
        public PendingOperation(string name, Func<CancellationToken, Task> run) { Name = name; Run = run; }
        public string Name { get; }
        public Func<CancellationToken, Task> Run { get; }
        public TaskCompletionSource<bool> Completion { get; } = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public interface IFallbackMember
    {
        string Name { get; }
        bool IsHealthy { get; }
        void Enqueue(PendingOperation operation);
    }

    public sealed class FallbackMember : IFallbackMember
    {
        private readonly object _sync = new object();
        private readonly Queue<PendingOperation> _pending = new Queue<PendingOperation>();
        private bool _healthy = true;

        public FallbackMember(string name) { Name = name; }

        public string Name { get; }

        /// <summary>Where this member's work goes when it fails: the next member of the group, wrapping round.</summary>
        public FallbackMember? Next { get; set; }

        public bool IsHealthy { get { lock (_sync) return _healthy; } }

        public void Enqueue(PendingOperation operation)
        {
            lock (_sync) // real: LD0001/LD0003 fallback-failover-opposite-directions
            {
                _pending.Enqueue(operation);
            }
        }

        public async Task DrainAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                PendingOperation? next;
                lock (_sync)
                {
                    if (!_healthy || !_pending.TryDequeue(out next)) return;
                }

                try
                {
                    await next.Run(cancellationToken).ConfigureAwait(false);
                    next.Completion.TrySetResult(true);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    OnCompleted(next, exception);
                }
            }
        }

        /// <summary>The completion callback: runs under this member's lock and fails the work over to the next member.</summary>
        private void OnCompleted(PendingOperation failed, Exception error)
        {
            lock (_sync)
            {
                _healthy = false;
                var target = Next;
                if (target is null)
                {
                    failed.Completion.TrySetException(error);
                    return;
                }

                target.Enqueue(failed); // real: LD0001/LD0003 fallback-failover-opposite-directions
                while (_pending.TryDequeue(out var pending))
                {
                    target.Enqueue(pending); // real: LD0001/LD0003 fallback-failover-opposite-directions
                }
            }
        }

        public void Recover()
        {
            lock (_sync) _healthy = true;
        }
    }

// cause: plain
    public sealed class FallbackGroup
    {
        private readonly object _membersLock = new object();
        private readonly List<FallbackMember> _members = new List<FallbackMember>();

        public void Add(FallbackMember member)
        {
            lock (_membersLock)
            {
                if (_members.Count > 0)
                {
                    _members[_members.Count - 1].Next = member;
                }
                member.Next = _members.Count > 0 ? _members[0] : null;
                _members.Add(member);
            }
        }

        public Task ExecuteAsync(string name, Func<CancellationToken, Task> run)
        {
            var operation = new PendingOperation(name, run);
            FallbackMember? target;
            lock (_membersLock)
            {
                target = _members.Find(m => m.IsHealthy) ?? (_members.Count > 0 ? _members[0] : null);
            }

            if (target is null) throw new InvalidOperationException("The group has no members.");
            target.Enqueue(operation);
            _ = target.DrainAsync(CancellationToken.None);
            return operation.Completion.Task;
        }
    }
}
