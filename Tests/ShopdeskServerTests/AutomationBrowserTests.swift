import Foundation
import Testing
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
@testable import ShopdeskServer

/// Macros and rules in a real headless Chromium: an admin builds them with the forms, an agent
/// uses a macro from the composer with one key, and the API shows what really happened.
@Suite("Automation in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct AutomationBrowserTests {
    @Test func adminBuildsAMacroAndARuleAndAnAgentRepliesWithTheMacroByKeyboard() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            let first = try await harness.inbound(email: "ana@example.com", text: "My parcel arrived broken, I want a refund").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/automation")
                try await page.waitFor("document.querySelector('#add-macro')", "the macros panel")

                // A macro with a variable and an action, written in the form.
                _ = try await page.evaluate("document.querySelector('#add-macro').click()")
                try await page.waitFor("document.querySelector('#macro-editor')", "the macro editor")
                try await WebAppTests.fill(page, ["#macro-name": "Damaged item", "#macro-body": "Hi {{customer.first_name}}, we are sorry! A replacement is on its way."])
                _ = try await page.evaluate("document.querySelector('#macro-editor .add-action').click()")
                _ = try await page.evaluate("""
                    (() => { const row = document.querySelector('#macro-editor .action');
                      row.querySelector('select').value = 'add_tags'; row.querySelector('input[type=text]').value = 'replacement'; return true })()
                    """)
                // It sends the returns form every time: a file chosen in the editor.
                _ = try await page.evaluate("""
                    (() => { const files = new DataTransfer(); files.items.add(new File(['%PDF-1.4 returns'], 'returns-form.pdf', { type: 'application/pdf' }));
                      const input = document.querySelector('#macro-file-input'); input.files = files.files; input.dispatchEvent(new Event('change')); })()
                    """)
                try await page.waitFor("document.querySelector('#macro-files')?.textContent.includes('returns-form.pdf')", "the macro's file")
                _ = try await page.evaluate("document.querySelector('#macro-editor').requestSubmit()")
                try await page.waitFor("document.querySelector('#macro-list').innerText.includes('Damaged item')", "the saved macro")

                // A rule: when a customer writes "broken", tag the conversation and make it high priority.
                _ = try await page.evaluate("document.querySelector('#add-rule').click()")
                try await page.waitFor("document.querySelector('#rule-editor')", "the rule editor")
                try await page.focus("#rule-editor input[type=text]")
                try await page.type("Damaged goods")
                _ = try await page.evaluate("""
                    (() => { const editor = document.querySelector('#rule-editor');
                      editor.querySelector('.add-condition').click();
                      const condition = editor.querySelector('.condition');
                      const [field, op] = condition.querySelectorAll('select');
                      field.value = 'message.text'; field.dispatchEvent(new Event('change'));
                      const ops = editor.querySelector('.condition').querySelectorAll('select')[1];
                      ops.value = 'contains_any'; ops.dispatchEvent(new Event('change'));
                      editor.querySelector('.condition input').value = 'broken, quebrado, сломан';
                      const action = editor.querySelector('.action');
                      action.querySelector('input[type=text]').value = 'damaged';
                      editor.querySelector('.add-action').click();
                      const second = editor.querySelectorAll('.action')[1];
                      const type = second.querySelector('select'); type.value = 'set_priority'; type.dispatchEvent(new Event('change'));
                      editor.querySelectorAll('.action')[1].querySelectorAll('select')[1].value = 'high';
                      return true })()
                    """)
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    _ = try await page.evaluate("document.querySelector('#rule-editor').scrollIntoView()")
                    try await page.screenshot(to: "\(directory)/rule-editor.png")
                }
                _ = try await page.evaluate("document.querySelector('#rule-editor').requestSubmit()")
                try await page.waitFor("document.querySelector('#rule-list').innerText.includes('Damaged goods')", "the saved rule")
                let rules = try await harness.client.json(.get, "/api/v1/rules", token: token).items
                let conditions = rules.first?["conditions"] as? [String: Any]
                #expect((conditions?["all"] as? [[String: Any]])?.first?["value"] as? [String] == ["broken", "quebrado", "сломан"])

                // The dry run finds the conversation that already says "broken" and changes nothing.
                _ = try await page.evaluate("document.querySelector('#dry-run-button').click()")
                try await page.waitFor("document.querySelector('#dry-run').innerText.includes('Damaged goods')", "the dry run's result")
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(first)", token: token).string("priority") == "normal")

                // A new message fires the rule for real.
                let second = try await harness.inbound(email: "ivo@example.com", text: "Paket je stigao, šalica je SLOMAN… sorry, broken").int("conversation_id")
                let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(second)", token: token)
                #expect(try conversation.string("priority") == "high")

                // The agent opens it, presses m, finds the macro, previews (Enter) and uses it (Enter).
                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(second)")
                try await page.waitFor("document.querySelector('#composer-text')", "the conversation")
                _ = try await page.evaluate("document.querySelector('#conversation').focus()")
                try await page.press("m")
                try await page.waitFor("document.querySelector('#macro-picker')?.open", "the macro picker")
                try await page.type("damag")
                try await page.waitFor("document.querySelectorAll('#macro-options [role=option]').length === 1", "the filtered macro")
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#macro-preview pre')?.textContent.startsWith('Hi Marta')", "the preview with real data")
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#composer-text').value.startsWith('Hi Marta, we are sorry')", "the text in the composer")
                try await page.waitFor("document.querySelector('#macro-chip')?.innerText.includes('Damaged item')", "the chosen macro named")
                #expect(try await page.text("#macro-chip").contains("Files sent with it: 1"))
                _ = try await page.evaluate("document.querySelector('#composer-text').value += ' Ivo'")
                _ = try await page.evaluate("document.querySelector('#composer').requestSubmit()")
                try await page.waitFor("document.querySelector('#thread').innerText.includes('replacement is on its way. Ivo')", "the reply in the thread")
                try await page.waitFor("document.querySelector('#thread').innerText.includes('Damaged item')", "the macro in the timeline")
                let after = try await harness.client.json(.get, "/api/v1/conversations/\(second)", token: token)
                #expect(((after.body as? [String: Any])?["tags"] as? [String])?.sorted() == ["damaged", "replacement"])
                let macros = try await harness.client.json(.get, "/api/v1/macros", token: token).items
                #expect(macros.first?["usage_count"] as? Int == 1)
                let reply = try await harness.client.json(.get, "/api/v1/conversations/\(second)/messages", token: token).items
                    .last { $0["direction"] as? String == "outbound" }
                let sentFile = try #require((reply?["attachment_ids"] as? [Int])?.first)
                #expect(try await harness.client.json(.get, "/api/v1/attachments/\(sentFile)", token: token).string("file_name") == "returns-form.pdf")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/macro-reply.png")
                }
                // The customer becomes a VIP with a tag, from the customer panel.
                _ = try await page.evaluate("(() => { const box = document.querySelector('#customer-vip'); box.dataset.before = '1'; box.click(); return true })()")
                try await page.waitFor("document.querySelector('#customer-vip')?.checked && !document.querySelector('#customer-vip').dataset.before",
                                       "the VIP switch saved and the panel drawn again")
                try await page.focus("#customer-tag")
                try await page.type("Wholesale")
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('.customer-labels .tags')?.innerText.includes('wholesale')", "the customer's tag")
                #expect(try await page.evaluate("document.querySelector('#customer-tag').value") as? String == "", "the tag box is empty for the next one")
                let customerID = try after.int("customer_id")
                let customer = try await harness.client.json(.get, "/api/v1/customers/\(customerID)", token: token)
                #expect((customer.body as? [String: Any])?["vip"] as? Bool == true)
                #expect((customer.body as? [String: Any])?["tags"] as? [String] == ["wholesale"])
                // The identities stay after the labels are saved.
                #expect(try await page.evaluate("document.querySelector('#sidebar').innerText.includes('Email: ')") as? Bool == true)
            }
        }
    }

    /// Signs in on the automation settings, opens a new rule, names it and adds a condition row
    /// per (field, comparison), each chosen as a person would from the menus.
    static func newRule(_ page: DevToolsPage, _ harness: Harness, _ port: Int, named name: String,
                        conditions: [(field: String, op: String)]) async throws {
        try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/automation")
        try await page.waitFor("document.querySelector('#add-rule')", "the rules panel")
        _ = try await page.evaluate("document.querySelector('#add-rule').click()")
        try await page.waitFor("document.querySelector('#rule-editor')", "the rule editor")
        try await page.focus("#rule-editor input[type=text]")
        try await page.type(name)
        let rows = conditions.map { "[\(DevToolsPage.quoted($0.field)), \(DevToolsPage.quoted($0.op))]" }.joined(separator: ", ")
        _ = try await page.evaluate("""
            (() => { const editor = document.querySelector('#rule-editor');
              const wanted = [\(rows)];
              for (let i = 0; i < wanted.length; i++) editor.querySelector('.add-condition').click();
              editor.querySelectorAll('.condition').forEach((row, index) => {
                const [field, op] = wanted[index];
                const f = row.querySelectorAll('select')[0]; f.value = field; f.dispatchEvent(new Event('change'));
                const o = row.querySelectorAll('select')[1]; o.value = op; o.dispatchEvent(new Event('change')); });
              return true })()
            """)
    }

    @Test func theRuleEditorOffersChannelsIntentsTagsAndInboxesToPickNotToType() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            _ = try await harness.client.json(.post, "/api/v1/tags", token: token, body: #"{"name":"vip"}"#)
            try await Browser.with { page in
                // Channel · is one of · ticked among every channel; intent · is · chosen by its name; inbox · is · chosen by its name.
                try await Self.newRule(page, harness, port, named: "WhatsApp returns",
                                       conditions: [("channel", "in"), ("intent", "is"), ("inbox_id", "is")])
                let channels = try await page.evaluate("[...document.querySelectorAll('#rule-editor .condition')[0].querySelectorAll('label')].map((l) => l.textContent.trim()).join('|')") as? String ?? ""
                #expect(channels.contains("WhatsApp") && channels.contains("Telegram") && channels.contains("Instagram"), "\(channels)")
                let intents = try await page.evaluate("[...document.querySelectorAll('#rule-editor .condition')[1].querySelectorAll('select')[2].options].map((o) => o.textContent).join('|')") as? String ?? ""
                #expect(intents.contains("Return") && intents.contains("Order status"), "intents by their names: \(intents)")
                _ = try await page.evaluate("""
                    (() => { const rows = document.querySelectorAll('#rule-editor .condition');
                      for (const box of rows[0].querySelectorAll('input[type=checkbox]')) box.checked = box.value === 'whatsapp' || box.value === 'email';
                      rows[1].querySelectorAll('select')[2].value = 'return_request';
                      rows[2].querySelectorAll('select')[2].value = String(\(harness.inboxID));
                      const action = document.querySelector('#rule-editor .action');
                      action.querySelector('input[type=checkbox][value=vip]').checked = true;
                      action.querySelector('input[type=text]').value = 'returns';
                      return true })()
                    """)
                _ = try await page.evaluate("document.querySelector('#rule-editor').requestSubmit()")
                try await page.waitFor("document.querySelector('#rule-list').innerText.includes('WhatsApp returns')", "the saved rule")
                let rule = try #require(try await harness.client.json(.get, "/api/v1/rules", token: token).items.first)
                let conditions = (rule["conditions"] as? [String: Any])?["all"] as? [[String: Any]] ?? []
                #expect(conditions.first?["value"] as? [String] == ["email", "whatsapp"])
                #expect(conditions.dropFirst().first?["value"] as? String == "return_request")
                #expect(conditions.last?["value"] as? Int == Int(harness.inboxID), "an inbox by its id, as a number")
                #expect((rule["actions"] as? [[String: Any]])?.first?["tags"] as? [String] == ["vip", "returns"])

                // Opened again, the editor shows what was picked.
                _ = try await page.evaluate("document.querySelector('#rule-list button[aria-label=\"Edit: WhatsApp returns\"]').click()")
                try await page.waitFor("document.querySelector('#rule-editor .condition input[value=whatsapp]')?.checked", "the channel ticked again")
                #expect(try await page.evaluate("document.querySelector('#rule-editor .condition input[value=telegram]').checked") as? Bool == false)
                #expect(try await page.evaluate("document.querySelector('#rule-editor .action input[value=returns]').checked") as? Bool == true,
                        "a tag the rule made is among the ticked ones")
            }
        }
    }

    /// In Russian: custom fields are offered by their own labels (a customer's says so), a
    /// dropdown's options are picked, and "set custom field" writes one; opened again, all is as saved.
    @Test func aRuleComparesAndSetsCustomFieldsPickedByTheirLabels() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            for body in [#"{"entity":"conversation","key":"return_reason","label":"Причина возврата","kind":"dropdown","options":["Мал размер","Брак"]}"#,
                         #"{"entity":"conversation","key":"handled_by","label":"Кто ведёт","kind":"text"}"#,
                         #"{"entity":"customer","key":"tier","label":"Уровень","kind":"dropdown","options":["Gold","Silver"]}"#] {
                #expect(try await harness.client.json(.post, "/api/v1/custom-fields", token: token, body: body).status == .created)
            }
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: token, body: #"{"locale":"ru"}"#)
            try await Browser.with { page in
                try await Self.newRule(page, harness, port, named: "Брак у золотых",
                                       conditions: [("custom.return_reason", "is"), ("customer.custom.tier", "in")])
                let labels = try await page.evaluate("[...document.querySelector('#rule-editor .condition select').options].map((o) => o.textContent).join('|')") as? String ?? ""
                #expect(labels.contains("Причина возврата") && labels.contains("Клиент: Уровень"), "\(labels)")
                let options = try await page.evaluate("[...document.querySelectorAll('#rule-editor .condition')[0].querySelectorAll('select')[2].options].map((o) => o.value).join('|')") as? String
                #expect(options == "Мал размер|Брак")
                _ = try await page.evaluate("""
                    (() => { const editor = document.querySelector('#rule-editor');
                      const rows = editor.querySelectorAll('.condition');
                      rows[0].querySelectorAll('select')[2].value = 'Брак';
                      for (const box of rows[1].querySelectorAll('input[type=checkbox]')) box.checked = box.value === 'Gold';
                      const action = editor.querySelector('.action');
                      const type = action.querySelector('select'); type.value = 'set_field'; type.dispatchEvent(new Event('change'));
                      const key = editor.querySelector('.action').querySelectorAll('select')[1];
                      key.value = 'handled_by'; key.dispatchEvent(new Event('change'));
                      editor.querySelector('.action .field-value input').value = 'Отдел возвратов';
                      return true })()
                    """)
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/rule-custom-fields.png")
                }
                _ = try await page.evaluate("document.querySelector('#rule-editor').requestSubmit()")
                try await page.waitFor("document.querySelector('#rule-list').innerText.includes('Брак у золотых')", "the saved rule")
                let rule = try #require(try await harness.client.json(.get, "/api/v1/rules", token: token).items.first)
                let conditions = (rule["conditions"] as? [String: Any])?["all"] as? [[String: Any]] ?? []
                #expect(conditions.map { $0["field"] as? String } == ["custom.return_reason", "customer.custom.tier"])
                #expect(conditions.first?["value"] as? String == "Брак")
                #expect(conditions.last?["value"] as? [String] == ["Gold"])
                let action = (rule["actions"] as? [[String: Any]])?.first
                #expect(action?["type"] as? String == "set_field" && action?["key"] as? String == "handled_by" && action?["value"] as? String == "Отдел возвратов",
                        "\(action ?? [:])")

                _ = try await page.evaluate("document.querySelector('#rule-list button[aria-label=\"Изменить: Брак у золотых\"]').click()")
                try await page.waitFor("document.querySelector('#rule-editor .action .field-value input')?.value === 'Отдел возвратов'", "the field's value again")
                #expect(try await page.evaluate("document.querySelectorAll('#rule-editor .condition')[0].querySelectorAll('select')[2].value") as? String == "Брак")
            }
        }
    }

    @Test func anSLAPolicyMadeInSettingsShowsDueTimesInTheInboxSortedBySLA() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/automation")
                try await page.waitFor("document.querySelector('#add-sla')", "the SLA panel")
                // The inbox takes turns among its agents from now on.
                try await page.waitFor("document.querySelector('#admin-assignment [data-scope=\"inboxes:\(harness.inboxID)\"] select')", "the assignment panel")
                _ = try await page.evaluate("""
                    (() => { const select = document.querySelector('#admin-assignment [data-scope="inboxes:\(harness.inboxID)"] select');
                      select.value = 'round_robin'; select.dispatchEvent(new Event('change')); return true })()
                    """)
                try await page.waitFor("document.querySelector('#admin-assignment [data-scope=\"inboxes:\(harness.inboxID)\"] [role=status]').textContent.length > 0", "the policy saved")
                let policy = try await harness.client.json(.get, "/api/v1/inboxes/\(harness.inboxID)/assignment", token: harness.ownerToken)
                #expect(try policy.object("policy").string("mode") == "round_robin")
                _ = try await page.evaluate("document.querySelector('#add-sla').click()")
                try await page.waitFor("document.querySelector('#sla-editor')", "the SLA editor")
                try await WebAppTests.fill(page, ["#sla-name": "Urgent first", "#sla-first": "45"])
                _ = try await page.evaluate("""
                    (() => { const editor = document.querySelector('#sla-editor');
                      editor.querySelector('.add-condition').click();
                      const [field] = editor.querySelectorAll('.condition select');
                      field.value = 'tags'; field.dispatchEvent(new Event('change'));
                      editor.querySelector('.condition input[type=text]').value = 'asap';
                      [...editor.querySelectorAll('input[type=checkbox]')].forEach((box) => { box.checked = false; });
                      editor.requestSubmit(); return true })()
                    """)
                try await page.waitFor("document.querySelector('#sla-list').innerText.includes('Urgent first')", "the saved policy")
                let policies = try await harness.client.json(.get, "/api/v1/sla-policies", token: harness.ownerToken).items
                #expect(policies.first?["first_response_minutes"] as? Int == 45)
                #expect(policies.first?["business_hours"] as? Bool == false)
                #expect(policies.first?["calendar"] == nil || policies.first?["calendar"] is NSNull)

                // Edited: the policy gets hours of its own (a Saturday desk in Zagreb).
                _ = try await page.evaluate("document.querySelector('#sla-list button[aria-label^=\"Edit\"]').click()")
                try await page.waitFor("document.querySelector('#sla-editor')", "the SLA editor again")
                _ = try await page.evaluate("""
                    (() => { const editor = document.querySelector('#sla-editor');
                      const own = [...editor.querySelectorAll('label')].find((label) => label.textContent.includes('Its own hours')).querySelector('input');
                      own.click();
                      editor.querySelector('#sla-hours-zone').value = 'Europe/Zagreb';
                      editor.querySelector('#sla-hours-sat').value = '10:00-14:00';
                      editor.requestSubmit(); return true })()
                    """)
                try await page.waitFor("!document.querySelector('#sla-editor')", "the edited policy saved")
                let edited = try await harness.client.json(.get, "/api/v1/sla-policies", token: harness.ownerToken).items.first
                let calendar = edited?["calendar"] as? [String: Any]
                #expect(calendar?["time_zone"] as? String == "Europe/Zagreb")
                #expect((calendar?["weekly"] as? [String: Any])?["sat"] as? String == "10:00-14:00")

                // A rule tags what the customer calls urgent; the policy applies by the tag in the same write.
                _ = try await harness.client.json(.post, "/api/v1/rules", token: harness.ownerToken, body: #"""
                    {"name":"ASAP","triggers":["message.inbound"],"conditions":{"field":"message.text","op":"contains","value":"asap"},
                     "actions":[{"type":"add_tags","tags":["asap"]}]}
                    """#)
                _ = try await harness.inbound(email: "calm@example.com", text: "Whenever you can")
                let urgent = try await harness.inbound(email: "rush@example.com", text: "Please answer ASAP").int("conversation_id")
                try await page.navigate("http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelector('#sort')", "the inbox")
                _ = try await page.evaluate("(() => { const sort = document.querySelector('#sort'); sort.value = 'sla'; sort.dispatchEvent(new Event('change')); return true })()")
                try await page.waitFor("document.querySelector('#conversations .row')?.dataset.id === '\(urgent)'", "the SLA conversation first")
                try await page.waitFor("document.querySelector('#conversations .row .badge.sla')?.textContent.startsWith('SLA 4')", "its due time")
            }
        }
    }
}
