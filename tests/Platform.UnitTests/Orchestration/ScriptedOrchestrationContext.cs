using Microsoft.DurableTask;
using Moq;
using Xunit;

namespace Platform.UnitTests.Orchestration;

/// <summary>
/// A strict Moq <see cref="TaskOrchestrationContext"/> for orchestrators that wait for one kind of external event under a
/// deadline timer: events and timer firings are scripted in order, activities answer through callbacks, and the timers'
/// fire times and the tokens handed to timers and event waits are recorded for assertions.
/// </summary>
public sealed class ScriptedOrchestrationContext<TEvent>
{
    private readonly Queue<Task<TEvent>> _events = new();
    private readonly Queue<Task> _timers = new();
    private readonly Mock<TaskOrchestrationContext> _context = new(MockBehavior.Strict);
    private bool _noMoreEvents;

    public ScriptedOrchestrationContext(string eventName)
    {
        _context.Setup(c => c.WaitForExternalEvent<TEvent>(eventName, It.IsAny<CancellationToken>()))
            .Returns((string _, CancellationToken token) =>
            {
                EventTokens.Add(token);
                return _events.Count > 0 ? _events.Dequeue() : new TaskCompletionSource<TEvent>().Task;
            });
        _context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime at, CancellationToken token) =>
            {
                TimerFireTimes.Add(at);
                TimerTokens.Add(token);
                return _timers.Count > 0 ? _timers.Dequeue() : new TaskCompletionSource().Task;
            });
    }

    public TaskOrchestrationContext Object => _context.Object;

    public List<DateTime> TimerFireTimes { get; } = [];

    public List<CancellationToken> TimerTokens { get; } = [];

    public List<CancellationToken> EventTokens { get; } = [];

    /// <summary>The next wait for the event receives <paramref name="raised"/> at once.</summary>
    public void Raise(TEvent raised) => _events.Enqueue(Task.FromResult(raised));

    /// <summary>The next wait for the event receives what the test sets on the returned source, when it does.</summary>
    public TaskCompletionSource<TEvent> RaiseLater()
    {
        var later = new TaskCompletionSource<TEvent>();
        _events.Enqueue(later.Task);
        return later;
    }

    /// <summary>
    /// Scripts a second kind of external event: the returned queue answers the waits for <paramref name="eventName"/> in
    /// order (enqueue completed tasks); once it is empty the waits never complete.
    /// </summary>
    public Queue<Task<TOther>> OtherEvents<TOther>(string eventName)
    {
        var queue = new Queue<Task<TOther>>();
        _context.Setup(c => c.WaitForExternalEvent<TOther>(eventName, It.IsAny<CancellationToken>()))
            .Returns((string _, CancellationToken _) => queue.Count > 0 ? queue.Dequeue() : new TaskCompletionSource<TOther>().Task);
        return queue;
    }

    /// <summary>The next timer created fires at once; timers not scripted never fire.</summary>
    public void TimerFires() => _timers.Enqueue(Task.CompletedTask);

    /// <summary>Marks that the run is expected to end without further events (sharpens the message if it hangs).</summary>
    public void NoMoreEvents() => _noMoreEvents = true;

    /// <summary>The activity <paramref name="activity"/> answers <paramref name="answer"/>(input).</summary>
    public void OnActivity<T>(string activity, Func<object?, T> answer)
        => OnActivity<T>(activity, (_, input, _) => Task.FromResult(answer(input)));

    /// <summary>The activity <paramref name="activity"/> answers with the task <paramref name="answer"/> returns (e.g. a failure).</summary>
    public void OnActivity<T>(string activity, Func<TaskName, object?, TaskOptions?, Task<T>> answer)
        => _context.Setup(c => c.CallActivityAsync<T>(new TaskName(activity), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(answer);

    /// <summary>Runs the orchestrator on this context and fails the test if it has not ended within ten seconds.</summary>
    public async Task<TResult> RunAsync<TResult>(Func<TaskOrchestrationContext, Task<TResult>> orchestrator)
    {
        var run = orchestrator(_context.Object);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == run, _noMoreEvents ? "The review should have ended without further decisions." : "The review did not end.");
        return await run;
    }
}
