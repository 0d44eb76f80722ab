using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;
using AzureRdsFix.Simulation;
using AzureRdsFix.Simulation.Fleets;
using YamlDotNet.RepresentationModel;

namespace AzureRdsFix.Cli.Tests;

/// <summary>
/// The Azure DevOps templates' own script steps (infra/pipelines), run as an agent would: the shard job's AzureCLI@2
/// inline script per shard, a cancelled shard re-run ("Rerun failed jobs") with the earlier attempt's artifact
/// downloaded, then the merge job's bash step over the published shard artifacts. azrdsfix is the built CLI behind an
/// `azrdsfix` command on PATH (as the setup template installs it); `az` is a stand-in for the Azure CLI that AzureCLI@2
/// logs in, answering only the token request that `--auth cli` makes.
/// </summary>
[Collection(PipelineAlone.Name)]
public sealed partial class PipelineTemplateTests
{
    private const int Shards = 2;

    [Fact]
    public async Task FixTemplate_ShardCancelledThenRerunWithResume_MergedReportHasEveryVmOnceAtItsLatestOutcome()
    {
        await using var sim = await SimulatorSession.StartAsync(Fleet.Generate(300, 2, seed: 11), new SimulationOptions { LatencyScale = 0.03 });
        var agent = new FakeAgent(sim);
        var shardScript = ShardScript();
        var mergeScript = MergeScript();

        // Attempt 1: shard 2 finishes; shard 1 is cancelled halfway (the agent signals the tool).
        var shard2 = await agent.RunShardAsync(shardScript, shard: 2, attempt: 1, cancelWhen: null);
        shard2.ExitCode.Should().Be(0, shard2.Output);
        var shard1 = await agent.RunShardAsync(shardScript, shard: 1, attempt: 1, cancelWhen: outcomes => outcomes >= 25);
        shard1.ExitCode.Should().Be(130, shard1.Output);
        var cut = SimulatorSession.ReadReport(shard1.OutDir);
        cut.Vms.Should().Contain(v => v.Error == "cancelled", "the cancel hit VMs in flight, which the re-run must finish");

        // "Rerun failed jobs": shard 1, attempt 2, with the earlier attempt's journal downloaded for --resume.
        var rerun = await agent.RunShardAsync(shardScript, shard: 1, attempt: 2, cancelWhen: null);
        rerun.ExitCode.Should().Be(0, rerun.Output);
        rerun.Output.Should().Contain("resuming from the journal of the latest earlier attempt");
        File.ReadLines(Path.Combine(rerun.OutDir, "journal.jsonl")).First()
            .Should().Be(File.ReadLines(Path.Combine(shard1.OutDir, "journal.jsonl")).First(), "the re-run's out folder holds the whole shard, the cut attempt's records first");

        var merge = await agent.RunMergeAsync(mergeScript);

        var fleetSize = sim.Azure.Fleet.VmCount;
        var merged = SimulatorSession.ReadReport(merge.OutDir);
        merged.Vms.Should().HaveCount(fleetSize).And.OnlyHaveUniqueItems(v => v.Id.ToLowerInvariant());
        merged.Vms.Should().NotContain(v => v.Error == "cancelled" || v.Reason.Contains("cancelled", StringComparison.OrdinalIgnoreCase), "the re-run's outcome replaces the cut attempt's");
        merged.Vms.Should().Contain(v => v.Outcome == VmOutcome.Fixed);
        var junit = XDocument.Load(Path.Combine(merge.OutDir, "report.junit.xml"));
        junit.Descendants("testcase").Should().HaveCount(fleetSize, "the merged JUnit holds every VM once");
        var failing = junit.Descendants("testcase").Where(c => c.Element("failure") is not null || c.Element("error") is not null).Select(c => (string)c.Attribute("name")!);
        failing.Should().BeEquivalentTo(merged.Vms.Where(v => FailOn.Attention.Counts(v.Outcome)).Select(v => v.Name), "the merged JUnit fails exactly the VMs the merge's --fail-on attention counts");
        PublishedTestResults("azrdsfix-shard-job.yml").Should().BeEmpty("a shard (and a re-run of it) publishes no test results: its VMs reach the test tab once, through the merge");
        PublishedTestResults("azrdsfix-merge-job.yml").Should().Equal(["$(mergedOut)/report.junit.xml"], "the merge publishes the one merged JUnit, the file its report step writes");
        MergeScript().Script.Should().Contain("--out \"$(mergedOut)\" --format junit");
        merge.Output.Should().Contain("##vso[task.uploadsummary]");
        var attention = merged.ScopeErrors.Count > 0 || merged.Vms.Any(v => v.Outcome is not (VmOutcome.Fixed or VmOutcome.Healthy or VmOutcome.NotApplicable));
        merge.ExitCode.Should().Be(attention ? 1 : 0, "the merge job fails per --fail-on attention, and only then: " + merge.Output);
    }

    /// <summary>The testResultsFiles of every PublishTestResults step of a template.</summary>
    private static string[] PublishedTestResults(string template)
        => [.. Steps(template)
            .Where(s => Scalar(s, "task")?.StartsWith("PublishTestResults", StringComparison.Ordinal) == true)
            .Select(s => Scalar((YamlMappingNode)s.Children[new YamlScalarNode("inputs")], "testResultsFiles")!)];

    /// <summary>The shard job's AzureCLI@2 inline script and its env, as the template defines them.</summary>
    private static (string Script, Dictionary<string, string> Env) ShardScript()
    {
        var steps = Steps("azrdsfix-shard-job.yml");
        var step = steps.Single(s => Scalar(s, "task") == "AzureCLI@2");
        var inputs = (YamlMappingNode)step.Children[new YamlScalarNode("inputs")];
        return (Scalar(inputs, "inlineScript")!, Env(step));
    }

    /// <summary>The merge job's bash step (azrdsfix report over every shard) and its env.</summary>
    private static (string Script, Dictionary<string, string> Env) MergeScript()
    {
        var step = Steps("azrdsfix-merge-job.yml").Single(s => Scalar(s, "bash") is { } script && script.Contains("azrdsfix report", StringComparison.Ordinal));
        return (Scalar(step, "bash")!, Env(step));
    }

    private static IReadOnlyList<YamlMappingNode> Steps(string template)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoRoot.Path, "infra", "pipelines", template)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var job = (YamlMappingNode)((YamlSequenceNode)root.Children[new YamlScalarNode("jobs")]).Children[0];
        var steps = (YamlSequenceNode)job.Children[new YamlScalarNode("steps")];

        // Conditional insertions (${{ if … }}: [steps]) hold steps too.
        return steps.Children.OfType<YamlMappingNode>()
            .SelectMany(s => s.Children.Count == 1 && s.Children.Keys.Single() is YamlScalarNode { Value: { } key } && key.StartsWith("${{", StringComparison.Ordinal)
                ? ((YamlSequenceNode)s.Children.Values.Single()).Children.OfType<YamlMappingNode>()
                : [s])
            .ToArray();
    }

    private static string? Scalar(YamlMappingNode node, string key)
        => node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    private static Dictionary<string, string> Env(YamlMappingNode step)
        => ((YamlMappingNode)step.Children[new YamlScalarNode("env")]).Children
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

    [GeneratedRegex(@"\$\(([A-Za-z][A-Za-z0-9_.]*)\)")]
    private static partial Regex Macro();

    [GeneratedRegex(@"\$\{\{\s*(.+?)\s*\}\}")]
    private static partial Regex Expression();

    private sealed record StepResult(int ExitCode, string Output, string OutDir);

    /// <summary>What the agent does around the scripts: macros, template expressions, workspaces and artifacts.</summary>
    private sealed class FakeAgent
    {
        private readonly SimulatorSession _sim;
        private readonly string _bin;
        private readonly string _pem;
        private readonly string _artifacts;
        private readonly string _pidFile;
        private int _jobs;

        public FakeAgent(SimulatorSession sim)
        {
            _sim = sim;
            _artifacts = Directory.CreateDirectory(Path.Combine(sim.Dir.Path, "artifacts")).FullName;
            _bin = Directory.CreateDirectory(Path.Combine(sim.Dir.Path, "bin")).FullName;
            _pem = Path.Combine(sim.Dir.Path, "simulator.pem");
            _pidFile = Path.Combine(sim.Dir.Path, "azrdsfix.pid");
            sim.Azure.ExportCertificatePem(_pem);
            var cli = Path.Combine(AppContext.BaseDirectory, "azrdsfix.dll");
            WriteExecutable("azrdsfix", $"#!/bin/sh\necho $$ > '{_pidFile}'\nexec dotnet '{cli}' \"$@\"\n");
            WriteExecutable("az", $$"""
                #!/bin/sh
                case "$*" in
                  *get-access-token*) printf '%s\n' '{"accessToken":"{{SimulatorSession.Token}}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"tokenType":"Bearer"}' ;;
                  *) echo "az stand-in: unexpected call: $*" >&2; exit 1 ;;
                esac

                """);
        }

        /// <summary>The fix template's arguments for the shard job: the user's scope arguments, then the fix options.</summary>
        private string[] FixArguments =>
        [
            "--arm-endpoint", _sim.Azure.Endpoint.ToString(), "--max-parallel", "32",
            "--license-server", "ls01.contoso.com", "--licensing-mode", "PerUser", "--restart", "auto",
        ];

        public async Task<StepResult> RunShardAsync((string Script, Dictionary<string, string> Env) step, int shard, int attempt, Func<int, bool>? cancelWhen)
        {
            var job = Job();
            var shardOut = Path.Combine(job.Staging, $"shard-{shard}");
            var macros = new Dictionary<string, string>
            {
                ["System.JobPositionInPhase"] = shard.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["System.TotalJobsInPhase"] = Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["shardOut"] = shardOut,
                ["Pipeline.Workspace"] = job.Workspace,
            };

            // DownloadPipelineArtifact (attempt > 1): earlier attempts of this shard, journal.jsonl only.
            if (attempt > 1)
            {
                foreach (var earlier in Directory.GetDirectories(_artifacts, $"azrdsfix-fix-shard-{shard}-attempt-*"))
                {
                    var journal = Path.Combine(earlier, "journal.jsonl");
                    if (File.Exists(journal))
                    {
                        var target = Directory.CreateDirectory(Path.Combine(job.Workspace, "earlier", Path.GetFileName(earlier))).FullName;
                        File.Copy(journal, Path.Combine(target, "journal.jsonl"));
                    }
                }
            }

            var expressions = new Dictionary<string, string>
            {
                ["parameters.command"] = "fix",
                ["convertToJson(parameters.arguments)"] = JsonSerializer.Serialize(FixArguments),
            };
            var result = await RunScriptAsync(step, macros, expressions, job.Sources, outDirToWatch: cancelWhen is null ? null : shardOut, cancelWhen);

            // PublishPipelineArtifact (condition: always()).
            CopyDirectory(shardOut, Path.Combine(_artifacts, $"azrdsfix-fix-shard-{shard}-attempt-{attempt}"));
            return result with { OutDir = shardOut };
        }

        public async Task<StepResult> RunMergeAsync((string Script, Dictionary<string, string> Env) step)
        {
            var job = Job();
            var mergedOut = Path.Combine(job.Staging, "merged");

            // DownloadPipelineArtifact: itemPattern azrdsfix-fix-shard-*/**.
            foreach (var artifact in Directory.GetDirectories(_artifacts, "azrdsfix-fix-shard-*"))
            {
                CopyDirectory(artifact, Path.Combine(job.Workspace, "shards", Path.GetFileName(artifact)));
            }

            var macros = new Dictionary<string, string> { ["Pipeline.Workspace"] = job.Workspace, ["mergedOut"] = mergedOut };
            var expressions = new Dictionary<string, string>
            {
                ["parameters.command"] = "fix",
                ["parameters.shards"] = Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["parameters.failOn"] = "attention",
            };
            var result = await RunScriptAsync(step, macros, expressions, job.Sources, null, null);
            return result with { OutDir = mergedOut };
        }

        private (string Workspace, string Staging, string Sources) Job()
        {
            var root = Path.Combine(_sim.Dir.Path, $"agent-job-{++_jobs}");
            return (
                Directory.CreateDirectory(Path.Combine(root, "w")).FullName,
                Directory.CreateDirectory(Path.Combine(root, "a")).FullName,
                Directory.CreateDirectory(Path.Combine(root, "s")).FullName);
        }

        private async Task<StepResult> RunScriptAsync(
            (string Script, Dictionary<string, string> Env) step,
            Dictionary<string, string> macros,
            Dictionary<string, string> expressions,
            string workingDirectory,
            string? outDirToWatch,
            Func<int, bool>? cancelWhen)
        {
            var script = Macro().Replace(step.Script, m => macros.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"The test agent does not know the macro {m.Value}."));
            var file = Path.Combine(workingDirectory, $"step-{Guid.NewGuid():N}.sh");
            await File.WriteAllTextAsync(file, script);
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
            info.ArgumentList.Add(file);
            foreach (var (name, value) in step.Env)
            {
                info.Environment[name] = Expression().Replace(value, m => expressions.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"The test agent does not know the expression {m.Value}."));
            }

            info.Environment["PATH"] = $"{_bin}:{info.Environment["PATH"]}";
            info.Environment["SSL_CERT_FILE"] = _pem;
            info.Environment["TF_BUILD"] = "True";
            info.Environment.Remove("AZRDSFIX_ACCESS_TOKEN");
            using var process = Process.Start(info)!;
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            if (outDirToWatch is not null && cancelWhen is not null)
            {
                var journal = Path.Combine(outDirToWatch, "journal.jsonl");
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (!process.HasExited && !cancelWhen(Outcomes(journal)))
                {
                    DateTime.UtcNow.Should().BeBefore(deadline, "the shard should reach the point where the test cancels it");
                    await Task.Delay(50);
                }

                process.HasExited.Should().BeFalse("the shard must still be running when it is cancelled: " + output);
                await SignalAsync("INT", int.Parse(File.ReadAllText(_pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await process.WaitForExitAsync(timeout.Token);
            process.WaitForExit();
            lock (output)
            {
                return new StepResult(process.ExitCode, output.ToString(), string.Empty);
            }
        }

        private static int Outcomes(string journal)
        {
            if (!File.Exists(journal))
            {
                return 0;
            }

            using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var count = 0;
            while (reader.ReadLine() is { } line)
            {
                count += line.Contains("\"type\":\"vm-outcome\"", StringComparison.Ordinal) ? 1 : 0;
            }

            return count;
        }

        /// <summary>The agent cancels a job by signalling the process (SIGINT first).</summary>
        private static async Task SignalAsync(string signal, int pid)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
            await kill.WaitForExitAsync();
        }

        private void WriteExecutable(string name, string text)
        {
            var path = Path.Combine(_bin, name);
            File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        private static void CopyDirectory(string source, string destination)
        {
            if (!Directory.Exists(source))
            {
                return;
            }

            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(destination, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }
    }
}

/// <summary>
/// The 300-VM pipeline scenario cancels a shard when its journal reaches a count of outcomes; run beside the other
/// classes on two cores it missed that moment, so it runs alone (xunit starts it when the parallel classes are done).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PipelineAlone
{
    public const string Name = "Pipeline scenario, run alone";
}
