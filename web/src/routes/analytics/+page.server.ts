import { readmeExamples } from "#lib/analytics/readmeExamples.ts";
// The README's text is compiled into the server build (Vite's `?raw`): the server needs no repository beside it.
import readme from "../../../../README.md?raw";
import type { PageServerLoad } from "./$types";

const examples = readmeExamples(readme);

/** The README's example queries for analysts (parsed once, when the server starts). */
export const load: PageServerLoad = () => ({
  examples,
  examplesProblem: examples.length === 0 ? "The README has no example queries for analysts." : "",
});
