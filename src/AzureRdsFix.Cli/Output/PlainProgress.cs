using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>Progress for logs and pipelines: one line per finished VM, nothing that redraws.</summary>
public sealed class PlainProgress(TextWriter writer) : IRunObserver
{
    private readonly Lock _gate = new();
    private int _done;
    private int _discovered;

    public void Discovered(VmRef vm) => Interlocked.Increment(ref _discovered);

    public void StepStarted(VmRef vm, JournalStep step)
    {
    }

    public void Completed(VmReport report)
    {
        lock (_gate)
        {
            _done++;
            writer.WriteLine($"[{_done}/{Volatile.Read(ref _discovered)}] {report.Name} ({report.ResourceGroup}): {report.Outcome} - {report.Reason}");
        }
    }

    public void ScopeFailed(ScopeError error)
    {
        lock (_gate)
        {
            writer.WriteLine($"[scope] {error.Scope}: {error.Message}");
        }
    }
}

public sealed class SilentProgress : IRunObserver
{
    public void Discovered(VmRef vm)
    {
    }

    public void StepStarted(VmRef vm, JournalStep step)
    {
    }

    public void Completed(VmReport report)
    {
    }

    public void ScopeFailed(ScopeError error)
    {
    }
}
