import ShopdeskCore
import Testing

@Suite("Markdown for help-center articles")
struct MarkdownTests {
    @Test func theSubsetRendersToHTML() {
        let html = Markdown.html("""
            # Returns
            Send it back within **30 days**, *unworn*, with `the label`.

            - Pack it
            - Print the [label](/help/shop/en/12-label)
            1. First
            2. Second

            > Refunds take 5–10 days.

            ```
            <b>not bold</b>
            ```
            ---
            ![Box](https://cdn.example.com/box.png)
            """)
        #expect(html.contains("<h2>Returns</h2>"))
        #expect(html.contains("<strong>30 days</strong>") && html.contains("<em>unworn</em>") && html.contains("<code>the label</code>"))
        #expect(html.contains("<ul><li>Pack it</li><li>Print the <a href=\"/help/shop/en/12-label\">label</a></li></ul>"))
        #expect(html.contains("<ol><li>First</li><li>Second</li></ol>"))
        #expect(html.contains("<blockquote><p>Refunds take 5–10 days.</p></blockquote>"))
        #expect(html.contains("<pre><code>&lt;b&gt;not bold&lt;/b&gt;</code></pre>"))
        #expect(html.contains("<hr>") && html.contains("<img src=\"https://cdn.example.com/box.png\" alt=\"Box\" loading=\"lazy\">"))
    }

    @Test func nothingBecomesScriptOrAnUnsafeLink() {
        let attacks = [
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](//evil.example/)", "![x](http://insecure.example/a.png)",
            "![x](javascript:alert(1))", "[x\" onmouseover=\"alert(1)](https://ok.example/)", "**<iframe src=//evil>**", "[a](https://x.example/\" onclick=\"y)",
        ]
        for attack in attacks {
            let html = Markdown.html(attack)
            #expect(!html.contains("<script") && !html.contains("<img src=x") && !html.contains("<iframe"), "\(attack) → \(html)")
            #expect(!html.lowercased().contains("href=\"javascript") && !html.contains("href=\"data:") && !html.contains("href=\"//"), "\(attack) → \(html)")
            #expect(!html.contains("\" onmouseover=\"") && !html.contains("\" onclick=\""), "attribute breakout: \(attack) → \(html)")
        }
        #expect(Markdown.plainText("## Where is my **order**?\n- [Track it](/x)") == "Where is my order? Track it")
    }
}
