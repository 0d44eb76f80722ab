using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace AzureRdsFix.Azure.Discovery;

/// <summary>
/// Streams several async sequences as one, reading up to <c>maxConcurrent</c> of them at a time. Discovery uses it so
/// that VMs of several subscriptions reach the workers together (each subscription has its own throttling budget) while
/// the bounded buffer keeps discovery from running far ahead of the workers.
/// </summary>
internal static class AsyncMerge
{
    public static async IAsyncEnumerable<T> InterleaveAsync<T>(
        IAsyncEnumerable<IAsyncEnumerable<T>> sources,
        int maxConcurrent,
        int capacity,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = ProduceAsync(sources, channel.Writer, maxConcurrent, stop.Token);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }

            await producer;
        }
        finally
        {
            // The consumer stopped early (or failed): stop every source still reading.
            await stop.CancelAsync();
            await producer.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task ProduceAsync<T>(IAsyncEnumerable<IAsyncEnumerable<T>> sources, ChannelWriter<T> writer, int maxConcurrent, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(maxConcurrent);
        var running = new List<Task>();
        try
        {
            await foreach (var source in sources.WithCancellation(cancellationToken))
            {
                await slots.WaitAsync(cancellationToken);
                running.Add(CopyAsync(source, writer, slots, cancellationToken));
            }

            await Task.WhenAll(running);
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            writer.TryComplete(ex);
        }
    }

    private static async Task CopyAsync<T>(IAsyncEnumerable<T> source, ChannelWriter<T> writer, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken))
            {
                await writer.WriteAsync(item, cancellationToken);
            }
        }
        finally
        {
            slots.Release();
        }
    }
}
