import Foundation

/// An executor that runs every job on one thread of its own.
///
/// The SQLite writer uses it as the group committer's actor executor and as the task executor
/// of its drain loop, so a whole batch — `BEGIN`, each write's statements, `COMMIT` and its
/// fsync — runs on this thread without hopping, and the blocking fsync never occupies one of
/// Swift's cooperative threads (there are only as many as cores).
final class DedicatedThreadExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    // `jobs` and `stopping` are guarded by `condition`; the thread is the only consumer.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the thread. It holds the executor until `shutdown()` lets it end.
    init(name: String) {
        let thread = Thread { self.runLoop(name: name) }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Lets the thread finish the jobs already queued, then end. Call when nothing will be
    /// enqueued any more.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop(name: String) {
        // Foundation on Linux does not pass `Thread.name` to the kernel; named here, the thread
        // shows as itself in `top -H`, `perf` and the benchmark's CPU accounting. Writing the
        // thread's `comm` is what `pthread_setname_np` does, which the Glibc module does not
        // export; a failure only loses the name. The kernel keeps 15 bytes.
        try? String(name.prefix(15)).write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch {
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
