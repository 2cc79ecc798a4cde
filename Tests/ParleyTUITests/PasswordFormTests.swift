import ParleyDomain
import ParleyTUI
import Testing

/// `/passwd`: a masked form, the new password typed twice, refusals shown in it.
@Suite struct PasswordFormTests {
    private func tab(_ state: inout AppState) {
        _ = reduce(&state, .key(.tab))
    }

    @Test func theNewPasswordIsTypedTwiceAndOnlyStarsAreShown() {
        var state = Fixture.chat()
        Fixture.type("/passwd", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty)
        #expect(state.popup == .password)
        #expect(state.currentInput.text.isEmpty, "nothing of it stays in the input line")

        Fixture.type("old secret", into: &state)
        tab(&state)
        Fixture.type("new secret one", into: &state)
        tab(&state)
        Fixture.type("new secret two", into: &state)
        #expect(reduce(&state, .key(.enter)).isEmpty, "two different new passwords")
        #expect(state.passwordForm?.error?.contains("differ") == true)
        #expect(state.passwordForm?.focus == .new)

        Fixture.type("new secret one", into: &state)
        tab(&state)
        Fixture.type("new secret one", into: &state)
        let screen = GridScreen(columns: 80, rows: 24)
        render(state, on: screen)
        let shown = screen.lines.joined(separator: "\n")
        #expect(shown.contains("Change your password"))
        #expect(shown.contains(String(repeating: "*", count: 14)))
        #expect(!shown.contains("secret"), "a password never shows")

        #expect(reduce(&state, .key(.enter)) == [.changePassword(old: "old secret", new: "new secret one")])
        #expect(state.passwordForm?.busy == true)
        let refusal = "Wrong password for \"alice\"; a wrong one also counts toward the wait before the next try."
        _ = reduce(&state, .passwordChangeFailed(refusal))
        #expect(state.passwordForm?.error == refusal)
        #expect(state.popup == .password, "the form stays for another try")
        let refused = GridScreen(columns: 80, rows: 24)
        render(state, on: refused)
        #expect(refused.lines.joined(separator: " ").contains("next try."), "the whole refusal shows, wrapped")
        _ = reduce(&state, .passwordChanged)
        #expect(state.popup == nil && state.passwordForm == nil)
        #expect(state.status?.text.contains("Password changed") == true)
    }

    @Test func escapeCancels() {
        var state = Fixture.chat()
        Fixture.type("/passwd", into: &state)
        _ = reduce(&state, .key(.enter))
        Fixture.type("half typed", into: &state)
        #expect(reduce(&state, .key(.escape)).isEmpty)
        #expect(state.popup == nil && state.passwordForm == nil)
    }
}
