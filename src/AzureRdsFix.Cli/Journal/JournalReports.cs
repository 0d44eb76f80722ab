using System.Collections;
using AzureRdsFix.Core.Journal;
using AzureRdsFix.Core.Reporting;
using Microsoft.Win32.SafeHandles;

namespace AzureRdsFix.Cli.Journal;

/// <summary>
/// Every VM's latest report line, read from its journal when a writer asks for it instead of held in memory: the run
/// keeps a few bytes per VM (where its line is) rather than the whole report with its evidence, so memory stays bounded
/// on a big fleet.
/// </summary>
public sealed class JournalReports : IReadOnlyList<VmReport>, IDisposable
{
    private readonly IReadOnlyList<string> _paths;
    private readonly SafeFileHandle?[] _files;
    private readonly IReadOnlyList<VmState> _vms;

    private readonly Action<VmReport>? _onRead;

    public JournalReports(IReadOnlyList<string> paths, IReadOnlyList<VmState> reported, Action<VmReport>? onRead = null)
    {
        _onRead = onRead;
        _paths = paths;
        _files = new SafeFileHandle?[paths.Count];
        _vms = reported;
    }

    public int Count => _vms.Count;

    public VmReport this[int index]
    {
        get
        {
            var at = _vms[index].ReportAt!.Value;
            var file = _files[at.Journal] ??= File.OpenHandle(_paths[at.Journal], FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var report = ((VmFinished)JournalFile.ReadAt(file, at.Offset, at.Length)).Report;
            _onRead?.Invoke(report);
            return report;
        }
    }

    public IEnumerator<VmReport> GetEnumerator()
    {
        for (var i = 0; i < _vms.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file?.Dispose();
        }
    }
}
