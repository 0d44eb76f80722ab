using System.Xml;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Reporting;

/// <summary>
/// report.junit.xml for test-result tabs (Azure Pipelines PublishTestResults, Jenkins, GitLab): one testsuite per
/// subscription, one testcase per VM. A VM is failing exactly when the run's --fail-on counts it (<see cref="FailOnPolicy"/>),
/// so the test tab agrees with the exit code: Failed is then an error (a step of the tool failed), any other counted
/// outcome a failure. Healthy, Fixed and RolledBack pass; every other outcome is skipped (not judged at this level).
/// Scopes that could not be listed are errors in a "scope errors" suite (skipped with --fail-on never).
/// </summary>
public sealed class JUnitReportWriter : IReportWriter
{
    public string Format => "junit";

    public string FileName => "report.junit.xml";

    private TextWriter _writer = TextWriter.Null;
    private XmlWriter? _xml;
    private RunReport? _run;
    private readonly List<VmReport> _suite = [];
    private int _suiteId;

    public void Begin(RunReport run, TextWriter writer)
    {
        _writer = writer;
        _run = run;
        _suite.Clear();
        _suiteId = 0;

        // The declaration is written by hand: XmlWriter would take the encoding from the TextWriter (UTF-16 for a StringWriter).
        writer.Write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        _xml = XmlWriter.Create(writer, settings);

        // The totals come from the summary counts: the VMs are still to come.
        var count = run.Summary.ByOutcome;
        int Counted(Func<VmOutcome, bool> which) => Enum.GetValues<VmOutcome>()
            .Where(o => which(o) && run.FailOn.Counts(o))
            .Sum(o => count.TryGetValue(o.ToString(), out var n) ? n : 0);
        _xml.WriteStartElement("testsuites");
        _xml.WriteAttributeString("name", $"azrdsfix {run.Command}");
        _xml.WriteAttributeString("tests", ReportFacts.Number(run.Summary.Total + run.ScopeErrors.Count));
        _xml.WriteAttributeString("failures", ReportFacts.Number(Counted(o => o != VmOutcome.Failed)));
        _xml.WriteAttributeString("errors", ReportFacts.Number(Counted(o => o == VmOutcome.Failed) + ScopeErrorCount(run)));
        _xml.WriteAttributeString("time", ReportFacts.Seconds((long)(run.FinishedAt - run.StartedAt).TotalMilliseconds));
    }

    /// <summary>VMs come in report order (subscription, then id): a suite's VMs are held until the next subscription starts.</summary>
    public void WriteVm(VmReport vm)
    {
        if (_suite.Count > 0 && !string.Equals(_suite[0].SubscriptionId, vm.SubscriptionId, StringComparison.OrdinalIgnoreCase))
        {
            FlushSuite();
        }

        _suite.Add(vm);
    }

    public void End()
    {
        FlushSuite();
        if (_run!.ScopeErrors.Count > 0)
        {
            WriteScopeErrors(_xml!, _run, _suiteId);
        }

        _xml!.WriteEndElement();
        _xml.Dispose();
        _writer.Write('\n');
    }

    private void FlushSuite()
    {
        if (_suite.Count == 0)
        {
            return;
        }

        WriteSuite(_xml!, _run!, _suiteId++, _suite[0].SubscriptionId, _suite);
        _suite.Clear();
    }

    private static void WriteSuite(XmlWriter xml, RunReport report, int id, string subscriptionId, IReadOnlyList<VmReport> vms)
    {
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", $"subscription {subscriptionId}");
        xml.WriteAttributeString("tests", ReportFacts.Number(vms.Count));
        xml.WriteAttributeString("failures", ReportFacts.Number(vms.Count(vm => Kind(vm.Outcome, report.FailOn) == CaseKind.Failure)));
        xml.WriteAttributeString("errors", ReportFacts.Number(vms.Count(vm => Kind(vm.Outcome, report.FailOn) == CaseKind.Error)));
        xml.WriteAttributeString("skipped", ReportFacts.Number(vms.Count(vm => Kind(vm.Outcome, report.FailOn) == CaseKind.Skipped)));
        xml.WriteAttributeString("time", ReportFacts.Seconds(vms.Sum(vm => vm.DurationMs)));
        xml.WriteAttributeString("timestamp", ReportFacts.Timestamp(report.StartedAt));
        xml.WriteAttributeString("id", ReportFacts.Number(id));
        xml.WriteAttributeString("package", "azrdsfix");

        xml.WriteStartElement("properties");
        WriteProperty(xml, "subscriptionId", subscriptionId);
        WriteProperty(xml, "runId", report.RunId);
        WriteProperty(xml, "command", report.Command);
        xml.WriteEndElement();

        foreach (var vm in vms)
        {
            WriteCase(xml, vm, report.FailOn);
        }

        xml.WriteEndElement();
    }

    private static void WriteCase(XmlWriter xml, VmReport vm, FailOn failOn)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("name", Clean(vm.Name));
        xml.WriteAttributeString("classname", Clean(vm.ResourceGroup));
        xml.WriteAttributeString("time", ReportFacts.Seconds(vm.DurationMs));

        switch (Kind(vm.Outcome, failOn))
        {
            case CaseKind.Skipped:
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", Clean($"{vm.Outcome}: {vm.Reason}"));
                xml.WriteEndElement();
                xml.WriteElementString("system-out", Details(vm));
                break;
            case CaseKind.Error:
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", Clean(vm.Error ?? vm.Reason));
                xml.WriteAttributeString("type", vm.Outcome.ToString());
                xml.WriteString(Details(vm));
                xml.WriteEndElement();
                break;
            case CaseKind.Failure:
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", Clean(vm.Reason));
                xml.WriteAttributeString("type", ReportFacts.MainRule(vm) ?? vm.Outcome.ToString());
                xml.WriteString(Details(vm));
                xml.WriteEndElement();
                break;
            case CaseKind.Passed:
            default:
                xml.WriteElementString("system-out", Details(vm));
                break;
        }

        xml.WriteEndElement();
    }

    private static void WriteScopeErrors(XmlWriter xml, RunReport report, int id)
    {
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", "scope errors");
        xml.WriteAttributeString("tests", ReportFacts.Number(report.ScopeErrors.Count));
        xml.WriteAttributeString("failures", "0");
        xml.WriteAttributeString("errors", ReportFacts.Number(ScopeErrorCount(report)));
        xml.WriteAttributeString("skipped", ReportFacts.Number(report.ScopeErrors.Count - ScopeErrorCount(report)));
        xml.WriteAttributeString("time", ReportFacts.Seconds(0));
        xml.WriteAttributeString("timestamp", ReportFacts.Timestamp(report.StartedAt));
        xml.WriteAttributeString("id", ReportFacts.Number(id));
        xml.WriteAttributeString("package", "azrdsfix");
        foreach (var error in report.ScopeErrors)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("name", Clean(error.Scope));
            xml.WriteAttributeString("classname", "scope");
            xml.WriteAttributeString("time", ReportFacts.Seconds(0));
            if (report.FailOn.CountsScopeErrors())
            {
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", Clean(error.Message));
                xml.WriteAttributeString("type", "ScopeError");
                xml.WriteEndElement();
            }
            else
            {
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", Clean($"ScopeError: {error.Message}"));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static int ScopeErrorCount(RunReport report) => report.FailOn.CountsScopeErrors() ? report.ScopeErrors.Count : 0;

    private static void WriteProperty(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", value);
        xml.WriteEndElement();
    }

    /// <summary>The body of a failure/error and the system-out of every case: outcome, reason, findings, changes, snapshot.</summary>
    private static string Details(VmReport vm)
    {
        var lines = new List<string> { $"{vm.Outcome}: {vm.Reason}", $"id: {vm.Id}" };
        lines.AddRange(vm.Findings.Select(f => $"{f.RuleId} ({f.Severity}): {f.Title}"));
        if (vm.Changes.Count > 0)
        {
            lines.Add("changes: " + ReportFacts.Changes(vm));
        }

        if (vm.Snapshot is { } snapshot)
        {
            lines.Add($"snapshot: {snapshot.Id} ({snapshot.State})");
        }

        if (vm.Error is { } error)
        {
            lines.Add("error: " + error);
        }

        return Clean(string.Join("\n", lines));
    }

    /// <summary>Characters XML 1.0 cannot carry (control characters from a guest or an error text) become '?'.</summary>
    private static string Clean(string text) =>
        text.All(XmlConvert.IsXmlChar) ? text : new string([.. text.Select(c => XmlConvert.IsXmlChar(c) || char.IsSurrogate(c) ? c : '?')]);

    private static CaseKind Kind(VmOutcome outcome, FailOn failOn) => outcome switch
    {
        _ when failOn.Counts(outcome) => outcome == VmOutcome.Failed ? CaseKind.Error : CaseKind.Failure,
        VmOutcome.Healthy or VmOutcome.Fixed or VmOutcome.RolledBack => CaseKind.Passed,
        _ => CaseKind.Skipped,
    };

    private enum CaseKind { Passed, Failure, Error, Skipped }
}
