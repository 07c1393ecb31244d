// libFuzzer entry point for the MIME parser and the HTML sanitizer: every input must parse and
// sanitize without crashing, hanging or tripping the address sanitizer. Built and run by
// Fuzz/run-mime-fuzzer.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let mail = ParsedEmail.parse(bytes)
    // Touch what the ingest path reads, so lazily computed parts are exercised too.
    _ = mail.isAutomatic
    _ = mail.root.leaves.map(\.text)
    // The bytes as HTML too: the sanitizer sees whatever a sender writes.
    _ = mail.html.map(HTMLSanitizer.sanitize)
    _ = HTMLSanitizer.sanitize(String(decoding: bytes, as: UTF8.self))
    return 0
}
