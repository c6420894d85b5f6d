using System.Reflection;
using ReferralHub.Bench;

// dotnet run -c Release --project bench/ReferralHub.Bench -- <scenario> [options]
// Every IBenchScenario in this assembly is a verb; each writes its table to stdout and JSON to bench/results/.
var scenarios = typeof(IBenchScenario).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchScenario).IsAssignableFrom(t))
    .Select(t => (IBenchScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

var chosen = args.Length > 0 ? scenarios.FirstOrDefault(s => s.Name == args[0]) : null;
if (chosen is null)
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/ReferralHub.Bench -- <scenario> [options]");
    foreach (var s in scenarios) Console.Error.WriteLine($"  {s.Name,-20} {s.Description}");
    return args.Length == 0 ? 0 : 2;
}

var results = await chosen.RunAsync(args[1..]);
BenchReport.Write(chosen.Name, results, Assembly.GetExecutingAssembly());
return 0;
