namespace AzureRdsFix.Simulation.Arm;

/// <summary>
/// The api-versions accepted per track. VMs and disks/snapshots are on separate tracks (Compute vs DiskRP), so a client
/// that sends one "Compute" version everywhere is caught here, as ARM would catch it. The lists hold the published
/// versions of each track, including the ones Azure.ResourceManager 1.7.0 / .Compute 1.2.0 send.
/// </summary>
public static class ApiVersions
{
    public static readonly IReadOnlyList<string> Resources =
    [
        "2014-04-01", "2015-01-01", "2016-02-01", "2016-06-01", "2016-09-01", "2017-05-10", "2018-02-01", "2018-05-01",
        "2019-05-01", "2019-06-01", "2019-10-01", "2019-11-01", "2020-01-01", "2020-06-01", "2020-10-01", "2021-01-01",
        "2021-04-01", "2022-01-01", "2022-09-01", "2022-12-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01",
        "2025-01-01", "2025-03-01",
    ];

    public static readonly IReadOnlyList<string> Compute =
    [
        "2015-06-15", "2016-03-30", "2016-04-30-preview", "2017-03-30", "2017-12-01", "2018-04-01", "2018-06-01", "2018-10-01",
        "2019-03-01", "2019-07-01", "2019-12-01", "2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01",
        "2021-11-01", "2022-03-01", "2022-08-01", "2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01",
        "2024-07-01", "2024-11-01", "2025-04-01",
    ];

    public static readonly IReadOnlyList<string> DiskRP =
    [
        "2016-04-30-preview", "2017-03-30", "2018-04-01", "2018-06-01", "2018-09-30", "2019-03-01", "2019-07-01", "2019-11-01",
        "2020-05-01", "2020-06-30", "2020-09-30", "2020-12-01", "2021-04-01", "2021-08-01", "2021-12-01", "2022-03-02",
        "2022-07-02", "2023-01-02", "2023-04-02", "2023-10-02", "2024-03-02", "2025-01-02",
    ];

    public static IReadOnlyList<string> For(ApiTrack track) => track switch
    {
        ApiTrack.Resources => Resources,
        ApiTrack.DiskRP => DiskRP,
        _ => Compute,
    };

    public static bool IsSupported(ApiTrack track, string version) => For(track).Contains(version, StringComparer.OrdinalIgnoreCase);
}
