// BootClock on Apple platforms: mach_continuous_time (keeps counting while the device sleeps, not
// changed by setting the clock) and the kernel's boot session, which changes on every reboot.
#if canImport(Darwin)
import Darwin
import Foundation
import Kunci

public final class MachBootClock: BootClock {
    private let numer: UInt64
    private let denom: UInt64

    public init() {
        var info = mach_timebase_info_data_t()
        mach_timebase_info(&info)
        numer = UInt64(info.numer)
        denom = UInt64(max(info.denom, 1))
    }

    public func elapsedMs() throws -> Int64 {
        let ticks = mach_continuous_time()
        // ticks * numer / denom is nanoseconds; split to avoid overflow on long uptimes.
        let nanos = (ticks / denom) * numer + (ticks % denom) * numer / denom
        return Int64(clamping: nanos / 1_000_000)
    }

    public func bootId() throws -> String {
        if let uuid = Self.sysctlString("kern.bootsessionuuid"), !uuid.isEmpty { return uuid }
        var boottime = timeval()
        var size = MemoryLayout<timeval>.size
        guard sysctlbyname("kern.boottime", &boottime, &size, nil, 0) == 0 else {
            throw PlatformError.Failed(reason: "cannot read the boot time (errno \(errno))")
        }
        return "boottime-\(boottime.tv_sec).\(boottime.tv_usec)"
    }

    private static func sysctlString(_ name: String) -> String? {
        var size = 0
        guard sysctlbyname(name, nil, &size, nil, 0) == 0, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard sysctlbyname(name, &buffer, &size, nil, 0) == 0 else { return nil }
        return String(cString: buffer)
    }
}
#endif
