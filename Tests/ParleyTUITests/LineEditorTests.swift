import ParleyClient
import Testing

@testable import ParleyTUI

@Suite struct LineEditorTests {
    func editor(_ text: String, cursor: Int? = nil) -> LineEditor {
        var editor = LineEditor(text)
        if let cursor { for _ in 0..<(text.count - cursor) { editor.moveLeft() } }
        return editor
    }

    @Test func insertAndMove() {
        var e = editor("hllo", cursor: 1)
        e.insert("e")
        #expect(e.text == "hello" && e.cursor == 2)
        e.moveLeft(); e.moveLeft(); e.moveLeft()
        #expect(e.cursor == 0)
        e.moveRight()
        #expect(e.cursor == 1)
        e.moveToLineEnd()
        #expect(e.cursor == 5)
        e.moveRight()
        #expect(e.cursor == 5)
        e.moveToLineStart()
        #expect(e.cursor == 0)
    }

    @Test func homeAndEndStayOnTheLineOfAMultiLineText() {
        var e = editor("first\nsecond", cursor: 9)
        e.moveToLineStart()
        #expect(e.cursor == 6)
        e.moveToLineEnd()
        #expect(e.cursor == 12)
    }

    @Test func deleting() {
        var e = editor("abcdef", cursor: 3)
        e.deleteBackward()
        #expect(e.text == "abdef" && e.cursor == 2)
        e.deleteForward()
        #expect(e.text == "abef" && e.cursor == 2)
        e.deleteToEnd()
        #expect(e.text == "ab")
        e = editor("abcdef", cursor: 4)
        e.deleteToStart()
        #expect(e.text == "ef" && e.cursor == 0)
        e.deleteBackward()
        #expect(e.text == "ef")
    }

    @Test func ctrlWDeletesTheWordAndTheSpacesAfterIt() {
        var e = editor("say hello  ")
        e.deleteWordBackward()
        #expect(e.text == "say ")
        e.deleteWordBackward()
        #expect(e.text == "")
    }

    @Test func wideCharactersAreOneCursorStepAndTwoColumns() {
        var e = editor("a世界🎉b", cursor: 2)
        e.deleteBackward()
        #expect(e.text == "a界🎉b")
        e.moveRight()
        let layout = InputLayout(e, columns: 40)
        // "a" + "界" = 3 columns, then the cursor stands before 🎉.
        #expect(e.cursor == 2)
        #expect(layout.cursorColumn == 3)
        e.moveRight()
        #expect(InputLayout(e, columns: 40).cursorColumn == 5)
    }

    @Test func aWideCharacterThatWouldSplitMovesToTheNextRow() {
        let layout = InputLayout(LineEditor("abc世"), columns: 4)
        #expect(layout.rows == ["abc", "世"])
        #expect(layout.cursorRow == 1 && layout.cursorColumn == 2)
    }

    @Test func recallWalksSentLinesAndKeepsTheDraft() {
        var e = LineEditor()
        e.insert("one"); _ = e.take()
        e.insert("two"); _ = e.take()
        e.insert("draft")
        e.recallPrevious()
        #expect(e.text == "two")
        e.recallPrevious()
        #expect(e.text == "one")
        e.recallPrevious()
        #expect(e.text == "one")
        e.recallNext()
        #expect(e.text == "two")
        e.recallNext()
        #expect(e.text == "draft")
    }

    @Test func completionReplacesTheWordBeforeTheCursor() {
        var e = LineEditor("hi al")
        #expect(e.wordBeforeCursor == "al")
        e.replaceWordBeforeCursor(with: "alice ")
        #expect(e.text == "hi alice ")
    }
}
