/// The seedable random source of fault injection (SplitMix64): the same seed gives the same
/// sequence on every platform and Swift version, so a run can be replayed.
///
/// ```swift
/// var random = FaultRandom(seed: 42)
/// let draw = random.nextUnitInterval()   // in 0 ..< 1
/// ```
public struct FaultRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A source whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A draw in `0 ..< 1` from the top 53 bits of the next value.
    public mutating func nextUnitInterval() -> Double {
        Self.unitInterval(next())
    }

    /// A draw in `0 ..< 1` from the top 53 bits of `bits` (the value of any generator).
    static func unitInterval(_ bits: UInt64) -> Double {
        Double(bits >> 11) * 0x1p-53
    }
}
