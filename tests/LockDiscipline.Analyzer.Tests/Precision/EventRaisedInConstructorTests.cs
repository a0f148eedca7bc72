using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// Cause 1 of issue 10: an event raised in a constructor, before the new object has escaped, has no
/// subscribers yet (but those field initializers add), so its handlers do not run under the lock held there.
/// </summary>
public class EventRaisedInConstructorTests
{
    // Watcher.Replay holds the watcher lock and takes the topic lock; %CTOR% is Topic's constructor body.
    private const string Topics = """
        using System;
        sealed class Topic
        {
            readonly object _topicLock = new();
            public event Action? Opened;
            %MEMBERS%
            public Topic() { %CTOR% }
            public void Publish() { lock (_topicLock) { } }
        }
        sealed class Watcher
        {
            readonly object _watcherLock = new();
            readonly Topic _topic;
            public Watcher(Topic topic) { _topic = topic; topic.Opened += OnOpened; }
            void OnOpened() { lock (%INNER%) { } }
            public void Replay() { lock (_watcherLock) _topic.Publish(); }
        }
        """;

    private static string Source(string constructor, bool reported, string members = "")
        => Topics.Replace("%CTOR%", constructor).Replace("%MEMBERS%", members)
            .Replace("%INNER%", reported ? "{|LD0001:_watcherLock|}" : "_watcherLock");

    [Fact]
    public void EventRaisedBeforeTheObjectEscapesHasNoSubscribers()
    {
        Verify.Diagnostics(Source("lock (_topicLock) Opened?.Invoke();", reported: false));
    }

    [Fact]
    public void EventRaisedAfterThisWasHandedOutMayHaveSubscribers()
    {
        Verify.Diagnostics(Source("_ = new Watcher(this); lock (_topicLock) Opened?.Invoke();", reported: true));
    }

    [Fact]
    public void EventRaisedAfterAnInstanceMethodRanMayHaveSubscribers()
    {
        Verify.Diagnostics(Source("Subscribe(); lock (_topicLock) Opened?.Invoke();", reported: true, "void Subscribe() { _ = new Watcher(this); }"));
    }

    [Fact]
    public void EventRaisedOutsideTheConstructorHasSubscribers()
    {
        Verify.Diagnostics(Source(string.Empty, reported: true, "public void Open() { lock (_topicLock) Opened?.Invoke(); }"));
    }

    [Fact]
    public void HandlerBoundByAFieldInitializerIsSubscribedAlready()
    {
        Verify.Diagnostics("""
            using System;
            sealed class Topic
            {
                static readonly object s_topics = new(), s_audit = new();
                event Action? Opened = Audit;
                public Topic() { lock (s_topics) Opened?.Invoke(); }
                static void Audit() { lock (s_audit) { } }
                public static void Report() { lock (s_audit) lock ({|LD0001:s_topics|}) { } }
            }
            """);
    }
}
