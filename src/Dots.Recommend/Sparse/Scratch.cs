namespace Dots.Recommend.Sparse;

/// <summary>Reusable per-thread buffers; callers keep them in [ThreadStatic] fields.</summary>
internal static class Scratch
{
    /// <summary>A buffer of exactly <paramref name="length"/> zeroed floats, reusing the thread's array when it fits.</summary>
    public static float[] Get(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
        {
            buffer = new float[length];
        }
        else
        {
            Array.Clear(buffer);
        }
        return buffer;
    }
}
