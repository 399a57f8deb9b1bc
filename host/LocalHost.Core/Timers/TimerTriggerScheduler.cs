using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;
using Platform.LocalHost.Configuration;
using Platform.LocalHost.Discovery;

namespace Platform.LocalHost.Timers;

/// <summary>
/// Runs one timer-triggered function on its schedule in UTC: a six-field NCrontab expression (seconds first), as the
/// Functions timer extension uses, or a TimeSpan interval; %Setting% expressions are resolved; RunOnStartup honoured.
/// A failing invocation is logged and the schedule goes on.
/// </summary>
public sealed class TimerTriggerScheduler : BackgroundService
{
    private readonly FunctionDescriptor _function;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimerSchedule _schedule;
    private readonly bool _runOnStartup;

    /// <summary>The longest single wait; see <see cref="DelayUntilAsync"/>.</summary>
    public static readonly TimeSpan MaxDelayStep = TimeSpan.FromDays(1);

    public TimerTriggerScheduler(FunctionDescriptor function, IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger logger)
    {
        _function = function;
        _services = services;
        _time = time;
        _logger = logger;
        var trigger = (TimerTriggerAttribute)function.Trigger;
        _schedule = TimerSchedules.Parse(SettingsLoader.Resolve(trigger.Schedule, configuration), function.Name);
        _runOnStartup = trigger.RunOnStartup;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTime? last = null;
        if (_runOnStartup)
        {
            last = _time.GetUtcNow().UtcDateTime;
            await InvokeAsync(last, _schedule.NextAfter(last.Value), isPastDue: false, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = _schedule.NextAfter(_time.GetUtcNow().UtcDateTime);
            try
            {
                await DelayUntilAsync(next, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var firedAt = _time.GetUtcNow().UtcDateTime;
            await InvokeAsync(last, _schedule.NextAfter(next), isPastDue: firedAt - next > TimeSpan.FromSeconds(1), stoppingToken);
            last = next;
        }
    }

    /// <summary>
    /// Waits until <paramref name="dueUtc"/>. A timer cannot wait longer than about 49.7 days at once (Task.Delay throws),
    /// and a yearly schedule (e.g. early March) is further away than that, so the wait goes in steps of at most a day.
    /// </summary>
    private async Task DelayUntilAsync(DateTime dueUtc, CancellationToken stoppingToken)
    {
        while (dueUtc - _time.GetUtcNow().UtcDateTime is var remaining && remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining < MaxDelayStep ? remaining : MaxDelayStep, _time, stoppingToken);
        }
    }

    private async Task InvokeAsync(DateTime? last, DateTime next, bool isPastDue, CancellationToken stoppingToken)
    {
        var info = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus { Last = last ?? DateTime.MinValue, Next = next, LastUpdated = _time.GetUtcNow().UtcDateTime },
        };
        try
        {
            await FunctionInvoker.InvokeAsync(_function, _services, binding => binding.Source switch
            {
                ParameterSource.Trigger => info,
                ParameterSource.CancellationToken => stoppingToken,
                ParameterSource.DurableClient => _services.GetRequiredService<DurableTaskClient>(),
                _ => throw new InvalidOperationException($"Parameter source {binding.Source} is not valid for a timer function."),
            });
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            _logger.LogError(e, "Timer function {Function} failed; the schedule continues.", _function.Name);
        }
    }
}

public interface ITimerSchedule
{
    DateTime NextAfter(DateTime utc);
}

public static class TimerSchedules
{
    public static ITimerSchedule Parse(string expression, string functionName)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 6)
        {
            var cron = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
            if (cron is not null)
            {
                return new CronSchedule(cron);
            }
        }
        else if (fields.Length == 1 && TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new IntervalSchedule(interval);
        }

        throw new FunctionBindingException(
            $"Timer function '{functionName}' has schedule '{expression}', which is neither a six-field NCrontab expression (second minute hour day month day-of-week) nor a positive TimeSpan.");
    }

    private sealed class CronSchedule(CrontabSchedule schedule) : ITimerSchedule
    {
        public DateTime NextAfter(DateTime utc) => DateTime.SpecifyKind(schedule.GetNextOccurrence(utc), DateTimeKind.Utc);
    }

    private sealed class IntervalSchedule(TimeSpan interval) : ITimerSchedule
    {
        public DateTime NextAfter(DateTime utc) => utc + interval;
    }
}
