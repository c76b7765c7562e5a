// CodeMirror 6 with Python, loaded on demand (first edit or first Run) as window.CondisEditor.
import { defaultKeymap, history, historyKeymap, indentLess, indentMore, insertNewlineAndIndent } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, placeholder } from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";

/**
 * create({parent, doc, label, onRun, onRunAdvance, onEscape, onChange, lineNumbers})
 * Keys: Shift+Enter runs and moves on, Ctrl/Cmd+Enter runs, Tab indents, Esc leaves the editor
 * (so the keyboard is never trapped: Esc then Tab continues through the page).
 */
function create(options) {
  const { parent, doc = "", label = "Code", onRun, onRunAdvance, onEscape, onChange } = options;
  const keys = [
    { key: "Shift-Enter", run: () => (onRunAdvance || onRun)?.() ?? true, preventDefault: true },
    { key: "Mod-Enter", run: () => onRun?.() ?? true, preventDefault: true },
    { key: "Enter", run: insertNewlineAndIndent },
    { key: "Tab", run: indentMore, shift: indentLess },
    {
      key: "Escape",
      run: (view) => {
        view.contentDOM.blur();
        onEscape?.();
        return true;
      },
    },
  ];
  const extensions = [
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    indentUnit.of("    "),
    EditorState.tabSize.of(4),
    python(),
    syntaxHighlighting(classHighlighter),
    keymap.of([...keys, ...defaultKeymap, ...historyKeymap]),
    EditorView.lineWrapping,
    // tabindex: the editor is a Tab stop of its own (axe counts it as focusable content of its scroller).
    EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true", tabindex: "0" }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange?.(update.state.doc.toString());
    }),
  ];
  if (options.lineNumbers) extensions.push(lineNumbers());
  if (options.placeholder) extensions.push(placeholder(options.placeholder));
  const view = new EditorView({ state: EditorState.create({ doc, extensions }), parent });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus(at) {
      if (at) {
        const pos = view.posAtCoords(at);
        if (pos != null) view.dispatch({ selection: { anchor: pos } });
      }
      view.focus();
    },
    hasFocus: () => view.hasFocus,
    destroy: () => view.destroy(),
  };
}

window.CondisEditor = { create };
