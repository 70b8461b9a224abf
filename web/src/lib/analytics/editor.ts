/**
 * The console's query editor: CodeMirror 6 with GraphQL support (cm6-graphql) against the subgraph's schema, for
 * completion and validation as the analyst types, Ctrl/Cmd-Enter to run, and Ctrl/Cmd-click on a name to show its
 * type in the explorer. The analytics page imports this module dynamically (`import()`), so that CodeMirror and
 * graphql-js load with that page only, after it is shown.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, lintKeymap } from "@codemirror/lint";
import { EditorState, Prec } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { graphql, updateSchema } from "cm6-graphql";
import type { GraphQLSchema } from "graphql";

export { loadSchema, schemaModel } from "./schemaExplorer.ts";

/** What the editor needs from its page. */
export type QueryEditorOptions = {
  /** The element the editor is drawn in. */
  parent: HTMLElement;
  /** The query it starts with. */
  doc: string;
  /** The ids of the label and of the hints that name and describe the editor to assistive technology. */
  labelledBy: string;
  describedBy: string;
  /** Called with the new text after each edit. */
  onChange: (doc: string) => void;
  /** Called on Ctrl-Enter (Cmd-Enter on a Mac). */
  onRun: () => void;
  /** Called with a named type's name when the analyst Ctrl/Cmd-clicks a field or an argument. */
  onShowType: (typeName: string) => void;
};

/** The editor, as its page drives it. */
export type QueryEditor = {
  /** Replaces the text (an example chosen, a query from the history). */
  setDoc: (doc: string) => void;
  /** Inserts `text` at the cursor (a field picked in the explorer) and focuses the editor. */
  insert: (text: string) => void;
  /** Moves the cursor to a line and column (1-based, as GraphQL errors give them) and focuses the editor. */
  goTo: (line: number, column: number) => void;
  /** Completes and validates against `schema` from now on. */
  setSchema: (schema: GraphQLSchema) => void;
  focus: () => void;
  destroy: () => void;
};

/** The named type of a type as graphql-js prints it: `[Trade!]!` → `Trade`. */
export function namedTypeOf(type: string): string {
  return type.replace(/[[\]!]/g, "");
}

const theme = EditorView.theme({
  "&": { border: "1px solid var(--line)", borderRadius: "6px", background: "var(--card)", fontSize: "0.85rem" },
  "&.cm-focused": { outline: "2px solid var(--accent)", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", minHeight: "16rem" },
  ".cm-content": { minHeight: "16rem" },
});

/** Draws the editor in `options.parent`. */
export function createQueryEditor(options: QueryEditorOptions): QueryEditor {
  const run = () => {
    options.onRun();
    return true;
  };
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        bracketMatching(),
        closeBrackets(),
        autocompletion(),
        highlightActiveLine(),
        EditorView.lineWrapping,
        lintGutter(),
        Prec.highest(keymap.of([{ key: "Mod-Enter", run, preventDefault: true }])),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
        graphql(undefined, {
          onShowInDocs: (_field, type, parentType) => {
            const shown = type ?? parentType;
            if (shown) options.onShowType(namedTypeOf(shown));
          },
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
        EditorView.contentAttributes.of({
          "aria-labelledby": options.labelledBy,
          "aria-describedby": options.describedBy,
          "aria-keyshortcuts": "Control+Enter Meta+Enter",
          // Focusable for axe too (its scrolling parent must hold something focusable by keyboard), as it is anyway.
          tabindex: "0",
          "data-testid": "query-editor",
        }),
        theme,
      ],
    }),
  });
  return {
    setDoc: (doc) => {
      if (doc === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } });
    },
    insert: (text) => {
      view.dispatch(view.state.replaceSelection(text));
      view.focus();
    },
    goTo: (line, column) => {
      const target = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
      const pos = Math.min(target.from + Math.max(0, column - 1), target.to);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    },
    setSchema: (schema) => updateSchema(view, schema),
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
