using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dots.Tests.Platform;

/// <summary>`dots serve` or `dots proxy` as its own OS process on a dynamic port; killed with SIGKILL, never shut down.</summary>
public sealed class DotsProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DotsProcess(Process process, Uri baseAddress, string name)
    {
        _process = process;
        BaseAddress = baseAddress;
        Name = name;
    }

    public Uri BaseAddress { get; }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (for failure messages).</summary>
    public string Tail
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 3000 ? text[^3000..] : text;
            }
        }
    }

    /// <summary>Starts `dots &lt;args&gt;` with <c>--urls</c>/<c>--listen</c> chosen by <paramref name="urlArgs"/> for a free port.</summary>
    public static DotsProcess Start(string name, string workingDir, Func<Uri, IEnumerable<string>> args)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDir };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dots.dll"));
        foreach (var arg in args(baseAddress))
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(psi)!;
        var started = new DotsProcess(process, baseAddress, name);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Waits until <paramref name="path"/> answers 2xx.</summary>
    public async Task WaitHealthyAsync(string path = "/health", TimeSpan? timeout = null)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(4));
        while (DateTime.UtcNow < until)
        {
            Assert.False(_process.HasExited, $"{Name} exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Tail}");
            try
            {
                if ((await probe.GetAsync(path)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} did not become healthy:\n{Tail}");
    }

    /// <summary>SIGKILL: no shutdown, no flushing — what a crash or an OOM kill leaves.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(30_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A handler whose connections leave from <paramref name="source"/> (another loopback address: another "client machine").</summary>
    public static SocketsHttpHandler HandlerFrom(IPAddress source, bool cookies = false) => new()
    {
        UseCookies = cookies,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
