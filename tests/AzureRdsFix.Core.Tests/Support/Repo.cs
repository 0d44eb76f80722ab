using System.Runtime.CompilerServices;

namespace AzureRdsFix.Core.Tests.Support;

/// <summary>Paths in the source tree (not the build output): fixtures, docs and the checked-in expected files.</summary>
internal static class Repo
{
    public static string Root { get; } = Path.GetFullPath(Path.Combine(ThisDirectory(), "..", "..", ".."));

    public static string TestsDirectory { get; } = Path.GetFullPath(Path.Combine(ThisDirectory(), ".."));

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string ThisDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
