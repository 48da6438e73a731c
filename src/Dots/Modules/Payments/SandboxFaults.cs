namespace Dots.Modules.Payments;

internal enum SandboxFaultMode
{
    /// <summary>The issuer declines (recorded in the sandbox ledger like any decline).</summary>
    Decline,

    /// <summary>No answer: the call throws a timeout and the sandbox records nothing.</summary>
    Timeout,

    /// <summary>The sandbox moves the money and records it, then the call fails: the caller must reconcile.</summary>
    ErrorAfterMoved,

    /// <summary>The call waits this long, then behaves normally.</summary>
    Latency,
}

/// <summary>One injected fault: applies to the next <see cref="Count"/> matching calls (a negative count: every call).</summary>
internal sealed class SandboxFault
{
    public SandboxFaultMode Mode { get; set; }
    public int Count { get; set; } = 1;

    /// <summary>Only calls of this operation; null for any.</summary>
    public PaymentOperation? Operation { get; set; }

    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Failure injection for the sandbox provider: tests set it through <see cref="Inject"/>; for manual testing it starts
/// from configuration, e.g. <c>Payments:Sandbox:Faults:0:Mode=Timeout</c>, <c>…:0:Count=-1</c>, <c>…:0:Operation=Capture</c>.
/// A singleton per instance: faults are a property of the connection to the provider, not of the provider's books.
/// </summary>
internal sealed class SandboxFaults
{
    private readonly Lock _gate = new();
    private readonly List<SandboxFault> _faults = [];

    public SandboxFaults(IConfiguration configuration)
    {
        _faults.AddRange(configuration.GetSection("Payments:Sandbox:Faults").Get<List<SandboxFault>>() ?? []);
    }

    public void Inject(SandboxFaultMode mode, int count = 1, PaymentOperation? operation = null, TimeSpan? latency = null)
    {
        lock (_gate)
        {
            _faults.Add(new SandboxFault { Mode = mode, Count = count, Operation = operation, Latency = latency ?? TimeSpan.FromSeconds(1) });
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>True while any fault is waiting for a call (the batch endpoints then make their calls one by one).</summary>
    public bool Armed
    {
        get
        {
            lock (_gate)
            {
                return _faults.Any(f => f.Count != 0);
            }
        }
    }

    /// <summary>Takes the first fault that applies to this call, or null when the call should go through untouched.</summary>
    public SandboxFault? Take(PaymentOperation operation)
    {
        lock (_gate)
        {
            var fault = _faults.FirstOrDefault(f => f.Count != 0 && (f.Operation is null || f.Operation == operation));
            if (fault is null)
            {
                return null;
            }
            if (fault.Count > 0 && --fault.Count == 0)
            {
                _faults.Remove(fault);
            }
            return fault;
        }
    }
}
