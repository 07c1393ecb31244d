import Foundation

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux crashed once in
/// CI (a bad read in `memcpy` inside `run()`) while other threads were starting Chromium,
/// Python and servers at the same moment; starting them under one lock costs nothing measurable
/// (a launch takes milliseconds) and takes the race away. Waiting for them is not serialized.
public enum ChildProcess {
    private static let lock = NSLock()

    public static func start(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
