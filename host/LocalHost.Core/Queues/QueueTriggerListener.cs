using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.LocalHost.Configuration;
using Platform.LocalHost.Discovery;

namespace Platform.LocalHost.Queues;

/// <summary>
/// Runs one queue-triggered function with the Azure Functions queue extension's semantics: batches of
/// <c>batchSize</c> fetched again when in-flight work drops to <c>newBatchThreshold</c>, a message lease renewed while
/// the function runs, delete on success, retry after <c>visibilityTimeout</c> on failure, and after
/// <c>maxDequeueCount</c> failed attempts a move to <c>{queue}-poison</c>. A message is deleted only after success, so a
/// crash leaves it to reappear when its lease ends.
/// </summary>
public sealed class QueueTriggerListener : BackgroundService
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);
    private readonly FunctionDescriptor _function;
    private readonly IServiceProvider _services;
    private readonly QueuesHostOptions _queues;
    private readonly LocalHostOptions _host;
    private readonly ILogger _logger;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly QueueClient _rawPoison;
    private readonly SemaphoreSlim _completed = new(0);
    private int _inFlight;

    public QueueTriggerListener(FunctionDescriptor function, IServiceProvider services, IConfiguration configuration, QueuesHostOptions queues, LocalHostOptions host, ILogger logger)
    {
        _function = function;
        _services = services;
        _queues = queues;
        _host = host;
        _logger = logger;
        var trigger = (QueueTriggerAttribute)function.Trigger;
        QueueName = SettingsLoader.Resolve(trigger.QueueName, configuration).ToLowerInvariant();
        var clientOptions = new QueueClientOptions
        {
            MessageEncoding = queues.MessageEncoding == "base64" ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        };
        clientOptions.MessageDecodingFailed += MoveUndecodableToPoisonAsync;
        var connection = StorageConnection.Resolve(trigger.Connection, configuration);
        var service = new QueueServiceClient(connection, clientOptions);
        _queue = service.GetQueueClient(QueueName);
        _poison = service.GetQueueClient(QueueName + "-poison");
        _rawPoison = new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }).GetQueueClient(QueueName + "-poison");
    }

    public string QueueName { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        var idleDelay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (Volatile.Read(ref _inFlight) > _queues.EffectiveNewBatchThreshold)
                {
                    await _completed.WaitAsync(stoppingToken);
                }

                QueueMessage[] messages = (await _queue.ReceiveMessagesAsync(_queues.BatchSize, _host.QueueMessageLease, stoppingToken)).Value;
                if (messages.Length == 0)
                {
                    // Back off while idle, but poll at once when this process sends to the queue (issue 18.2).
                    var woken = await QueueWakeUps.WaitAsync(QueueName, idleDelay, stoppingToken);
                    idleDelay = woken ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, _queues.MaxPollingInterval.Ticks));
                    continue;
                }

                idleDelay = TimeSpan.FromMilliseconds(100);
                foreach (var message in messages)
                {
                    Interlocked.Increment(ref _inFlight);
                    _ = Task.Run(() => ProcessAsync(message, stoppingToken), CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException e)
            {
                _logger.LogWarning(e, "Polling queue {Queue} failed; retrying.", QueueName);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever one poll runs into, the other functions of the host keep running and this queue is polled again.
                _logger.LogError(e, "Polling queue {Queue} failed unexpectedly; retrying.", QueueName);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// A message that is not valid in the queue's encoding can never be delivered: as the Functions queue extension does,
    /// it goes to <c>{queue}-poison</c> at once, its text unchanged, instead of failing every poll of the queue.
    /// </summary>
    private async Task MoveUndecodableToPoisonAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message)
        {
            return;
        }

        try
        {
            await _rawPoison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            await _rawPoison.SendMessageAsync(message.Body.ToString(), cancellationToken: CancellationToken.None);
            await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            _logger.LogWarning("Message {MessageId} on {Queue} is not valid {Encoding}; moved to {Poison}.", message.MessageId, QueueName, _queues.MessageEncoding, _rawPoison.Name);
        }
        catch (RequestFailedException e)
        {
            _logger.LogWarning(e, "Moving undecodable message {MessageId} on {Queue} to its poison queue failed; it will be seen again.", message.MessageId, QueueName);
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        var receipt = new LeaseReceipt(message.PopReceipt);
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewTask = RenewLeaseAsync(message, receipt, renewal.Token);
        try
        {
            if (message.DequeueCount > _queues.MaxDequeueCount)
            {
                // It already failed (or crashed the host) as often as allowed.
                await MoveToPoisonAsync(message, receipt, CancellationToken.None);
                return;
            }

            try
            {
                await FunctionInvoker.InvokeAsync(_function, _services, binding => Bind(binding, message, stoppingToken));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                await renewal.CancelAsync();
                await renewTask;
                _logger.LogError(e, "Function {Function} failed on message {MessageId} (attempt {Attempt} of {Max}).", _function.Name, message.MessageId, message.DequeueCount, _queues.MaxDequeueCount);
                if (message.DequeueCount >= _queues.MaxDequeueCount)
                {
                    await MoveToPoisonAsync(message, receipt, CancellationToken.None);
                }
                else
                {
                    await _queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: _queues.VisibilityTimeout, cancellationToken: CancellationToken.None);
                    if (_queues.VisibilityTimeout == TimeSpan.Zero)
                    {
                        // Visible again at once: the retry need not wait for the idle back-off.
                        QueueWakeUps.Notify(QueueName);
                    }
                }

                return;
            }

            await renewal.CancelAsync();
            await renewTask;
            await _queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the message stays leased and reappears later; nothing is lost.
        }
        catch (RequestFailedException e)
        {
            _logger.LogWarning(e, "Settling message {MessageId} on {Queue} failed; it will be delivered again.", message.MessageId, QueueName);
        }
        finally
        {
            await renewal.CancelAsync();
            Interlocked.Decrement(ref _inFlight);
            _completed.Release();
        }
    }

    private async Task RenewLeaseAsync(QueueMessage message, LeaseReceipt receipt, CancellationToken cancellationToken)
    {
        var interval = _host.QueueMessageLease / 2;
        try
        {
            while (true)
            {
                await Task.Delay(interval, cancellationToken);
                var updated = await _queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: _host.QueueMessageLease, cancellationToken: cancellationToken);
                receipt.Value = updated.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException e)
        {
            _logger.LogWarning(e, "Renewing the lease of message {MessageId} failed.", message.MessageId);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, LeaseReceipt receipt, CancellationToken cancellationToken)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, receipt.Value, cancellationToken);
        _logger.LogWarning("Message {MessageId} moved to {Poison} after {Attempts} attempts.", message.MessageId, _poison.Name, message.DequeueCount);
    }

    private object? Bind(ParameterBinding binding, QueueMessage message, CancellationToken cancellationToken)
    {
        var parameter = binding.Parameter;
        return binding.Source switch
        {
            ParameterSource.Trigger => ConvertPayload(message, parameter.ParameterType),
            ParameterSource.CancellationToken => cancellationToken,
            ParameterSource.DurableClient => _services.GetRequiredService<DurableTaskClient>(),
            ParameterSource.QueueMetadata => parameter.Name!.ToLowerInvariant() switch
            {
                "id" => message.MessageId,
                "dequeuecount" => Convert.ChangeType(message.DequeueCount, Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType, System.Globalization.CultureInfo.InvariantCulture),
                "insertiontime" => message.InsertedOn,
                "expirationtime" => message.ExpiresOn,
                "nextvisibletime" => message.NextVisibleOn,
                "popreceipt" => message.PopReceipt,
                _ => null,
            },
            _ => throw new InvalidOperationException($"Parameter source {binding.Source} is not valid for a queue function."),
        };
    }

    private static object? ConvertPayload(QueueMessage message, Type type)
    {
        if (type == typeof(QueueMessage))
        {
            return message;
        }

        if (type == typeof(string))
        {
            return message.Body.ToString();
        }

        if (type == typeof(BinaryData))
        {
            return message.Body;
        }

        if (type == typeof(byte[]))
        {
            return message.Body.ToArray();
        }

        // POCO payloads are JSON, bound case-insensitively as the worker's default serializer does.
        return JsonSerializer.Deserialize(message.Body.ToMemory().Span, type, PayloadJson);
    }

    private sealed class LeaseReceipt(string value)
    {
        public string Value { get; set; } = value;
    }
}

public static class StorageConnection
{
    /// <summary>Resolves a binding's Connection the way Functions does: AzureWebJobs{name}, then {name}; default AzureWebJobsStorage.</summary>
    public static string Resolve(string? connection, IConfiguration configuration)
    {
        var name = string.IsNullOrEmpty(connection) ? "Storage" : connection;
        var value = configuration[$"AzureWebJobs{name}"] ?? configuration[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"Storage connection setting 'AzureWebJobs{name}' (or '{name}') is not configured.");
        }

        return value;
    }
}
