// cause: 1
// The event is raised in the constructor, before anyone can have subscribed to this instance.
using System;

public sealed class Topic
{
    private readonly object _topicLock = new object();
    public event Action? Opened;

    public Topic()
    {
        lock (_topicLock) Opened?.Invoke();
    }

    public void Publish() { lock (_topicLock) { } }
}

public sealed class Watcher
{
    private readonly object _watcherLock = new object();
    private readonly Topic _topic;

    public Watcher(Topic topic) { _topic = topic; topic.Opened += OnOpened; }

    private void OnOpened() { lock (_watcherLock) { } }

    public void Replay() { lock (_watcherLock) _topic.Publish(); }
}
