import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Two-factor sign-in with an authenticator app (TOTP): an agent enrols with a secret their app
/// reads, confirms with a code, and gets ten single-use recovery codes; from then on signing in
/// takes a code besides the password. An admin can require it for everyone in the workspace.
struct TwoFactorController {
    let services: AppServices

    /// How many recovery codes an agent gets (each works once).
    static let recoveryCodeCount = 10

    struct StatusDTO: ResponseEncodable {
        var enabled: Bool
        var recoveryCodesLeft: Int
        /// The workspace requires two-factor sign-in of everyone.
        var required: Bool
    }

    struct SetupDTO: ResponseEncodable {
        /// The secret in base32, for typing into the app.
        var secret: String
        /// The `otpauth://` address authenticator apps open (or read as a QR code).
        var uri: String
    }

    struct CodeBody: Decodable { var code: String }
    struct PasswordBody: Decodable { var password: String }
    struct RecoveryCodesDTO: ResponseEncodable { var recoveryCodes: [String] }
    struct SecurityBody: Decodable { var requireTwoFactor: Bool }
    struct SecurityDTO: ResponseEncodable {
        var requireTwoFactor: Bool
        /// The agents who have two-factor sign-in on.
        var enrolledAgentIds: [Int64]
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/auth/me/two-factor", "Whether your sign-in takes a code from an authenticator app, and recovery codes left", tag: "auth") { _, context in
            let (agentID, ws) = (context.agent.id, context.workspaceID)
            let (state, required) = try await database.read {
                (try await TwoFactorRepository.state(agentID: agentID, workspaceID: ws, in: $0),
                 try await TwoFactorRepository.workspaceRequires(ws, in: $0))
            }
            return StatusDTO(enabled: state?.enabled ?? false, recoveryCodesLeft: state?.recoveryCodesLeft ?? 0, required: required)
        }
        api.on(.post, "/auth/me/two-factor/setup", "Start setting up two-factor sign-in: the secret for your authenticator app", tag: "auth",
               status: 201) { _, context in
            let secret = TOTP.newSecret()
            let sealed = try services.secretBox().seal(Base32.encode(secret))
            let (agentID, ws) = (context.agent.id, context.workspaceID)
            try await database.write { try await TwoFactorRepository.setPending(sealed, agentID: agentID, workspaceID: ws, in: $0) }
            let workspace = try await database.read { try await WorkspaceRepository.find(ws, in: $0) }
            return Created(body: SetupDTO(secret: Base32.encode(secret),
                                          uri: TOTP.uri(secret: secret, account: context.agent.email, issuer: "Shopdesk " + (workspace?.name ?? ""))))
        }
        api.on(.post, "/auth/me/two-factor/enable", "Turn two-factor sign-in on with a code from the app; answers the recovery codes (shown once)",
               tag: "auth", body: "CodeBody") { request, context in
            let body = try await request.decode(as: CodeBody.self, context: context)
            let (agentID, ws) = (context.agent.id, context.workspaceID)
            guard let sealed = try await database.read({ try await TwoFactorRepository.state(agentID: agentID, workspaceID: ws, in: $0) })?.sealedPending,
                  let secret = Base32.decode(try services.secretBox().open(sealed)) else {
                throw Problem(.conflict, "Start the setup first (POST /auth/me/two-factor/setup).")
            }
            guard let step = TOTP.verify(body.code, secret: secret, at: Date(), after: nil) else {
                throw Problem(.unprocessableContent, "That code does not match. Check the app's clock and type the code it shows now.", field: "code")
            }
            let codes = Self.newRecoveryCodes()
            try await database.write {
                try await TwoFactorRepository.enable(sealed: sealed, step: step, recoveryHashes: codes.map(Self.recoveryHash), agentID: agentID,
                                                     workspaceID: ws, in: $0)
            }
            return RecoveryCodesDTO(recoveryCodes: codes)
        }
        api.on(.post, "/auth/me/two-factor/recovery-codes", "New recovery codes (the old ones stop working), with a code from the app",
               tag: "auth", body: "CodeBody") { request, context in
            let body = try await request.decode(as: CodeBody.self, context: context)
            let (agentID, ws) = (context.agent.id, context.workspaceID)
            guard try await checkCode(body.code, agentID: agentID, workspaceID: ws, allowRecovery: false) else {
                throw Problem(.unprocessableContent, "That code does not match the app's.", field: "code")
            }
            let codes = Self.newRecoveryCodes()
            try await database.write {
                try await TwoFactorRepository.replaceRecoveryCodes(codes.map(Self.recoveryHash), agentID: agentID, workspaceID: ws, in: $0)
            }
            return RecoveryCodesDTO(recoveryCodes: codes)
        }
        api.on(.post, "/auth/me/two-factor/disable", "Turn two-factor sign-in off (your password again)", tag: "auth", body: "PasswordBody") { request, context in
            let body = try await request.decode(as: PasswordBody.self, context: context)
            let (agentID, ws) = (context.agent.id, context.workspaceID)
            guard let credentials = try await database.read({ try await AgentRepository.credentials(workspaceID: ws, id: agentID, in: $0) }),
                  await services.passwords.verify(body.password, hash: credentials.passwordHash) else {
                throw Problem(.forbidden, "The password is wrong.", field: "password")
            }
            try await database.write { try await TwoFactorRepository.disable(agentID: agentID, workspaceID: ws, in: $0) }
            return Response(status: .noContent)
        }
        api.on(.get, "/workspace/security", "Whether the workspace requires two-factor sign-in, and who has it on", tag: "auth", role: .admin) { _, context in
            let ws = context.workspaceID
            return try await database.read { sql in
                SecurityDTO(requireTwoFactor: try await TwoFactorRepository.workspaceRequires(ws, in: sql),
                            enrolledAgentIds: try await TwoFactorRepository.enrolledAgents(workspaceID: ws, in: sql).map(\.rawValue).sorted())
            }
        }
        api.on(.put, "/workspace/security", "Require two-factor sign-in of everyone (agents without it must set it up at their next request)",
               tag: "auth", role: .admin, body: "SecurityBody") { request, context in
            let body = try await request.decode(as: SecurityBody.self, context: context)
            let ws = context.workspaceID
            let (agentID, enrolled) = (context.agent.id, try await database.read { try await TwoFactorRepository.enrolledAgents(workspaceID: ws, in: $0) })
            if body.requireTwoFactor, !enrolled.contains(agentID) {
                throw Problem(.conflict, "Turn two-factor sign-in on for yourself first, so that requiring it does not lock you out.")
            }
            try await database.write { try await TwoFactorRepository.setWorkspaceRequires(body.requireTwoFactor, workspaceID: ws, in: $0) }
            return SecurityDTO(requireTwoFactor: body.requireTwoFactor, enrolledAgentIds: enrolled.map(\.rawValue).sorted())
        }
    }

    /// Whether `code` is the agent's current authenticator code (used up once accepted) or, when
    /// allowed, one of their unused recovery codes (used up too).
    func checkCode(_ code: String, agentID: AgentID, workspaceID: WorkspaceID, allowRecovery: Bool) async throws -> Bool {
        let database = services.database
        guard let state = try await database.read({ try await TwoFactorRepository.state(agentID: agentID, workspaceID: workspaceID, in: $0) }),
              let sealed = state.sealedSecret, let secret = Base32.decode(try services.secretBox().open(sealed)) else { return false }
        if let step = TOTP.verify(code, secret: secret, at: Date(), after: state.lastStep) {
            return try await database.write { try await TwoFactorRepository.useStep(step, agentID: agentID, workspaceID: workspaceID, in: $0) }
        }
        guard allowRecovery else { return false }
        let hash = Self.recoveryHash(code)
        return try await database.write {
            try await TwoFactorRepository.useRecoveryCode(hash: hash, agentID: agentID, workspaceID: workspaceID, now: Date(), in: $0)
        }
    }

    /// Ten codes like "k7qd-2mxa" (40 random bits each).
    static func newRecoveryCodes() -> [String] {
        (0..<recoveryCodeCount).map { _ in
            let text = Base32.encode(TOTP.randomBytes(5)).lowercased()
            return String(text.prefix(4)) + "-" + String(text.dropFirst(4))
        }
    }

    /// Recovery codes are compared as typed without case, spaces or hyphens.
    static func recoveryHash(_ code: String) -> String {
        Secrets.sha256Hex(code.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}
