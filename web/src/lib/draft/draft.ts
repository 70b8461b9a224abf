/**
 * A proposal drafted in the browser: the form's fields become the same document a delegate writes in proposals/
 * (read by sdk/proposal/proposalFile.ts, checked by sdk/proposal/check.ts), so that the page, the exported file and the
 * CLI agree on every rule.
 */
import { stringify } from "yaml";
import { checkProposal, type Check, type CheckResult, type RegistrySnapshot } from "../../../../sdk/proposal/check.ts";
import { ProposalError, readProposal, type ProposalDraft } from "../../../../sdk/proposal/proposalFile.ts";
import { readDriftSetting } from "../../../../sim/runSettings.ts";
import { changesTable, describedChanges } from "../../../../sdk/proposal/checks/description.ts";

export type DraftForm = {
  title: string;
  body: string;
  /** Parameter changes in the order picked, values as typed ("4%", "12h", "12_000_000 USDC", "true"). */
  changes: { name: string; value: string }[];
  /**
   * The simulation settings; `drift` as a file writes it ("zero", "fitted", "8%"), set by the impact panel. No seed:
   * a report's seed is derived from the proposal's content (sdk/proposal/seed.ts).
   */
  simulation: { paths: number; drift?: string | undefined };
};

/** The file name the draft is checked and exported as. */
export function draftFileName(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `proposals/${slug || "draft"}.yaml`;
}

/**
 * The proposals/ document of a form: title, body, changes by name, the simulation settings (the drift only when it
 * is not the default, and only once it reads: the impact panel says what is wrong with it).
 */
export function draftDocument(form: DraftForm): Record<string, unknown> {
  const { paths, drift } = form.simulation;
  const readDrift = drift === undefined ? undefined : readDriftSetting(drift);
  const ownDrift = readDrift?.ok && readDrift.drift !== "zero" ? { drift } : {};
  return {
    title: form.title.trim(),
    body: form.body.trim() ? `${describedBody(form)}\n` : "",
    changes: Object.fromEntries(form.changes.map((c) => [c.name, c.value.trim()])),
    simulation: { paths, ...ownDrift },
  };
}

/**
 * The form's body, with the table of its changes the description check compares with the calldata
 * (sdk/proposal/checks/description.ts) appended when the body has none.
 */
function describedBody(form: DraftForm): string {
  const body = form.body.trim();
  if (form.changes.length === 0 || describedChanges(body) !== undefined) return body;
  return `${body}\n\n${changesTable(form.changes.map((c) => ({ parameter: c.name, proposed: c.value.trim() })))}`;
}

/** The form as a proposals/ YAML file, ready for `trimtab proposal check`. */
export function draftYaml(form: DraftForm): string {
  const header = `# ${draftFileName(form.title)}: drafted in the Trimtab web app.\n# Check it with: npm run trimtab -- proposal check ${draftFileName(form.title)}\n`;
  return header + stringify(draftDocument(form), { lineWidth: 0 });
}

export type DraftCheck =
  /** The document itself is malformed (no title, no change…): `field` names what is wrong. */
  | { ok: false; field: string; message: string }
  | { ok: true; proposal: ProposalDraft; result: CheckResult; byParameter: Record<string, Check[]> };

/** The draft read as a proposal file and checked against the registry: every rule, grouped by parameter. */
export function checkDraft(form: DraftForm, snapshot: RegistrySnapshot): DraftCheck {
  const file = draftFileName(form.title);
  let proposal: ProposalDraft;
  try {
    proposal = readProposal(file, draftDocument(form));
  } catch (error) {
    if (error instanceof ProposalError) return { ok: false, field: error.field, message: error.reason };
    throw error;
  }
  const result = checkProposal(file, proposal, snapshot);
  const byParameter: Record<string, Check[]> = {};
  for (const check of result.checks) {
    const name = /^changes\."(.+)"$/.exec(check.field)?.[1];
    if (name) (byParameter[name] ??= []).push(check);
  }
  return { ok: true, proposal, result, byParameter };
}

/** The reason of a check, without the "file: field: " its message starts with. */
export function checkReason(check: Check): string {
  const prefix = `: ${check.field}: `;
  const at = check.message.indexOf(prefix);
  return at >= 0 ? check.message.slice(at + prefix.length) : check.message;
}

/** What the user has done to the form so far: edited the title, the body, the changes; tried to submit. */
export type DraftTouched = { title: boolean; body: boolean; changes: boolean; submitted: boolean };

/** The draft's checks as the page shows them: a verdict, and the problem that makes it fail when there is one. */
export type ShownCheck = { verdict: "PASS" | "WARN" | "FAIL" | "incomplete"; field?: string; problem?: string };

/**
 * The draft's checks as the page shows them: a malformed document's problem only once the user has edited the field
 * at fault or tried to submit (a fresh draft is "incomplete", not failing); what the registry's rules say as it is.
 */
export function shownCheck(checked: DraftCheck, touched: DraftTouched): ShownCheck {
  if (checked.ok) return { verdict: checked.result.verdict };
  const area = /^[a-z]*/.exec(checked.field)![0];
  const untouched = (area === "title" || area === "body" || area === "changes") && !touched[area];
  if (untouched && !touched.submitted) return { verdict: "incomplete" };
  return { verdict: "FAIL", field: checked.field, problem: checked.message };
}

/**
 * The registry's checks of each change as typed, whatever the rest of the form holds (an empty title or body is
 * stood in for): the page flags a value outside the rules before the draft is complete.
 */
export function checkChanges(form: DraftForm, snapshot: RegistrySnapshot): Record<string, Check[]> {
  const standIn = { ...form, title: form.title.trim() || "Draft", body: form.body.trim() || "Draft." };
  const checked = checkDraft(standIn, snapshot);
  return checked.ok ? checked.byParameter : {};
}
