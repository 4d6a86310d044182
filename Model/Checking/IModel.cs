namespace Model.Checking;

/// <summary>
/// A model the explicit-state checker can explore (stateright's Model, with a compact encoding so the checker keeps
/// only bytes and fingerprints). <typeparamref name="TState"/> instances are mutable scratch objects owned by the
/// checker: <see cref="Next"/> writes the successor into one, <see cref="Decode"/> refills one.
/// Implementations must be deterministic and safe to call from several threads on different state objects.
/// </summary>
public interface IModel<TState, TAction>
    where TState : class
{
    /// <summary>The initial states.</summary>
    IReadOnlyList<TState> InitStates();

    /// <summary>Adds every action enabled in <paramref name="state"/> to <paramref name="actions"/>, in a fixed order.</summary>
    void Actions(TState state, List<TAction> actions);

    /// <summary>Writes the successor of <paramref name="state"/> under <paramref name="action"/> into
    /// <paramref name="next"/> (never changing <paramref name="state"/>). False: the action is ignored (no successor).</summary>
    bool Next(TState state, TAction action, TState next);

    /// <summary>Like <see cref="Next"/>, given also the encoding <paramref name="state"/> was just decoded from: a
    /// model may decode it again into <paramref name="next"/> rather than copy <paramref name="state"/>.</summary>
    bool NextFromEncoding(ReadOnlySpan<byte> encoding, TState state, TAction action, TState next) => Next(state, action, next);

    /// <summary>Steps <paramref name="state"/> itself, when the caller no longer needs it (its last action). False
    /// (the default): not supported, or the action is ignored; the state is then unchanged.</summary>
    bool TryStepInPlace(TState state, TAction action) => false;

    /// <summary>A fresh scratch state to decode or step into.</summary>
    TState NewScratch();

    /// <summary>Writes the canonical encoding of <paramref name="state"/> into <paramref name="buffer"/> (grown if
    /// needed) and returns its length. Equal encodings mean equivalent states.</summary>
    int Encode(TState state, ref byte[] buffer);

    /// <summary>Symmetry reduction: writes an encoding shared by every state equivalent to <paramref name="state"/>
    /// (its fingerprint stands for the class) and returns its length; -1 (the default) means no reduction, and the
    /// fingerprint is that of <see cref="Encode"/>.</summary>
    int EncodeCanonical(TState state, ref byte[] buffer) => -1;

    /// <summary>Writes the encoding at <paramref name="offset"/> of <paramref name="buffer"/>, growing it but keeping
    /// its contents, and returns its length. The default encodes elsewhere and copies.</summary>
    int EncodeAt(TState state, ref byte[] buffer, int offset)
    {
        var temp = new byte[256];
        var len = Encode(state, ref temp);
        if (buffer.Length < offset + len) Array.Resize(ref buffer, Math.Max(offset + len, buffer.Length * 2));
        temp.AsSpan(0, len).CopyTo(buffer.AsSpan(offset));
        return len;
    }

    /// <summary>Refills <paramref name="into"/> from an encoding written by <see cref="Encode"/>.</summary>
    void Decode(ReadOnlySpan<byte> encoding, TState into);

    /// <summary>The named properties.</summary>
    IReadOnlyList<Property<TState>> Properties { get; }

    /// <summary>Bit i set: Always-property i of <see cref="Properties"/> fails in <paramref name="state"/>.
    /// The default evaluates each property; models may do it in one pass.</summary>
    ulong FailingAlways(TState state)
    {
        ulong mask = 0;
        for (var i = 0; i < Properties.Count; i++)
            if (Properties[i].Kind == PropertyKind.Always && !Properties[i].Holds(state)) mask |= 1UL << i;
        return mask;
    }

    /// <summary>States outside the boundary are counted but not expanded.</summary>
    bool WithinBoundary(TState state) => true;

    /// <summary>A copy of <paramref name="state"/> that the checker may keep (for reports).</summary>
    TState Snapshot(TState state);

    /// <summary>One line per part of the state, for printing a path and its diffs.</summary>
    IReadOnlyList<string> Describe(TState state);
}
