import Foundation

/// What a command prints as its result: the JSON of `intel classify`, the figures of `intel eval`
/// and `bench`, the confirmation of `migrate`. Standard output is the command-line contract
/// (scripts and our own evaluation read it); diagnostics go to the logger instead. One named
/// place for it, rather than `print` scattered through the commands.
enum Console {
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
