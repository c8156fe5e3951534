package io.hmapstore.cli;

import java.util.Locale;

/**
 * Just enough JSON for the harness's output: objects, arrays, strings, numbers, booleans and null,
 * written in order and indented. A library would be the only dependency the CLI needs for this, so
 * it is done by hand; the escaping follows RFC 8259 section 7.
 */
final class JsonWriter {

    private final StringBuilder out = new StringBuilder();
    /** Per open container, whether it already holds an element (a comma is due before the next). */
    private final java.util.ArrayDeque<boolean[]> open = new java.util.ArrayDeque<>();
    private boolean afterName;

    /** Opens an object, as a value or an array element. @return this */
    JsonWriter beginObject() {
        return begin('{');
    }

    /** Closes the innermost object. @return this */
    JsonWriter endObject() {
        return end('}');
    }

    /** Opens an array, as a value or an array element. @return this */
    JsonWriter beginArray() {
        return begin('[');
    }

    /** Closes the innermost array. @return this */
    JsonWriter endArray() {
        return end(']');
    }

    /**
     * Writes a member name; the next call writes its value.
     *
     * @param name the name
     * @return this
     */
    JsonWriter name(String name) {
        separate();
        string(name);
        out.append(": ");
        afterName = true;
        return this;
    }

    /**
     * Writes a value: {@code null}, a {@link Number}, a {@link Boolean}, or anything else as its string.
     * Non-finite doubles have no JSON form and are written as {@code null}.
     *
     * @param value the value
     * @return this
     */
    JsonWriter value(Object value) {
        separate();
        switch (value) {
            case null -> out.append("null");
            case Double d when d.isNaN() || d.isInfinite() -> out.append("null");
            case Double d -> out.append(Double.toString(d));   // e.g. 1.5E7: valid JSON as it is
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            default -> string(value.toString());
        }
        return this;
    }

    /** @return the JSON written so far, with a final newline once every container is closed */
    @Override
    public String toString() {
        return open.isEmpty() ? out + "\n" : out.toString();
    }

    private JsonWriter begin(char bracket) {
        separate();
        out.append(bracket);
        open.push(new boolean[1]);
        return this;
    }

    private JsonWriter end(char bracket) {
        if (open.isEmpty()) {
            throw new IllegalStateException("no open container to close with '" + bracket + "'");
        }
        boolean any = open.pop()[0];
        if (any) {
            newline();
        }
        out.append(bracket);
        return this;
    }

    /** Before a name or a value: a comma after an earlier element, and a new indented line. */
    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (open.isEmpty()) {
            return;
        }
        boolean[] any = open.peek();
        if (any[0]) {
            out.append(',');
        }
        any[0] = true;
        newline();
    }

    private void newline() {
        out.append('\n').append("  ".repeat(open.size()));
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
