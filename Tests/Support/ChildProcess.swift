import Foundation

/// Starts child processes for the tests, working around a bug in Foundation's `Process.run()`
/// on Linux: to find the highest open descriptor it reads `/proc/self/fd` and copies each
/// entry's whole 256-byte `d_name`, reading past glibc's directory buffer when an entry sits at
/// its end (swift-corelibs-foundation PR #5472, merged May 2026, after this toolchain). That
/// only happens when the listing fills the 32 KB buffer — about 1,300 open descriptors — which
/// the whole suite running in parallel (servers, databases, browsers, sockets) can reach.
///
/// So the suite keeps its descriptors well below that (test databases keep one reader), a start
/// waits until the test process has fewer than `safeDescriptors` open (counted by FileManager,
/// whose directory reading is not affected), and starts run one at a time so two launches do
/// not add up. Waiting for children is not serialized.
public enum ChildProcess {
    private static let lock = NSLock()
    static let safeDescriptors = 1_200

    /// Starts `process` from async code: the wait and the launch happen on a thread of their own,
    /// never on one of the few threads that run Swift tasks (a test blocking them stalls every
    /// server in the test process, and then the descriptors it waits for are never closed).
    public static func launch(_ process: Process) async throws {
        let box = UncheckedProcess(process)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try start(box.process) }) }
        }
    }

    /// Starts `process` from a thread of its own (blocking: it may wait for descriptors).
    public static func start(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        // A deliberate wait, not a timing assumption: other tests close their descriptors as
        // they finish; after 20 s the start goes ahead anyway (and the bug may or may not hit).
        var waited = 0.0
        while openDescriptors() >= safeDescriptors, waited < 20 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 0.05
        }
        try process.run()
    }

    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }
}

/// A `Process` handed to the launching thread; nothing else touches it until the launch returns.
private struct UncheckedProcess: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}
