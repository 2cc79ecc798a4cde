import ArgumentParser
import Foundation
import ParleyClient
import ParleyDomain
import ParleyTLS
import ParleyWire
import ParleyTUI

struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The full-screen chat (the default).")

    @OptionGroup var account: AccountOptions

    @Option(help: "Colour theme: default, light, high-contrast, mono, or one of yours.")
    var theme: String?

    @Flag(help: "If the server cannot be reached at start, keep trying instead of giving up.")
    var wait = false

    @Flag(help: "Join as a guest under --user's name, without an account (where the server lets guests in).")
    var guest = false

    func run() async throws {
        let config = try account.loadConfig()
        let servers = try account.servers(config)
        let themes = ThemeLibrary(userDirectory: ClientConfig.directory() + "/themes")
        let environment = ProcessInfo.processInfo.environment
        let noColour = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let themeName = noColour ? "mono" : (theme ?? config.theme ?? "default")
        let chosenTheme: Theme
        do {
            chosenTheme = try themes.load(themeName)
        } catch {
            throw CleanExit.failure(error.message)
        }

        let options = try account.connectionOptions(config)
        for address in servers.addresses { try await confirmTrust(address, options: options) }
        let inbox = ActionInbox()
        let runtime = ChatRuntime(servers: servers, options: options, inbox: inbox, downloadDirectory: config.downloadPath)
        let user = account.user ?? config.user ?? ""
        var state = AppState(
            server: servers.description, user: user, theme: themeName,
            size: Size(columns: 80, rows: 24), now: Timestamp.nowMillis(), keymap: try config.keymap()
        )
        state.popupOnMessage = config.popupOnMessage
        if account.register || guest, case .login(var form) = state.phase {
            form.registering = account.register
            form.guest = guest
            if guest { form.focus = .name }
            state.phase = .login(form)
        }

        // With PARLEY_PASSWORD there is no form: log in first, and say
        // plainly on stderr if that fails.
        if !guest, let password = AccountOptions.environmentPassword, !user.isEmpty {
            let (welcome, limits) = try await logInBeforeStarting(runtime, user: user, password: password)
            // Its effects too: the room list, and telling the server the waiting messages are shown.
            for effect in reduce(&state, .loggedIn(welcome, limits: limits)) { runtime.perform(effect) }
        }

        let startState = state
        let bell = config.bell
        await runOnOwnThread {
            TerminalApp(
                state: startState, runtime: runtime, inbox: inbox, themes: themes, theme: chosenTheme,
                noColour: noColour, bell: bell
            ).run()
        }
        await runtime.close()
    }

    /// Trust on first use, as ssh does: a certificate that nobody vouches
    /// for and that is not pinned is shown, and pinned if the person says
    /// so. A server that cannot be reached now is left to the login form.
    private func confirmTrust(_ address: ServerAddress, options: ParleyConnection.Options) async throws {
        guard let trust = options.tls else { return }
        let presented: CertificateFingerprint
        do {
            await (try ParleyConnection.connect(host: address.host, port: address.port, options: options)).close()
            return
        } catch ParleyClientError.untrusted(_, .unknown(let fingerprint)) {
            presented = fingerprint
        } catch {
            if let error = error as? ParleyClientError, case .untrusted = error { throw CleanExit.failure(error.description) }
            return
        }
        let knownServers = trust.knownServers ?? .standard
        FileHandle.standardError.write(Data("""
            The server \(address) presents a certificate that no authority this machine trusts has signed.
            Its fingerprint is
              \(presented)
            Compare it with what `parley-server fingerprint` prints on the server.
            Trust this server, and remember it in \(knownServers.path)? (yes/no) 
            """.utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "yes" || answer == "y" else {
            throw CleanExit.failure("not connecting to \(address): its certificate is not trusted")
        }
        do {
            try knownServers.pin(presented, for: address)
        } catch {
            throw CleanExit.failure(error.message)
        }
    }

    private func logInBeforeStarting(_ runtime: ChatRuntime, user: String, password: String) async throws -> (Welcome, ServerLimits) {
        while true {
            do {
                return try await runtime.logIn(
                    name: user, password: password, register: account.register, createIfMissing: account.register, takeOver: account.takeOver
                )
            } catch let error as ParleyClientError {
                if case .cannotConnect = error, wait {
                    FileHandle.standardError.write(Data("parley: \(error); trying again in 2 s\n".utf8))
                    try await Task.sleep(for: .seconds(2))
                    continue
                }
                var sentence = runtime.address.sentence(for: error)
                if case .cannotConnect = error { sentence += " (add --wait to keep trying)" }
                throw CleanExit.failure(sentence)
            }
        }
    }

    /// The UI blocks in poll(); it gets a thread of its own so that it never
    /// holds one of the few threads async work runs on.
    private func runOnOwnThread(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                body()
                continuation.resume()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
