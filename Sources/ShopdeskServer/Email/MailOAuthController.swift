import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Routes of `MailOAuth`: which providers the server offers, the start and end of an admin's
/// consent, and disconnecting a mailbox.
struct MailOAuthController {
    let services: AppServices

    struct ProviderDTO: ResponseEncodable { var name: String; var title: String; var redirectUri: String }
    struct StartBody: Decodable { var provider: String }
    struct Started: ResponseEncodable { var authorizationUrl: String }

    func register(_ api: APIRegistrar) {
        let oauth = MailOAuth(services: services)
        api.on(.get, "/mail-oauth/providers", "Providers whose mailboxes can be connected with OAuth (configured on the server)",
               tag: "inboxes", role: .admin) { request, _ in
            let redirect = MailOAuth.redirectURI(services, request)
            return Page(items: services.config.mailOAuthProviders.map { ProviderDTO(name: $0.name, title: $0.title, redirectUri: redirect) },
                        nextCursor: nil)
        }
        api.on(.post, "/inboxes/{id}/email/oauth", "Start connecting the email inbox's mailbox with OAuth (returns the provider's sign-in address)",
               tag: "inboxes", role: .admin, body: "StartBody") { request, context in
            let inbox = try await emailInbox(request, context)
            let body = try await request.decode(as: StartBody.self, context: context)
            guard let provider = oauth.provider(body.provider) else {
                let names = services.config.mailOAuthProviders.map(\.name)
                throw Problem(.unprocessableContent, names.isEmpty
                              ? "This server has no OAuth mail provider configured; its operator sets google_client_id or microsoft_client_id."
                              : "provider is one of \(names.joined(separator: ", ")).", field: "provider")
            }
            let (url, cookie) = try oauth.start(inbox: inbox, provider: provider, agentID: context.agent.id, request: request)
            var response = try Started(authorizationUrl: url).response(from: request, context: context)
            response.setCookie(cookie)
            return response
        }
        api.on(.delete, "/inboxes/{id}/email/oauth", "Disconnect the mailbox's OAuth consent (IMAP and SMTP need a password again)",
               tag: "inboxes", role: .admin) { request, context in
            var inbox = try await emailInbox(request, context)
            inbox.email?.oauthProvider = nil
            let updated = inbox
            try await services.database.write { sql in
                try await MailOAuthRepository.delete(workspaceID: updated.workspaceID, inboxID: updated.id, in: sql)
                try await InboxRepository.update(updated, in: sql)
            }
            await services.mailTokens.forget(updated.id)
            return Response(status: .noContent)
        }
        api.on(.get, "/mail-oauth/callback", "The provider's redirect after an admin connected a mailbox (state and code checked)",
               tag: "inboxes", role: .admin) { request, context in
            try await oauth.finish(request, context: context)
        }
    }

    private func emailInbox(_ request: Request, _ context: AuthenticatedContext) async throws -> Inbox {
        let id: InboxID = try request.id(context: context, "Inbox")
        let ws = context.workspaceID
        guard let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: ws, id: id, in: $0) }) else {
            throw Problem(.notFound, "Inbox \(id) was not found.")
        }
        guard inbox.kind == .email, inbox.email != nil else {
            throw Problem(.unprocessableContent, "Only email inboxes have a mailbox to connect.")
        }
        return inbox
    }
}
