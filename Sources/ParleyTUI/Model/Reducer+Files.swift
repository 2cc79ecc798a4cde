import ParleyClient
import ParleyDomain
import ParleyWire

// MARK: Uploads and downloads

/// `/upload PATH`: shares a file in the conversation that has the keys.
func startUpload(_ state: inout AppState, _ path: String) -> [Effect] {
    guard !path.isEmpty else {
        state.status = StatusMessage(text: "Usage: \(SlashCommand.upload.usage)", kind: .hint)
        return []
    }
    _ = state.currentInput.take()
    let name = path.split(separator: "/").last.map(String.init) ?? path
    return [.upload(id: addTransfer(&state, .upload, name: name), path: path, to: state.current.id)]
}

private func addTransfer(_ state: inout AppState, _ kind: Transfer.Kind, name: String, total: Int64 = 0) -> Int {
    let id = state.nextTransferID
    state.nextTransferID += 1
    state.transfers.append(Transfer(id: id, kind: kind, name: name, reading: TransferReading(total: total)))
    state.status = nil
    return id
}

func reduceTransfer(_ state: inout AppState, _ action: Action) {
    switch action {
    case .transferProgress(let id, let reading):
        guard let index = state.transfers.firstIndex(where: { $0.id == id }) else { return }
        state.transfers[index].reading = reading
    case .transferEnded(let id, let sentence, let failed):
        state.transfers.removeAll { $0.id == id }
        if state.confirmingCancel == id { state.confirmingCancel = nil }
        state.status = StatusMessage(text: sentence, kind: failed ? .error : .hint)
    default:
        break
    }
}

/// Esc with a transfer under way offers to cancel the newest one.
func offerCancel(_ state: inout AppState) -> Bool {
    guard let transfer = state.transfers.last else { return false }
    state.confirmingCancel = transfer.id
    state.status = StatusMessage(text: "Cancel the \(transfer.kind.rawValue) of \(transfer.name)? y cancels, any other key goes on.", kind: .hint)
    return true
}

/// The key after the offer: `y` cancels, anything else keeps it going.
func answerCancel(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard let id = state.confirmingCancel else { return [] }
    state.confirmingCancel = nil
    state.status = nil
    return key == .character("y") || key == .character("Y") ? [.cancelTransfer(id: id)] : []
}

/// Tab after `/upload `: the runtime lists the directory.
func completeUploadPath(_ state: inout AppState) -> [Effect] {
    [.completePath(String(state.currentInput.text.dropFirst("/upload ".count)))]
}

func applyPathCompletions(_ state: inout AppState, typed: String, _ paths: [String]) {
    guard state.currentInput.text == "/upload " + typed else { return }
    switch paths.count {
    case 0:
        state.status = StatusMessage(text: "Nothing here starts with \(typed.isEmpty ? "that" : typed).", kind: .hint)
    case 1:
        state.currentInput = LineEditor("/upload " + paths[0])
    default:
        state.currentInput = LineEditor("/upload " + commonPrefix(paths))
        state.status = StatusMessage(text: paths.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: "  "), kind: .hint)
    }
}

// MARK: The download picker

/// `/files` and its key: asks for the files of the conversation on screen.
func openFilePicker(_ state: inout AppState) -> [Effect] {
    [.listFiles(state.current.id)]
}

func showFiles(_ state: inout AppState, _ conversation: ConversationID, _ files: [FileInfo]) {
    state.picker = FilePicker(conversation: conversation, files: files)
    state.popup = .files
}

func reducePickerKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard var picker = state.picker else {
        state.popup = nil
        return []
    }
    let last = max(0, picker.shown.count - 1)
    switch state.keymap.command(for: key) {
    case .closePopup?:
        state.popup = nil
        state.picker = nil
        return []
    case .quit?:
        return quit(&state)
    case .recallPrevious?: picker.selection = max(0, picker.selection - 1)
    case .recallNext?: picker.selection = min(last, picker.selection + 1)
    case .pageUp?: picker.selection = max(0, picker.selection - 10)
    case .pageDown?: picker.selection = min(last, picker.selection + 10)
    case .deleteBackward?:
        picker.filter = String(picker.filter.dropLast())
        picker.selection = 0
    case .send?:
        guard picker.shown.indices.contains(picker.selection) else { return [] }
        let file = picker.shown[picker.selection]
        state.popup = nil
        state.picker = nil
        return [.download(id: addTransfer(&state, .download, name: file.name, total: file.size), file)]
    default:
        if case .character(let c) = key {
            picker.filter.append(c)
            picker.selection = 0
        }
    }
    state.picker = picker
    return []
}
