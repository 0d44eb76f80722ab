using System.Diagnostics;
using System.Text;

namespace AzureRdsFix.Testing;

/// <summary>
/// The repository's PowerShell 7 (the dotnet tool pinned in .config/dotnet-tools.json) and the repository root
/// (the folder above the test binaries that holds AzureRdsFix.sln).
/// </summary>
public static class Pwsh
{
    private static readonly Lazy<string> PwshDll = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    public static string RepoRoot => Root.Value;

    /// <summary>The dotnet host that runs pwsh.dll (the one running the tests when the SDK says so).</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// A process start for <c>pwsh -NoProfile -NonInteractive</c> followed by <paramref name="arguments"/>. pwsh is found
    /// once through <c>dotnet tool run pwsh</c> from the repository root (after <c>dotnet tool restore</c> when needed),
    /// then started as <c>dotnet pwsh.dll</c>, which skips the tool lookup on every run.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = NewStart(DotnetHost);
        start.ArgumentList.Add(PwshDll.Value);
        start.ArgumentList.Add("-NoProfile");
        start.ArgumentList.Add("-NonInteractive");
        if (OperatingSystem.IsWindows())
        {
            start.ArgumentList.Add("-ExecutionPolicy");
            start.ArgumentList.Add("Bypass");
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static ProcessStartInfo NewStart(string fileName)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = RepoRoot,
        };
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["NO_COLOR"] = "1";
        return start;
    }

    private static string Locate()
    {
        var (exit, output, error) = RunDotnet(["tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-Command", "[Console]::Out.Write((Join-Path $PSHOME 'pwsh.dll'))"]);
        if (exit != 0)
        {
            // A fresh clone before `dotnet tool restore` (./test.sh restores first; `dotnet test` alone does not).
            RunDotnet(["tool", "restore"]);
            (exit, output, error) = RunDotnet(["tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-Command", "[Console]::Out.Write((Join-Path $PSHOME 'pwsh.dll'))"]);
        }

        var dll = output.Trim();
        if (exit != 0 || !File.Exists(dll))
        {
            throw new InvalidOperationException(
                $"PowerShell 7 (the dotnet tool in .config/dotnet-tools.json) could not be started from {RepoRoot}: run `dotnet tool restore` there. "
                + $"dotnet tool run pwsh exited {exit}: {error.Trim()}");
        }

        return dll;
    }

    private static (int Exit, string Output, string Error) RunDotnet(string[] arguments)
    {
        var start = NewStart(DotnetHost);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within 3 minutes.");
        }

        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AzureRdsFix.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (AzureRdsFix.sln) was not found above the test binaries.");
    }
}
