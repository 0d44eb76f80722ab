using AzureRdsFix.Cli.Arguments;

namespace AzureRdsFix.Cli.Journal;

/// <summary>
/// Where a run writes: its out folder (report files) and its journal. The one place that choice is made, for scan, plan,
/// fix, rollback and report, so every command treats --out, --journal and --resume alike.
/// </summary>
public sealed record RunFolder(string OutDir, string JournalPath)
{
    public const string JournalFileName = "journal.jsonl";

    /// <summary>
    /// --out, else the folder of the --resume journal (a resumed run goes on where it was), else ./azrdsfix-runs/&lt;runId&gt;.
    /// The journal is --journal, else journal.jsonl in the out folder. Both are checked before anything else happens:
    /// an out folder that is a file or cannot be written, a --journal that is a folder, or a journal file that already
    /// holds another run is bad input.
    /// </summary>
    public static RunFolder Choose(string currentDirectory, string? outArg, string? journalArg, string? resumePath, string runId)
    {
        var resume = resumePath is null ? null : Path.GetFullPath(resumePath, currentDirectory);
        var outDir = outArg is not null
            ? Path.GetFullPath(outArg, currentDirectory)
            : resume is not null ? Path.GetDirectoryName(resume)! : Path.Combine(currentDirectory, "azrdsfix-runs", runId);
        var journal = journalArg is not null ? Path.GetFullPath(journalArg, currentDirectory) : Path.Combine(outDir, JournalFileName);

        EnsureWritableFolder(OptionNames.Out, outDir);
        if (Directory.Exists(journal))
        {
            throw new UsageException($"{OptionNames.Journal} '{journalArg ?? journal}' is a folder: expected the path of a journal file, e.g. {Path.Combine(journalArg ?? journal, JournalFileName)}.");
        }

        EnsureWritableFolder(OptionNames.Journal, Path.GetDirectoryName(journal)!);
        var sameAsResume = resume is not null && string.Equals(Path.GetFullPath(journal), resume, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        if (!sameAsResume && File.Exists(journal) && new FileInfo(journal).Length > 0)
        {
            // A second run's records would mix with the first's: reports and resumes would read one run made of two.
            var where = journalArg is not null ? $"{OptionNames.Journal} '{journalArg}'" : $"{OptionNames.Out} '{outDir}'";
            throw new UsageException(resume is null
                ? $"{where} already holds the journal of another run: choose an empty folder, or continue that run with {OptionNames.Resume} {journal}."
                : $"{where} already holds a journal: choose an empty folder for the resumed run, or resume that journal itself ({OptionNames.Resume} {journal}).");
        }

        return new RunFolder(outDir, journal);
    }

    /// <summary>The out folder of a command that writes reports but no journal (report): --out, else the given default.</summary>
    public static string ChooseOutDir(string currentDirectory, string? outArg, string defaultDir)
    {
        var outDir = outArg is not null ? Path.GetFullPath(outArg, currentDirectory) : defaultDir;
        EnsureWritableFolder(OptionNames.Out, outDir);
        return outDir;
    }

    /// <summary>
    /// A resumed run that writes its journal somewhere else starts that journal with the earlier run's records, so the
    /// new out folder is self-contained: a pipeline that publishes only this folder still has the whole run.
    /// </summary>
    public bool SeedFrom(string? resumePath, string currentDirectory)
    {
        if (resumePath is null)
        {
            return false;
        }

        var source = Path.GetFullPath(resumePath, currentDirectory);
        if (string.Equals(source, JournalPath, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            return false;
        }

        JournalReader.CopyWholeLines(source, JournalPath);
        return true;
    }

    private static void EnsureWritableFolder(string option, string folder)
    {
        if (File.Exists(folder))
        {
            throw new UsageException($"{option} '{folder}' is a file: expected a folder azrdsfix can write its report and journal into.");
        }

        try
        {
            Directory.CreateDirectory(folder);
            // Created and removed at once: the only sure test that this user may write here (ACLs, read-only mounts).
            var probe = Path.Combine(folder, $".azrdsfix-write-test-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"{option} '{folder}' cannot be written ({ex.Message.TrimEnd('.')}): expected a folder this user may create files in.");
        }
    }
}
