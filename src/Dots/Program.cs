using Dots.Cli;

return await DotsCli.RunAsync(args);

/// <summary>The entry point, named so that WebApplicationFactory&lt;Program&gt; can find it.</summary>
public partial class Program;
