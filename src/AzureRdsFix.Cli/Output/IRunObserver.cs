using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Cli.Output;

/// <summary>What the engine tells the console as a run goes. Implementations must be thread-safe.</summary>
public interface IRunObserver
{
    void Discovered(VmRef vm);

    void StepStarted(VmRef vm, JournalStep step);

    void Completed(VmReport report);

    void ScopeFailed(ScopeError error);
}
