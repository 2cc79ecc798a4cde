import ParleyDomain
import ParleyWire

extension ParleyConnection {
    /// Connects and logs in. With `register`, creates the account first; with
    /// `createIfMissing` too, an existing account is simply logged in to.
    /// With a `token`, resumes with it, and logs in with the password only
    /// when the server no longer takes the token.
    public static func open(
        host: String, port: Int, name: String, password: String, token: String? = nil,
        register: Bool = false, createIfMissing: Bool = false, takeOver: Bool = false, quiet: Bool = false,
        options: Options = Options()
    ) async throws -> (ParleyConnection, Welcome) {
        let connection = try await connect(host: host, port: port, options: options)
        do {
            if register {
                do {
                    try await connection.register(name: name, password: password)
                } catch let error as ParleyClientError where createIfMissing && error.code == .nameTaken {
                    // The account exists: log in to it.
                }
            }
            if let token {
                do {
                    return (connection, try await connection.resume(name: name, token: token, takeOver: takeOver, quiet: quiet))
                } catch let error as ParleyClientError where error.code == .authTokenInvalid {
                    // Expired or revoked: the password still works.
                }
            }
            return (connection, try await connection.logIn(name: name, password: password, takeOver: takeOver, quiet: quiet))
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Connects and joins as a guest under `name`.
    public static func openAsGuest(
        host: String, port: Int, name: String, options: Options = Options()
    ) async throws -> (ParleyConnection, Welcome) {
        let connection = try await connect(host: host, port: port, options: options)
        do {
            return (connection, try await connection.logInAsGuest(name: name))
        } catch {
            await connection.close()
            throw error
        }
    }
}
