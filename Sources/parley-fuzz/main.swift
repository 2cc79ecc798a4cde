// `parley-fuzz FILE|DIRECTORY...` runs each input once (how a finding is
// reproduced). Built with -DFUZZING and -sanitize=fuzzer (scripts/fuzz.sh),
// it is a libFuzzer fuzzer that takes libFuzzer's flags instead. Either way
// PARLEY_FUZZ=session feeds the inputs to a real session (SessionFuzz), and
// PARLEY_FUZZ=irc to the IRC door's line parser (IRCFuzz), instead of the
// frame parser and decoders (FuzzInput).
import Foundation

let which = ProcessInfo.processInfo.environment["PARLEY_FUZZ"]
func target(_ bytes: UnsafeRawBufferPointer) {
    switch which {
    case "session": SessionFuzz.run(bytes)
    case "irc": IRCFuzz.run(bytes)
    default: FuzzInput.run(bytes)
    }
}

#if FUZZING
import CLibFuzzer

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    target(UnsafeRawBufferPointer(start: data, count: size))
    return 0
})
#else
var inputs: [String] = []
for argument in CommandLine.arguments.dropFirst() {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
        FileHandle.standardError.write(Data("parley-fuzz: no file or directory \(argument)\n".utf8))
        exit(2)
    }
    if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
        inputs += names.sorted().map { argument + "/" + $0 }
    } else {
        inputs.append(argument)
    }
}
for path in inputs {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes.withUnsafeBytes(target)
}
print("ran \(inputs.count) inputs")
#endif
