/** The console's variables box: a JSON object, or nothing. */
import { isJsonObject, type Json, type JsonObject } from "./table.ts";

/** The variables to send, or what is wrong with the text. */
export type ParsedVariables = { ok: true; variables: JsonObject } | { ok: false; error: string };

/** What kind of JSON value `value` is, in words: "an array", "a number", "null". */
function kindOf(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/**
 * Parses the variables box: blank is no variables; otherwise it must be a JSON object, and the error names the
 * problem (the parser's message, or the kind of value found instead of an object).
 */
export function parseVariables(text: string): ParsedVariables {
  if (text.trim() === "") return { ok: true, variables: {} };
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    return { ok: false, error: `Variables are not valid JSON: ${(error as Error).message}` };
  }
  if (!isJsonObject(value))
    return { ok: false, error: `Variables must be a JSON object such as {"first": 5}, not ${kindOf(value)}.` };
  return { ok: true, variables: value };
}
