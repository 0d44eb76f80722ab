using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AzureRdsFix.Testing;

/// <summary>How <see cref="PwshGuest"/> starts the stand-in for a Run Command.</summary>
public enum PwshStandInMode
{
    /// <summary>
    /// A pool of long-lived <c>GuestStandIn.ps1 -Serve</c> processes; every Run Command runs in a fresh runspace of one
    /// of them (its own global scope and functions). About 0.2 s a Run Command instead of pwsh's 2+ s start-up.
    /// </summary>
    Worker,

    /// <summary>A new pwsh process for every Run Command (<c>GuestStandIn.ps1 -StateFile … -ScriptFile …</c>).</summary>
    ProcessPerRun,
}

/// <summary>The process side of the guest stand-in: one process per run, or the shared pool of serving processes.</summary>
public static class PwshStandInHost
{
    private static readonly ConcurrentBag<Worker> Idle = [];
    private static readonly ConcurrentDictionary<Worker, byte> All = new();
    private static readonly SemaphoreSlim Slots = new(Math.Max(2, Environment.ProcessorCount));

    static PwshStandInHost()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var worker in All.Keys)
            {
                worker.Dispose();
            }
        };
    }

    public static string StandInScript => Path.Combine(Pwsh.RepoRoot, "tests", "pester", "GuestStandIn.ps1");

    /// <summary>Runs one script against one state file; returns its exit code, stdout and stderr (Unix line ends).</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(PwshStandInMode mode, string stateFile, string scriptFile, string parametersJson, TimeSpan timeout)
    {
        Slots.Wait();
        try
        {
            return mode == PwshStandInMode.ProcessPerRun
                ? RunProcess(stateFile, scriptFile, parametersJson, timeout)
                : RunOnWorker(stateFile, scriptFile, parametersJson, timeout);
        }
        finally
        {
            Slots.Release();
        }
    }

    private static (int, string, string) RunProcess(string stateFile, string scriptFile, string parametersJson, TimeSpan timeout)
    {
        using var process = Process.Start(Pwsh.StartInfo(["-File", StandInScript, "-StateFile", stateFile, "-ScriptFile", scriptFile, "-ParametersJson", parametersJson]))
            ?? throw new InvalidOperationException("pwsh could not be started.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The guest stand-in did not finish {Path.GetFileName(scriptFile)} within {timeout.TotalSeconds:0} s.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static (int, string, string) RunOnWorker(string stateFile, string scriptFile, string parametersJson, TimeSpan timeout)
    {
        if (!Idle.TryTake(out var worker) || worker.HasExited)
        {
            worker?.Dispose();
            worker = new Worker();
            All[worker] = 0;
        }

        try
        {
            var result = worker.Run(stateFile, scriptFile, parametersJson, timeout);
            Idle.Add(worker);
            return result;
        }
        catch
        {
            All.TryRemove(worker, out _);
            worker.Dispose();
            throw;
        }
    }

    /// <summary>One <c>GuestStandIn.ps1 -Serve</c> process: a job line in, a GUESTSTANDIN-DONE line out.</summary>
    private sealed class Worker : IDisposable
    {
        private const string DoneMarker = "GUESTSTANDIN-DONE ";

        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private int _jobs;
        private int _disposed;

        public Worker()
        {
            _process = Process.Start(Pwsh.StartInfo(["-File", StandInScript, "-Serve"])) ?? throw new InvalidOperationException("pwsh could not be started.");
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_stderr)
                    {
                        _stderr.AppendLine(e.Data);
                    }
                }
            };
            _process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public (int, string, string) Run(string stateFile, string scriptFile, string parametersJson, TimeSpan timeout)
        {
            var id = ++_jobs;
            var job = new JsonObject { ["id"] = id, ["stateFile"] = stateFile, ["scriptFile"] = scriptFile, ["parametersJson"] = parametersJson };
            _process.StandardInput.WriteLine(job.ToJsonString());
            _process.StandardInput.Flush();

            // Lines before the marker are what the script wrote to the console itself ([Console]::WriteLine): stdout too.
            var stray = new StringBuilder();
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var read = _process.StandardOutput.ReadLineAsync();
                var left = TimeSpan.FromSeconds(Math.Max(0, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                if (!read.Wait(left))
                {
                    Dispose();
                    throw new TimeoutException($"The guest stand-in did not finish {Path.GetFileName(scriptFile)} within {timeout.TotalSeconds:0} s.");
                }

                var line = read.Result;
                if (line is null)
                {
                    _process.WaitForExit(TimeSpan.FromSeconds(5));
                    lock (_stderr)
                    {
                        throw new InvalidOperationException($"The guest stand-in process ended while running {Path.GetFileName(scriptFile)}: {_stderr.ToString().Trim()}");
                    }
                }

                if (!line.StartsWith(DoneMarker, StringComparison.Ordinal))
                {
                    stray.Append(line).Append('\n');
                    continue;
                }

                using var answer = JsonDocument.Parse(line[DoneMarker.Length..]);
                var root = answer.RootElement;
                if (root.GetProperty("id").GetInt32() != id)
                {
                    throw new InvalidOperationException($"The guest stand-in answered job {root.GetProperty("id")} to job {id}.");
                }

                return (root.GetProperty("exitCode").GetInt32(), stray + (root.GetProperty("stdOut").GetString() ?? string.Empty), root.GetProperty("stdErr").GetString() ?? string.Empty);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }
    }
}
